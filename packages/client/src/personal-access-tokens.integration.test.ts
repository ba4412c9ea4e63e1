import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OAuthError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { PersonalAccessTokenClient } from './personal-access-tokens.js'
import {
  type LoopbackAuthorizationServer,
  startAuthorizationServer,
  USER,
} from './test-support/loopback-server.js'

const REDIRECT_URI = 'http://127.0.0.1/callback'
const WEB_APP_CLIENT_ID = '7e4f2a1b-3c5d-4e6f-8a9b-0c1d2e3f4a5c'
let server: LoopbackAuthorizationServer
let accessToken: string

beforeAll(async () => {
  // The host's web app is an account client: only its users' tokens may manage personal access tokens.
  server = await startAuthorizationServer({ accountClients: [WEB_APP_CLIENT_ID] })
  const registered = await server.app.authorizationServer.registerClient({
    clientId: WEB_APP_CLIENT_ID,
    name: 'web app',
    grantTypes: ['authorization_code'],
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile', 'kb:read'],
  })
  const client = await OAuthClient.fromIssuer(server.issuer, {
    clientId: registered.client.clientId,
    clientSecret: registered.clientSecret ?? '',
  })
  const request = await client.createAuthorizationRequest({
    redirectUri: REDIRECT_URI,
    scope: 'openid profile kb:read',
  })
  const location = (await fetch(request.url, { redirect: 'manual' })).headers.get('location') ?? ''
  const callback = client.validateAuthorizationCallback(location, { state: request.state })
  const tokens = await client.exchangeAuthorizationCode({
    code: callback.code,
    redirectUri: REDIRECT_URI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  })
  accessToken = tokens.accessToken
})

afterAll(async () => {
  await server?.close()
})

describe('PersonalAccessTokenClient against the real server', () => {
  it('creates, lists and revokes a token, which then works as a Bearer token until revoked', async () => {
    const pats = new PersonalAccessTokenClient({
      endpoint: `${server.issuer}/api/v1/personal-access-tokens`,
      accessToken: () => accessToken,
    })
    const created = await pats.create({ name: 'CI deploy', scope: ['openid', 'kb:read'], expiresIn: 3600 })
    expect(created.token).toMatch(/^phpat_/)
    expect(await pats.list()).toEqual([
      {
        id: created.id,
        name: 'CI deploy',
        scope: 'openid kb:read',
        createdAt: created.createdAt,
        expiresAt: created.expiresAt,
      },
    ])
    const userinfo = await fetch(`${server.issuer}/api/v1/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${created.token}` },
    })
    expect(((await userinfo.json()) as { sub: string }).sub).toBe(USER.subject)
    await pats.revoke(created.id)
    expect(await pats.list()).toEqual([])
    const after = await fetch(`${server.issuer}/api/v1/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${created.token}` },
    })
    expect(after.status).toBe(401)
  })

  it('throws the typed errors of the server', async () => {
    const pats = new PersonalAccessTokenClient({
      endpoint: `${server.issuer}/api/v1/personal-access-tokens`,
      accessToken,
    })
    const refused = await pats.create({ name: 'x', scope: 'kb:write' }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(OAuthError)
    expect((refused as OAuthError).error).toBe('invalid_scope')
    const missing = await pats.revoke('0b9a3f5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b').catch((error: unknown) => error)
    expect((missing as OAuthError).status).toBe(404)
  })
})
