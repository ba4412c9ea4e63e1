import { createMemoryStore, registerClient } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { FormSession, hiddenFields, pkcePair, tokenRequest } from './test-support/form-session.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

// RFC 9126 through the token server's own login and consent pages: the pages re-post client_id and
// request_uri, and the pushed request is consumed by the code only.

const ISSUER = 'http://token-server.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const running = closeAfterEach<TokenServer>()

async function start() {
  const store = createMemoryStore()
  const spa = await registerClient(store, {
    name: 'SPA',
    public: true,
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'kb:read'],
  })
  await createTestUser(store)
  const server = await createTokenServer({
    config: testConfig({ requirePushedAuthorizationRequests: true, parTtl: 30 }),
    store,
    issuer: ISSUER,
  })
  running.push(server)
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  return { server, baseUrl, clientId: spa.client.clientId }
}

describe('pushed authorization requests on the token server (RFC 9126)', () => {
  it('publishes the endpoint and the requirement, and signs in through login and consent by request_uri', async () => {
    const { server, baseUrl, clientId } = await start()
    const metadata = (await (await fetch(`${baseUrl}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${ISSUER}/api/v1/oauth2/par`)
    expect(metadata.require_pushed_authorization_requests).toBe(true)

    const pkce = pkcePair()
    const pushed = await fetch(`${baseUrl}${server.paths.pushedAuthorizationRequest}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid kb:read',
        state: 'pushed-state',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      }).toString(),
    })
    expect(pushed.status).toBe(201)
    const { request_uri: requestUri, expires_in: expiresIn } = (await pushed.json()) as {
      request_uri: string
      expires_in: number
    }
    expect(expiresIn).toBe(30)

    const browser = new FormSession(baseUrl)
    const url = `${server.paths.authorization}?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`
    const login = await browser.get(url)
    expect(login.status).toBe(200)
    const loginHtml = await login.text()
    const consent = await browser.postForm(server.paths.authorization, {
      ...hiddenFields(loginHtml),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(consent.status).toBe(200)
    const consentHtml = await consent.text()
    const redirect = await browser.postForm(server.paths.authorization, {
      ...hiddenFields(consentHtml),
      consent: 'granted',
    })
    expect(redirect.status).toBe(303)
    const location = new URL(redirect.headers.get('location') ?? '')
    expect(location.searchParams.get('state')).toBe('pushed-state')
    const tokens = await tokenRequest(`${baseUrl}${server.paths.token}`, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: pkce.verifier,
    })
    expect(tokens.status).toBe(200)
    expect(tokens.body.scope).toBe('openid kb:read')

    // Consumed by the code: the same link again is an error page, never a redirect.
    const again = await browser.get(url)
    expect(again.status).toBe(400)
    expect(again.headers.get('location')).toBeNull()
  })

  it('refuses a front-channel request when every request must be pushed', async () => {
    const { server, baseUrl, clientId } = await start()
    const response = await fetch(
      `${baseUrl}${server.paths.authorization}?${new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'kb:read',
        state: 's',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    )
    expect(response.status).toBe(302)
    expect(new URL(response.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request')
  })
})
