import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DPoPKey } from './dpop.js'
import { OAuthClient } from './oauth-client.js'
import {
  type LoopbackAuthorizationServer,
  startAuthorizationServer,
  USER,
} from './test-support/loopback-server.js'
import { pushedSignIn } from './test-support/pushed-sign-in.js'

// RFC 9126 end to end: @pipeshub/client's pushAuthorizationRequest() against the real @pipeshub/server.

const REDIRECT_URI = 'http://127.0.0.1/callback'
let server: LoopbackAuthorizationServer
let web: { clientId: string; clientSecret: string }
let spa: { clientId: string }

beforeAll(async () => {
  server = await startAuthorizationServer()
  const as = server.app.authorizationServer
  const registeredWeb = await as.registerClient({
    name: 'web app that must push',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'offline_access', 'kb:read'],
    requirePushedAuthorizationRequests: true,
  })
  web = { clientId: registeredWeb.client.clientId, clientSecret: registeredWeb.clientSecret ?? '' }
  const registeredSpa = await as.registerClient({
    name: 'single-page app',
    public: true,
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'kb:read'],
  })
  spa = { clientId: registeredSpa.client.clientId }
})

afterAll(async () => {
  await server?.close()
})

async function follow(url: URL): Promise<Response> {
  return fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30_000) })
}

describe('pushed authorization requests against the real @pipeshub/server', () => {
  it('discovers the endpoint, pushes, signs in through a URL carrying only client_id and request_uri', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, web)
    expect(client.metadata.pushedAuthorizationRequestEndpoint).toBe(`${server.issuer}/api/v1/oauth2/par`)
    const request = await client.pushAuthorizationRequest({
      redirectUri: REDIRECT_URI,
      scope: 'openid kb:read',
    })
    expect(request.expiresIn).toBe(60)
    expect([...request.url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
    const response = await follow(request.url)
    expect(response.status).toBe(302)
    const callback = client.validateAuthorizationCallback(response.headers.get('location') ?? '', {
      state: request.state,
    })
    const tokens = await client.exchangeAuthorizationCode({
      code: callback.code,
      redirectUri: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    })
    expect(tokens.idTokenClaims).toMatchObject({ sub: USER.subject, aud: web.clientId })

    // Single use: the same URL again is refused, shown rather than redirected.
    const replay = await follow(request.url)
    expect(replay.status).toBe(400)
    expect(replay.headers.get('location')).toBeNull()
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_request_uri')
  })

  it('a client that must push is refused on the front channel (invalid_request redirect)', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, web)
    const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'kb:read' })
    const response = await follow(request.url)
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(location.searchParams.get('error')).toBe('invalid_request')
  })

  it('with a DPoP key, the push carries a proof and the code is bound to it (RFC 9449 section 10.1)', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, { ...spa, dpop: await DPoPKey.generate() })
    const tokens = await pushedSignIn(client, REDIRECT_URI, 'kb:read')
    expect(tokens.tokenType).toBe('DPoP')
  })

  it('a public client pushes with its client_id alone', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, spa)
    const tokens = await pushedSignIn(client, REDIRECT_URI, 'kb:read')
    expect(tokens.scope).toBe('kb:read')
  })

  it('a pushed request the server refuses is an OAuthError with the authorization endpoint error', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, web)
    await expect(
      client.pushAuthorizationRequest({ redirectUri: 'http://127.0.0.1/elsewhere', scope: 'kb:read' }),
    ).rejects.toMatchObject({ error: 'invalid_request', status: 400 })
  })
})
