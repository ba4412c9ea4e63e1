import { createMemoryStore, registerClient } from '@pipeshub/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { authorizeUrl, FormSession, hiddenFields, pkcePair } from './test-support/form-session.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

const ISSUER = 'http://token-server.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'

// OpenID Connect Core section 3.1.2.1, with a signed-in end-user who already consented.
describe('prompt at the login and consent pages (OIDC Core section 3.1.2.1)', () => {
  let server: TokenServer
  let baseUrl: string
  let clientId: string
  let browser: FormSession

  const authorize = (prompt?: string) => {
    const url = new URL(
      authorizeUrl({
        baseUrl,
        authorizePath: server.paths.authorization,
        clientId,
        redirectUri: REDIRECT_URI,
        scope: 'openid kb:read',
        challenge: pkcePair().challenge,
        state: 'st',
      }),
    )
    if (prompt !== undefined) url.searchParams.set('prompt', prompt)
    return browser.get(url.toString())
  }

  beforeAll(async () => {
    const store = createMemoryStore()
    clientId = (
      await registerClient(store, {
        name: 'Prompt app',
        public: true,
        redirectUris: [REDIRECT_URI],
        scopes: ['openid', 'kb:read'],
      })
    ).client.clientId
    await createTestUser(store)
    server = await createTokenServer({ config: testConfig(), store, issuer: ISSUER })
    baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
    // Sign in and consent once: the consent is remembered from now on.
    browser = new FormSession(baseUrl)
    const login = await authorize()
    const consent = await browser.postForm(server.paths.authorization, {
      ...hiddenFields(await login.text()),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    const approved = await browser.postForm(server.paths.authorization, {
      ...hiddenFields(await consent.text()),
      consent: 'granted',
    })
    expect(new URL(approved.headers.get('location') ?? '').searchParams.has('code')).toBe(true)
  })

  afterAll(async () => {
    await server?.close()
  })

  it('issues a code at once when the consent is remembered and no prompt is given', async () => {
    const response = await authorize()
    expect(response.status).toBe(302)
    expect(new URL(response.headers.get('location') ?? '').searchParams.has('code')).toBe(true)
  })

  it('asks for consent again with prompt=consent even when consent is remembered', async () => {
    const response = await authorize('consent')
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(hiddenFields(html).prompt).toBe('consent')
    const approved = await browser.postForm(server.paths.authorization, {
      ...hiddenFields(html),
      consent: 'granted',
    })
    expect(approved.status).toBe(303)
    expect(new URL(approved.headers.get('location') ?? '').searchParams.has('code')).toBe(true)
  })

  for (const prompt of ['none login', 'none consent']) {
    it(`answers prompt=${prompt.replace(' ', '+')} with an invalid_request redirect, never a page or a code`, async () => {
      const response = await authorize(prompt)
      expect(response.status).toBe(302)
      const location = new URL(response.headers.get('location') ?? '')
      expect(location.searchParams.get('error')).toBe('invalid_request')
      expect(location.searchParams.get('state')).toBe('st')
      expect(location.searchParams.has('code')).toBe(false)
    })
  }

  it('answers an unknown prompt value with an invalid_request redirect', async () => {
    const response = await authorize('sometimes')
    expect(response.status).toBe(302)
    expect(new URL(response.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request')
  })
})
