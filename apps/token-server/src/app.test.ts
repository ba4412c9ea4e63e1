import { createHash, createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { wireSchemas } from '@pipeshub/models'
import { createMemoryStore, registerClient, type Store } from '@pipeshub/server'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import type { TokenServerConfig } from './config.js'
import {
  authorizeUrl,
  FormSession,
  hiddenFields,
  pkcePair,
  tokenRequest,
} from './test-support/form-session.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

const ISSUER = 'http://token-server.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'

interface Fixture {
  server: TokenServer
  baseUrl: string
  store: Store
  publicClientId: string
  confidential: { clientId: string; clientSecret: string }
}

const running = closeAfterEach<TokenServer>()

async function start(overrides: Partial<TokenServerConfig> = {}): Promise<Fixture> {
  const store = createMemoryStore()
  const publicClient = await registerClient(store, {
    name: 'Example <App> & Co',
    public: true,
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile', 'email', 'offline_access', 'kb:read', 'kb:write'],
  })
  const confidential = await registerClient(store, {
    name: 'Backend',
    grantTypes: ['client_credentials'],
    scopes: ['org:read'],
  })
  await createTestUser(store)
  const server = await createTokenServer({ config: testConfig(overrides), store, issuer: ISSUER })
  running.push(server)
  const address = await server.app.listen({ host: '127.0.0.1', port: 0 })
  return {
    server,
    baseUrl: address,
    store,
    publicClientId: publicClient.client.clientId,
    confidential: { clientId: confidential.client.clientId, clientSecret: confidential.clientSecret ?? '' },
  }
}

async function openLogin(fixture: Fixture, scope = 'openid profile offline_access kb:read') {
  const browser = new FormSession(fixture.baseUrl)
  const pkce = pkcePair()
  const state = 'state-123'
  const url = authorizeUrl({
    baseUrl: fixture.baseUrl,
    authorizePath: fixture.server.paths.authorization,
    clientId: fixture.publicClientId,
    redirectUri: REDIRECT_URI,
    scope,
    challenge: pkce.challenge,
    state,
  })
  const page = await browser.get(url)
  return { browser, pkce, state, url, page, html: await page.text() }
}

/** Posts the login form of `html` as alice, with `fields` replacing its own. */
function signIn(fixture: Fixture, browser: FormSession, html: string, fields: Record<string, string> = {}) {
  return browser.postForm(fixture.server.paths.authorization, {
    ...hiddenFields(html),
    username: 'alice',
    password: TEST_PASSWORD,
    ...fields,
  })
}

describe('health and readiness', () => {
  it('answers /healthz while the process runs and /readyz while the store answers', async () => {
    const fixture = await start()
    const health = await fetch(`${fixture.baseUrl}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${fixture.baseUrl}/readyz`)
    expect(ready.status).toBe(200)

    await fixture.store.close()
    const notReady = await fetch(`${fixture.baseUrl}/readyz`)
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toEqual({ status: 'unavailable' })
    expect((await fetch(`${fixture.baseUrl}/healthz`)).status).toBe(200)
  })

  it('answers /readyz 503 once its SQLite store is closed (Store.ping)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-server-ready-'))
    try {
      const store = openSqliteStore({ path: join(dir, 'oauth.db') })
      const server = await createTokenServer({ config: testConfig(), store, issuer: ISSUER })
      running.push(server)
      const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
      expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200)
      await store.close()
      const notReady = await fetch(`${baseUrl}/readyz`)
      expect(notReady.status).toBe(503)
      expect(await notReady.json()).toEqual({ status: 'unavailable' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('gives every response a request id, keeping a well-formed one from a proxy', async () => {
    const fixture = await start()
    const generated = await fetch(`${fixture.baseUrl}/healthz`)
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const forwarded = await fetch(`${fixture.baseUrl}/healthz`, { headers: { 'x-request-id': 'lb-42.abc' } })
    expect(forwarded.headers.get('x-request-id')).toBe('lb-42.abc')
    const hostile = await fetch(`${fixture.baseUrl}/healthz`, { headers: { 'x-request-id': 'a b<script>' } })
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('login and consent pages', () => {
  it('signs the user in, asks for consent, and redirects with a code that redeems for tokens', async () => {
    const fixture = await start()
    const { browser, pkce, state, page, html } = await openLogin(fixture)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(html).toContain('<label for="username">Username</label>')
    expect(html).toContain('autocomplete="current-password"')
    // The client's name is escaped, not interpreted.
    expect(html).toContain('Example &lt;App&gt; &amp; Co')

    const consent = await browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(html),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(consent.status).toBe(200)
    const consentHtml = await consent.text()
    expect(consentHtml).toContain('Allow access?')
    // Scopes in words under their category, never as "Use `kb:read`".
    expect(consentHtml).toContain('<h2 class="scope-category">Knowledge Base</h2>')
    expect(consentHtml).toContain('<li>Read the documents and records in your knowledge bases</li>')
    expect(consentHtml).toContain('<li>Keep this access while you are away, until you take it back</li>')
    expect(consentHtml).not.toContain('<code>kb:read</code>')
    const sessionCookie = consent.headers
      .getSetCookie()
      .find((cookie) => cookie.startsWith('pipeshub_session='))
    expect(sessionCookie).toMatch(/HttpOnly/)
    expect(sessionCookie).toMatch(/SameSite=Lax/)
    expect(sessionCookie).not.toMatch(/Secure/)

    const redirect = await browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(consentHtml),
      consent: 'granted',
    })
    expect(redirect.status).toBe(303)
    const location = new URL(redirect.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(location.searchParams.get('state')).toBe(state)
    expect(location.searchParams.get('iss')).toBe(ISSUER)
    const code = location.searchParams.get('code') ?? ''

    const tokens = await tokenRequest(`${fixture.baseUrl}${fixture.server.paths.token}`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: fixture.publicClientId,
      code_verifier: pkce.verifier,
    })
    expect(tokens.status).toBe(200)
    expect(tokens.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'openid profile offline_access kb:read',
    })
    const jwks = createRemoteJWKSet(new URL(`${fixture.baseUrl}/.well-known/jwks.json`))
    const { payload } = await jwtVerify(String(tokens.body.access_token), jwks, { issuer: ISSUER })
    expect(payload.sub).toBe('user-1')
    expect(typeof tokens.body.refresh_token).toBe('string')
    expect(typeof tokens.body.id_token).toBe('string')
  })

  it('remembers consent per client and scope, and asks again for a scope not granted yet', async () => {
    const fixture = await start({ seedDemo: true })
    const first = await openLogin(fixture, 'openid kb:read')
    const consent = await first.browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(first.html),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    const granted = await first.browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(await consent.text()),
      consent: 'granted',
    })
    expect(granted.status).toBe(303)
    expect(await fixture.store.consents.get('user-1', fixture.publicClientId)).toMatchObject({
      scope: ['openid', 'kb:read'],
    })

    const again = await first.browser.get(
      authorizeUrl({
        baseUrl: fixture.baseUrl,
        authorizePath: fixture.server.paths.authorization,
        clientId: fixture.publicClientId,
        redirectUri: REDIRECT_URI,
        scope: 'kb:read',
        challenge: pkcePair().challenge,
      }),
    )
    expect(again.status).toBe(302)
    const code = new URL(again.headers.get('location') ?? '').searchParams.get('code') ?? ''
    expect(code).not.toBe('')

    // The demo redirect URI page shows the code and the curl that exchanges it for this client.
    const callback = await fetch(`${fixture.baseUrl}/demo/callback?code=${encodeURIComponent(code)}&state=s1`)
    expect(callback.status).toBe(200)
    const callbackHtml = await callback.text()
    expect(callbackHtml).toContain(`<code>${code}</code>`)
    expect(callbackHtml).toContain(`-d client_id=${fixture.publicClientId}`)
    expect(callbackHtml).toContain(`redirect_uri=${REDIRECT_URI}`)

    const wider = await first.browser.get(
      authorizeUrl({
        baseUrl: fixture.baseUrl,
        authorizePath: fixture.server.paths.authorization,
        clientId: fixture.publicClientId,
        redirectUri: REDIRECT_URI,
        scope: 'openid kb:read kb:write',
        challenge: pkcePair().challenge,
      }),
    )
    expect(wider.status).toBe(200)
    expect(await wider.text()).toContain('<li>Create and change knowledge bases and their records</li>')
  })

  it('redirects with access_denied and the state when the user refuses', async () => {
    const fixture = await start()
    const { browser, state, html } = await openLogin(fixture)
    const consent = await browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(html),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    const refused = await browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(await consent.text()),
      consent: 'denied',
    })
    expect(refused.status).toBe(303)
    const location = new URL(refused.headers.get('location') ?? '')
    expect(location.searchParams.get('error')).toBe('access_denied')
    expect(location.searchParams.get('state')).toBe(state)
    expect(location.searchParams.get('code')).toBeNull()
    expect(await fixture.store.consents.get('user-1', fixture.publicClientId)).toBeUndefined()
  })

  it('shows the form again with an announced error, and no session, after a wrong password', async () => {
    const fixture = await start()
    const { browser, html } = await openLogin(fixture)
    const retry = await browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(html),
      username: 'alice',
      password: 'wrong password',
    })
    expect(retry.status).toBe(401)
    const retryHtml = await retry.text()
    expect(retryHtml).toContain('role="alert"')
    expect(retryHtml).toContain('The username or password is incorrect.')
    expect(retryHtml).toContain('aria-invalid="true"')
    expect(retryHtml).toContain('value="alice"')
    expect(browser.cookies.has('pipeshub_session')).toBe(false)

    const unknownUser = await browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(html),
      username: 'mallory',
      password: TEST_PASSWORD,
    })
    expect(unknownUser.status).toBe(401)
    expect(await unknownUser.text()).toContain('The username or password is incorrect.')
  })

  it('refuses a disabled user at sign-in and ends the session they had, until enabled', async () => {
    const fixture = await start()
    const first = await openLogin(fixture)
    const signedIn = await first.browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(first.html),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(await signedIn.text()).toContain('Allow access?')

    expect(await fixture.server.authorizationServer.disableUser('user-1')).toBe(true)
    // The session cookie is still in the browser: the next request shows the login form again.
    const again = await first.browser.get(first.url)
    const againHtml = await again.text()
    expect(againHtml).toContain('<label for="username">Username</label>')
    const refused = await first.browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(againHtml),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(refused.status).toBe(401)
    expect(await refused.text()).toContain('The username or password is incorrect.')

    expect(await fixture.server.authorizationServer.enableUser('user-1')).toBe(true)
    const retry = await openLogin(fixture)
    const allowed = await retry.browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(retry.html),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(await allowed.text()).toContain('Allow access?')
  })

  it('answers prompt=none without a session with a login_required redirect, never a page', async () => {
    const fixture = await start()
    const url = new URL(
      authorizeUrl({
        baseUrl: fixture.baseUrl,
        authorizePath: fixture.server.paths.authorization,
        clientId: fixture.publicClientId,
        redirectUri: REDIRECT_URI,
        scope: 'openid',
        challenge: pkcePair().challenge,
        state: 'silent',
      }),
    )
    url.searchParams.set('prompt', 'none')
    const response = await new FormSession(fixture.baseUrl).get(url.toString())
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(location.searchParams.get('error')).toBe('login_required')
    expect(location.searchParams.get('state')).toBe('silent')
  })

  it('refuses a login POST whose CSRF token is not bound to this browser', async () => {
    const fixture = await start()
    const victim = await openLogin(fixture)
    const attacker = new FormSession(fixture.baseUrl)
    const forged = await attacker.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(victim.html),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(forged.status).toBe(403)
    expect(await forged.text()).toContain('This form has expired')
    expect(attacker.cookies.has('pipeshub_session')).toBe(false)
    expect(await fixture.store.consents.get('user-1', fixture.publicClientId)).toBeUndefined()
  })

  it('refuses a CSRF token computed from the cookie alone: the token is an HMAC under a server key', async () => {
    const fixture = await start()
    const { browser, html } = await openLogin(fixture)
    const binding = browser.cookies.get('pipeshub_csrf') ?? ''
    expect(binding).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // What anyone holding the cookie can compute: digests of it, and HMACs under guessable keys.
    const forgeries = [
      createHash('sha256').update(`pipeshub-csrf:${binding}`, 'utf8').digest('base64url'),
      createHash('sha256').update(binding, 'utf8').digest('base64url'),
      createHmac('sha256', '').update(`pipeshub-csrf:${binding}`, 'utf8').digest('base64url'),
      createHmac('sha256', 'csrf').update(`pipeshub-csrf:${binding}`, 'utf8').digest('base64url'),
      binding,
    ]
    for (const forged of forgeries) {
      const refused = await signIn(fixture, browser, html, { csrf_token: forged })
      expect(refused.status).toBe(403)
      expect(await refused.text()).toContain('This form has expired')
    }
    expect(browser.cookies.has('pipeshub_session')).toBe(false)
    const consent = await signIn(fixture, browser, html)
    expect(consent.status).toBe(200)
    const consentHtml = await consent.text()
    expect(consentHtml).toContain('name="consent"')
    // The key was made once, in the store, and no page carries it.
    const key = await fixture.store.serverSecrets.getOrCreate({
      name: 'csrf',
      value: 'a candidate that must not replace the key',
      createdAt: 0,
    })
    expect(key.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(html).not.toContain(key.value)
    expect(consentHtml).not.toContain(key.value)
  })

  it('marks cookies Secure with the __Host- prefix when a trusted proxy reports https', async () => {
    const fixture = await start({ trustProxy: true })
    const page = await fetch(
      authorizeUrl({
        baseUrl: fixture.baseUrl,
        authorizePath: fixture.server.paths.authorization,
        clientId: fixture.publicClientId,
        redirectUri: REDIRECT_URI,
        scope: 'openid',
        challenge: pkcePair().challenge,
      }),
      { headers: { 'x-forwarded-proto': 'https', accept: 'text/html' } },
    )
    const csrf = page.headers.getSetCookie().find((cookie) => cookie.startsWith('__Host-pipeshub_csrf='))
    expect(csrf).toMatch(/; Secure/)
    expect(csrf).toMatch(/HttpOnly/)
  })

  it('shows an unknown client an error page and never redirects', async () => {
    const fixture = await start()
    const browser = new FormSession(fixture.baseUrl)
    const response = await browser.get(
      authorizeUrl({
        baseUrl: fixture.baseUrl,
        authorizePath: fixture.server.paths.authorization,
        clientId: '00000000-0000-4000-8000-000000000000',
        redirectUri: 'https://attacker.example/cb',
        scope: 'openid',
        challenge: pkcePair().challenge,
      }),
    )
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.headers.get('location')).toBeNull()
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await response.text()
    expect(html).toContain('This sign-in link does not work')
    expect(html).not.toContain('attacker.example')
  })
})

