import { hashSecret, registerClient } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import type { TokenServerConfig } from './config.js'
import { CONNECTED_APPS_PATH } from './pages/pages.js'
import {
  authorizeUrl,
  FormSession,
  hiddenFields,
  pkcePair,
  tokenRequest,
} from './test-support/form-session.js'
import { sqliteAndPostgres } from './test-support/stores.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

// The consent page promises "You can change your mind later": the apps page (browser session) and the
// API (Bearer) take a consent back, with every token of the user at that app.

const ISSUER = 'http://token-server.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const SCOPE = 'openid profile offline_access kb:read'

const running = closeAfterEach<TokenServer>()
const stores = await sqliteAndPostgres('connected_apps', 'the connected-apps test')

/** The forms of a page, each as its hidden fields. */
function forms(html: string): Array<Record<string, string>> {
  return html
    .split('<form')
    .slice(1)
    .map((form) => hiddenFields(form.slice(0, form.indexOf('</form>'))))
}

describe.each(stores)('taking a consent back (%s)', (_name, openStore, available) => {
  async function start(overrides: Partial<TokenServerConfig> = {}) {
    const store = await openStore()
    const app = await registerClient(store, {
      name: 'Notes <App>',
      public: true,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'profile', 'offline_access', 'kb:read'],
    })
    const resourceServer = await registerClient(store, {
      name: 'Resource server',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    await createTestUser(store)
    await store.users.create({
      subject: 'user-bob',
      username: 'bob',
      passwordHash: await hashSecret(TEST_PASSWORD),
      name: 'Bob',
      email: null,
      emailVerified: false,
      createdAt: 0,
    })
    const server = await createTokenServer({
      config: testConfig({
        introspectionClients: [resourceServer.client.clientId],
        // The app stands for the host's own frontend here, an account client: its Bearer token manages
        // the user's consents (a third-party app's is refused, see @pipeshub/server's account-clients test).
        accountClients: [app.client.clientId],
        ...overrides,
      }),
      store,
      issuer: ISSUER,
    })
    running.push(server)
    const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
    const clientId = app.client.clientId
    const tokenUrl = `${baseUrl}${server.paths.token}`

    /** The authorization request's first answer in this browser. */
    const authorize = (browser: FormSession, challenge: string) =>
      browser.get(
        authorizeUrl({
          baseUrl,
          authorizePath: server.paths.authorization,
          clientId,
          redirectUri: REDIRECT_URI,
          scope: SCOPE,
          challenge,
        }),
      )
    const redeem = async (location: string, verifier: string) => {
      const code = new URL(location).searchParams.get('code') ?? ''
      const tokens = await tokenRequest(tokenUrl, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        code_verifier: verifier,
      })
      expect(tokens.status).toBe(200)
      return tokens.body as { access_token: string; refresh_token: string }
    }
    /** Signs `username` in through the authorization request, allows the app, and redeems the code. */
    const allow = async (username = 'alice') => {
      const browser = new FormSession(baseUrl)
      const pkce = pkcePair()
      const login = await (await authorize(browser, pkce.challenge)).text()
      const consent = await browser.postForm(server.paths.authorization, {
        ...hiddenFields(login),
        username,
        password: TEST_PASSWORD,
      })
      const consentHtml = await consent.text()
      expect(consentHtml).toContain('Allow access?')
      expect(consentHtml).toContain(`<a href="${CONNECTED_APPS_PATH}">`)
      const granted = await browser.postForm(server.paths.authorization, {
        ...hiddenFields(consentHtml),
        consent: 'granted',
      })
      expect(granted.status).toBe(303)
      return { browser, tokens: await redeem(granted.headers.get('location') ?? '', pkce.verifier) }
    }
    const refresh = (refreshToken: string) =>
      tokenRequest(tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
      })
    const active = async (token: string) => {
      const basic = Buffer.from(
        `${resourceServer.client.clientId}:${resourceServer.clientSecret ?? ''}`,
      ).toString('base64')
      const answer = await tokenRequest(
        `${baseUrl}${server.paths.introspection}`,
        { token },
        { authorization: `Basic ${basic}` },
      )
      return answer.body.active
    }
    /** Whether the next authorization request in `browser` asks for consent (else it redirects with a code). */
    const asksAgain = async (browser: FormSession) => {
      const answer = await authorize(browser, pkcePair().challenge)
      if (answer.status === 200) return (await answer.text()).includes('Allow access?')
      expect(answer.status).toBe(302)
      expect(new URL(answer.headers.get('location') ?? '').searchParams.has('code')).toBe(true)
      return false
    }
    return { server, store, baseUrl, clientId, allow, refresh, active, asksAgain }
  }

  it.runIf(available)(
    'lists the app on the apps page; Remove revokes its tokens and the next request asks again',
    async () => {
      const { store, clientId, allow, refresh, active, asksAgain } = await start()
      const { browser, tokens } = await allow()
      expect(await asksAgain(browser)).toBe(false)

      const page = await browser.get(CONNECTED_APPS_PATH)
      expect(page.status).toBe(200)
      expect(page.headers.get('x-frame-options')).toBe('DENY')
      const html = await page.text()
      expect(html).toContain('Apps you allowed')
      expect(html).toContain('Notes &lt;App&gt;')
      expect(html).toContain('<li>Read the documents and records in your knowledge bases</li>')
      const [remove] = forms(html)
      expect(remove).toMatchObject({ client_id: clientId })

      // Without the form's CSRF token nothing changes.
      const forged = await browser.postForm(CONNECTED_APPS_PATH, { client_id: clientId })
      expect(forged.status).toBe(403)
      expect(await store.consents.get('user-1', clientId)).toBeDefined()
      expect(await active(tokens.access_token)).toBe(true)

      const removed = await browser.postForm(CONNECTED_APPS_PATH, remove ?? {})
      expect(removed.status).toBe(200)
      const after = await removed.text()
      expect(after).toContain('Notes &lt;App&gt; can no longer access your account.')
      expect(after).toContain('You have not allowed any app')
      const refused = await refresh(tokens.refresh_token)
      expect(refused.status).toBe(400)
      expect(refused.body.error).toBe('invalid_grant')
      expect(await active(tokens.access_token)).toBe(false)
      expect(await asksAgain(browser)).toBe(true)
      // Removed twice (another tab): nothing left to take back.
      expect((await browser.postForm(CONNECTED_APPS_PATH, remove ?? {})).status).toBe(404)
    },
  )

  it.runIf(available)('signs a person in to the page, who sees and removes only their own apps', async () => {
    const { server, store, clientId, allow, active } = await start()
    const alice = await allow('alice')
    const bob = new FormSession(alice.browser.baseUrl)
    const login = await bob.get(CONNECTED_APPS_PATH)
    expect(login.status).toBe(200)
    const loginHtml = await login.text()
    expect(loginHtml).toContain('to see the apps you allowed')
    const wrong = await bob.postForm(CONNECTED_APPS_PATH, {
      ...hiddenFields(loginHtml),
      username: 'bob',
      password: 'not it',
    })
    expect(wrong.status).toBe(401)
    const signedIn = await bob.postForm(CONNECTED_APPS_PATH, {
      ...hiddenFields(loginHtml),
      username: 'bob',
      password: TEST_PASSWORD,
    })
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get('location')).toBe(CONNECTED_APPS_PATH)
    const bobsPage = await (await bob.get(CONNECTED_APPS_PATH)).text()
    expect(bobsPage).toContain('You have not allowed any app')
    expect(bobsPage).not.toContain('Notes')
    // Bob posts Alice's app with his browser's CSRF token: he has no consent there, hers stays.
    const csrf = hiddenFields(loginHtml).csrf_token ?? ''
    const attempt = await bob.postForm(CONNECTED_APPS_PATH, { csrf_token: csrf, client_id: clientId })
    expect(attempt.status).toBe(404)
    expect(await store.consents.get('user-1', clientId)).toBeDefined()
    expect(await active(alice.tokens.access_token)).toBe(true)
    // Without a session a removal is a sign-in form.
    const anonymous = new FormSession(alice.browser.baseUrl)
    expect((await anonymous.postForm(CONNECTED_APPS_PATH, { client_id: clientId })).status).toBe(401)
    expect(server.paths.consents).toBe('/api/v1/oauth2/consents')
  })

  it.runIf(available)('the Bearer API takes a consent back the same way', async () => {
    const { server, baseUrl, clientId, allow, refresh, active, asksAgain } = await start()
    const { browser, tokens } = await allow()
    const api = `${baseUrl}${server.paths.consents}`
    const bearer = { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' }
    const listed = await fetch(api, { headers: bearer })
    expect(listed.status).toBe(200)
    expect(await listed.json()).toMatchObject({
      consents: [{ client_id: clientId, client_name: 'Notes <App>', scope: SCOPE }],
    })
    const unknown = await fetch(`${api}/no-such-app`, { method: 'DELETE', headers: bearer })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: 'invalid_request' })
    const revoked = await fetch(`${api}/${clientId}`, { method: 'DELETE', headers: bearer })
    expect(revoked.status).toBe(204)
    expect((await refresh(tokens.refresh_token)).body.error).toBe('invalid_grant')
    expect(await active(tokens.access_token)).toBe(false)
    expect(await asksAgain(browser)).toBe(true)
    // The token that revoked was the app's own: it is inactive now too.
    expect((await fetch(api, { headers: bearer })).status).toBe(401)
  })

  it.runIf(available)("counts the page's sign-ins against the login rate limit", async () => {
    const { baseUrl } = await start({ rateLimitLogin: 2 })
    const browser = new FormSession(baseUrl)
    const fields = hiddenFields(await (await browser.get(CONNECTED_APPS_PATH)).text())
    const attempt = () =>
      browser.postForm(CONNECTED_APPS_PATH, { ...fields, username: 'alice', password: 'not it' })
    expect((await attempt()).status).toBe(401)
    expect((await attempt()).status).toBe(401)
    expect((await attempt()).status).toBe(429)
    // Removing an app is no sign-in: it is not counted.
    expect((await browser.postForm(CONNECTED_APPS_PATH, { ...fields, client_id: 'x' })).status).toBe(401)
  })
})
