import { createMemoryStore, registerClient } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { authorizeUrl, FormSession, hiddenFields, pkcePair } from './test-support/form-session.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

const ISSUER = 'http://token-server.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const running = closeAfterEach<TokenServer>()

/** Signs `alice` in and asks for `scope`; answers the page that follows the login. */
async function signInAsking(administrators: string[], scope: string) {
  const store = createMemoryStore()
  const { client } = await registerClient(store, {
    name: 'Admin console',
    public: true,
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'org:read', 'org:admin', 'team:write'],
  })
  await createTestUser(store)
  const server = await createTokenServer({ config: testConfig({ administrators }), store, issuer: ISSUER })
  running.push(server)
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  const browser = new FormSession(baseUrl)
  const url = authorizeUrl({
    baseUrl,
    authorizePath: server.paths.authorization,
    clientId: client.clientId,
    redirectUri: REDIRECT_URI,
    scope,
    challenge: pkcePair().challenge,
    state: 'state-1',
  })
  const login = await (await browser.get(url)).text()
  const page = await browser.postForm(server.paths.authorization, {
    ...hiddenFields(login),
    username: 'alice',
    password: TEST_PASSWORD,
  })
  return { server, store, browser, page }
}

describe("PipesHub's admin-only scopes", () => {
  it('refuses them to an end-user who is not an administrator, before asking for consent', async () => {
    const { page, store } = await signInAsking([], 'openid org:read org:admin team:write')
    expect(page.status).toBe(303)
    const location = new URL(page.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      error: 'access_denied',
      error_description:
        'scope org:admin team:write may be granted by an administrator of the organisation only',
      state: 'state-1',
    })
    expect(
      await store.consents.get('user-1', (await store.clients.list())[0]?.clientId ?? ''),
    ).toBeUndefined()
  })

  it('asks an administrator (PIPESHUB_ADMINISTRATORS) and issues the code', async () => {
    const { page, server, browser } = await signInAsking(['alice'], 'openid org:admin')
    expect(page.status).toBe(200)
    const consent = await page.text()
    expect(consent).toContain('<li>Act as an administrator of your organization</li>')
    const redirect = await browser.postForm(server.paths.authorization, {
      ...hiddenFields(consent),
      consent: 'granted',
    })
    expect(redirect.status).toBe(303)
    expect(new URL(redirect.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy()
  })

  it('leaves an end-user who is not an administrator free to grant the other scopes', async () => {
    const { page } = await signInAsking(['bob'], 'openid org:read')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<li>See your organization&#39;s name, details and settings</li>')
  })
})