describe('rate limits', () => {
  it('answers 429 with Retry-After and an OAuth body once a client id exceeds its token budget', async () => {
    const fixture = await start({ rateLimitToken: 3 })
    const tokenUrl = `${fixture.baseUrl}${fixture.server.paths.token}`
    const basic = {
      authorization: `Basic ${Buffer.from(`${fixture.confidential.clientId}:${fixture.confidential.clientSecret}`).toString('base64')}`,
    }
    const statuses: number[] = []
    let limited: Awaited<ReturnType<typeof tokenRequest>> | undefined
    for (let attempt = 0; attempt < 4; attempt++) {
      const response = await tokenRequest(
        tokenUrl,
        { grant_type: 'client_credentials', scope: 'org:read' },
        basic,
      )
      statuses.push(response.status)
      limited = response
    }
    expect(statuses).toEqual([200, 200, 200, 429])
    expect(limited?.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.stringMatching(/^too many requests, retry after \d+ seconds$/),
    })
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited?.headers.get('cache-control')).toBe('no-store')

    // Another client id has its own budget.
    const other = await tokenRequest(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: fixture.publicClientId,
    })
    expect(other.status).not.toBe(429)
  })

  it('lets a browser app on its registered origin read the 429 and its Retry-After (CORS on the refusal)', async () => {
    const fixture = await start({ rateLimitToken: 1 })
    const origin = 'https://spa.example'
    const spa = await registerClient(fixture.store, {
      name: 'SPA',
      public: true,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'offline_access'],
      webOrigins: [origin],
    })
    const tokenUrl = `${fixture.baseUrl}${fixture.server.paths.token}`
    const request = { grant_type: 'refresh_token', refresh_token: 'unknown', client_id: spa.client.clientId }
    const first = await tokenRequest(tokenUrl, request, { origin })
    expect(first.status).toBe(400)
    expect(first.headers.get('access-control-allow-origin')).toBe(origin)
    const limited = await tokenRequest(tokenUrl, request, { origin })
    expect(limited.status).toBe(429)
    // Without these the browser hands the app a network error, not the answer telling it to wait.
    expect(limited.headers.get('access-control-allow-origin')).toBe(origin)
    expect(limited.headers.get('access-control-expose-headers')).toContain('retry-after')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)

    // Another origin is not told anything, limited or not.
    const foreign = await tokenRequest(tokenUrl, request, { origin: 'https://evil.example' })
    expect(foreign.status).toBe(429)
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('still answers 429, without CORS, when the store cannot say which origins the client registered', async () => {
    const fixture = await start({ rateLimitToken: 1 })
    const origin = 'https://spa.example'
    const request = {
      grant_type: 'refresh_token',
      refresh_token: 'unknown',
      client_id: fixture.publicClientId,
    }
    const tokenUrl = `${fixture.baseUrl}${fixture.server.paths.token}`
    expect((await tokenRequest(tokenUrl, request, { origin })).status).toBe(400)
    fixture.store.clients.get = () => Promise.reject(new Error('the database is gone'))
    const limited = await tokenRequest(tokenUrl, request, { origin })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('limits login attempts per IP and tells the person when to retry', async () => {
    const fixture = await start({ rateLimitLogin: 2 })
    const { browser, html } = await openLogin(fixture)
    const statuses: number[] = []
    let last: Response | undefined
    for (let attempt = 0; attempt < 3; attempt++) {
      last = await browser.postForm(fixture.server.paths.authorization, {
        ...hiddenFields(html),
        username: 'alice',
        password: 'guess',
      })
      statuses.push(last.status)
    }
    expect(statuses).toEqual([401, 401, 429])
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await last?.text()).toContain('Too many sign-in attempts')
  })
})

describe('demo data', () => {
  it('serves /demo/callback only while demo data is on: never for a non-loopback issuer by default', async () => {
    for (const [seedDemo, status] of [
      ['loopback', 404],
      [false, 404],
      [true, 200],
    ] as const) {
      const fixture = await start({ seedDemo })
      const response = await fetch(`${fixture.baseUrl}/demo/callback?code=abc&state=s`)
      expect(response.status).toBe(status)
      await response.arrayBuffer()
    }
  })
})

describe('credentials in a query string', () => {
  it('refuses a login whose password is in the query string, and counts every such attempt', async () => {
    const fixture = await start({ rateLimitLogin: 5 })
    const { browser, html } = await openLogin(fixture)
    const { csrf_token: csrfToken, ...authorization } = hiddenFields(html)
    const attempt = (password: string) =>
      browser.postForm(
        `${fixture.server.paths.authorization}?${new URLSearchParams({ ...authorization, username: 'alice', password })}`,
        { csrf_token: csrfToken ?? '' },
      )
    const statuses: number[] = []
    for (let guess = 0; guess < 8; guess++) statuses.push((await attempt(`guess-${guess}`)).status)
    // RFC 6749 section 3.1 keeps credentials out of URIs: refused outright, and still counted.
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429, 429])
    const right = await attempt(TEST_PASSWORD)
    expect(right.status).toBe(429)
    expect(right.headers.get('location')).toBeNull()
  })

  it('refuses a client secret in the query string of the token endpoint', async () => {
    const fixture = await start()
    const query = new URLSearchParams({
      client_id: fixture.confidential.clientId,
      client_secret: fixture.confidential.clientSecret,
    })
    const response = await tokenRequest(`${fixture.baseUrl}${fixture.server.paths.token}?${query}`, {
      grant_type: 'client_credentials',
      scope: 'org:read',
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ error: 'invalid_request' })
  })
})

describe('OpenAPI', () => {
  it('documents every route in OpenAPI 3.1, with the models wire schema as the token response', async () => {
    const fixture = await start()
    const response = await fetch(`${fixture.baseUrl}/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as {
      openapi: string
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
      >
      components: { schemas: Record<string, unknown> }
    }
    expect(document.openapi).toMatch(/^3\.1\./)
    const { paths } = fixture.server
    for (const path of [
      paths.token,
      paths.authorization,
      paths.revocation,
      paths.introspection,
      paths.userinfo,
      paths.jwks,
      paths.openidConfiguration,
      paths.oauthAuthorizationServer,
      paths.personalAccessTokens,
      `${paths.personalAccessTokens}/{id}`,
      paths.consents,
      `${paths.consents}/{clientId}`,
      '/healthz',
      '/readyz',
      '/openapi.json',
    ]) {
      expect(Object.keys(document.paths)).toContain(path)
    }
    const success = document.paths[paths.token]?.post?.responses['200']?.content?.['application/json']?.schema
    expect(success).toEqual({ $ref: '#/components/schemas/OAuthTokenResponse' })
    const { $id: _id, ...tokenResponse } = JSON.parse(
      JSON.stringify(wireSchemas.OAuthTokenResponse),
    ) as Record<string, unknown>
    expect(document.components.schemas.OAuthTokenResponse).toEqual(tokenResponse)

    // Every reference resolves, and operation ids are unique.
    const text = JSON.stringify(document)
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(Object.keys(document.components.schemas)).toContain(name)
    }
    const operationIds = [...text.matchAll(/"operationId":"([^"]+)"/g)].map(([, id]) => id)
    expect(new Set(operationIds).size).toBe(operationIds.length)
  })
})
