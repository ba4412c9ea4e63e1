import type { AddressInfo } from 'node:net'
import { errorResponseCodec } from '@pipeshub/models'
import { createMemoryStore, registerClient, type Store } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { MALFORMED_TOKEN_REQUESTS } from '@pipeshub/test-support/malformed-http'
import { rawHttp } from '@pipeshub/test-support/raw-http'
import { decodeJwt } from 'jose'
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

const running = closeAfterEach<TokenServer>()

/** A token server with a manual clock, a public web client, two confidential clients and a user. */
async function start(
  overrides: Partial<TokenServerConfig> = {},
  registerFirst?: (store: Store) => Promise<void>,
) {
  const store = createMemoryStore()
  let clock = 1_800_000_000
  await registerFirst?.(store)
  const web = await registerClient(store, {
    name: 'Web',
    public: true,
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'offline_access', 'kb:read'],
  })
  await createTestUser(store)
  const server = await createTokenServer({
    config: testConfig(overrides),
    store,
    issuer: ISSUER,
    now: () => clock,
  })
  running.push(server)
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  return {
    server,
    store,
    baseUrl,
    port: (server.app.server.address() as AddressInfo).port,
    webClientId: web.client.clientId,
    advance: (seconds: number) => {
      clock += seconds
    },
    now: () => clock,
  }
}

type Fixture = Awaited<ReturnType<typeof start>>

function authorize(fixture: Fixture, extra: Record<string, string> = {}, pkce = pkcePair()) {
  const url = new URL(
    authorizeUrl({
      baseUrl: fixture.baseUrl,
      authorizePath: fixture.server.paths.authorization,
      clientId: fixture.webClientId,
      redirectUri: REDIRECT_URI,
      scope: 'openid kb:read',
      challenge: pkce.challenge,
      state: 'st',
    }),
  )
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value)
  return url.toString()
}

/** Signs alice in and consents once; answers the browser with its session. */
async function signedInBrowser(fixture: Fixture): Promise<FormSession> {
  const browser = new FormSession(fixture.baseUrl)
  const login = await browser.get(authorize(fixture))
  const consent = await browser.postForm(fixture.server.paths.authorization, {
    ...hiddenFields(await login.text()),
    username: 'alice',
    password: TEST_PASSWORD,
  })
  const done = await browser.postForm(fixture.server.paths.authorization, {
    ...hiddenFields(await consent.text()),
    consent: 'granted',
  })
  expect(done.status).toBe(303)
  return browser
}

function isLoginPage(html: string): boolean {
  return html.includes('autocomplete="current-password"')
}

describe('max_age (OIDC Core section 3.1.2.1)', () => {
  it('asks a signed-in user to sign in again once max_age has passed, and not before', async () => {
    const fixture = await start()
    const browser = await signedInBrowser(fixture)
    fixture.advance(120)
    const fresh = await browser.get(authorize(fixture, { max_age: '300' }))
    expect(fresh.status).toBe(302)
    expect(new URL(fresh.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy()

    const stale = await browser.get(authorize(fixture, { max_age: '60' }))
    expect(stale.status).toBe(200)
    expect(isLoginPage(await stale.text())).toBe(true)

    const silent = await browser.get(authorize(fixture, { max_age: '60', prompt: 'none' }))
    expect(silent.status).toBe(302)
    expect(new URL(silent.headers.get('location') ?? '').searchParams.get('error')).toBe('login_required')
  })

  it('treats max_age=0 like prompt=login and issues an ID token with the new auth_time', async () => {
    const fixture = await start()
    const browser = await signedInBrowser(fixture)
    fixture.advance(30)
    const pkce = pkcePair()
    const page = await browser.get(authorize(fixture, { max_age: '0' }, pkce))
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(isLoginPage(html)).toBe(true)
    const signedInAt = fixture.now()
    const redirect = await browser.postForm(fixture.server.paths.authorization, {
      ...hiddenFields(html),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    // Consent was given before: the fresh sign-in completes the request.
    expect(redirect.status).toBe(303)
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? ''
    const tokens = await tokenRequest(`${fixture.baseUrl}${fixture.server.paths.token}`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: fixture.webClientId,
      code_verifier: pkce.verifier,
    })
    expect(tokens.status).toBe(200)
    expect(decodeJwt(String(tokens.body.id_token)).auth_time).toBe(signedInAt)
  })

  it('redirects a malformed max_age with invalid_request', async () => {
    const fixture = await start()
    const response = await new FormSession(fixture.baseUrl).get(authorize(fixture, { max_age: '-5' }))
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(location.searchParams.get('error')).toBe('invalid_request')
    expect(location.searchParams.get('state')).toBe('st')
  })
})

describe('introspection policy (RFC 7662 section 4)', () => {
  it('answers other clients active:false, and PIPESHUB_INTROSPECTION_CLIENTS every access token', async () => {
    const secrets = new Map<string, string>()
    let resourceServerId = ''
    const register = async (store: Store, name: string) => {
      const registered = await registerClient(store, {
        name,
        grantTypes: ['client_credentials'],
        scopes: ['kb:read'],
      })
      secrets.set(registered.client.clientId, registered.clientSecret ?? '')
      return registered.client.clientId
    }
    let issuerId = ''
    let otherId = ''
    const fixture = await start({}, async (store) => {
      resourceServerId = await register(store, 'resource server')
      issuerId = await register(store, 'job')
      otherId = await register(store, 'other job')
    })
    // The configuration is read at start: a second server on the same store with the list set.
    const configured = await createTokenServer({
      config: testConfig({ introspectionClients: [resourceServerId] }),
      store: fixture.store,
      issuer: ISSUER,
      closeStore: false,
    })
    running.push(configured)
    const basic = (id: string) => `Basic ${Buffer.from(`${id}:${secrets.get(id)}`).toString('base64')}`
    const token = await configured.app.inject({
      method: 'POST',
      url: configured.paths.token,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(issuerId) },
      payload: 'grant_type=client_credentials&scope=kb%3Aread',
    })
    const accessToken = String((token.json() as { access_token: string }).access_token)
    const introspect = async (server: TokenServer, id: string) =>
      (
        await server.app.inject({
          method: 'POST',
          url: server.paths.introspection,
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id) },
          payload: new URLSearchParams({ token: accessToken }).toString(),
        })
      ).json()
    expect(await introspect(configured, otherId)).toEqual({ active: false })
    expect(await introspect(configured, issuerId)).toMatchObject({ active: true, client_id: issuerId })
    expect(await introspect(configured, resourceServerId)).toMatchObject({
      active: true,
      client_id: issuerId,
    })
    // Without the setting, the resource server is just another client.
    expect(await introspect(fixture.server, resourceServerId)).toEqual({ active: false })
  })
})

function expectOAuthBody(body: string, status: number, actual: number, headers: Record<string, unknown>) {
  expect(actual).toBe(status)
  expect(String(headers['content-type'])).toMatch(/^application\/json/)
  expect(headers['cache-control']).toBe('no-store')
  const parsed = JSON.parse(body) as unknown
  expect(errorResponseCodec.check(parsed)).toBe(true)
  expect(Object.keys(parsed as object).sort()).toEqual(['error', 'error_description'])
  expect(parsed).toMatchObject({ error: 'invalid_request' })
}

describe('every response is OAuth-shaped or a page', () => {
  it('answers an undecodable path and unknown paths with invalid_request, a page for browsers', async () => {
    const fixture = await start()
    const bad = await fixture.server.app.inject({ method: 'POST', url: '/api/v1/oauth2/token/%zz' })
    expectOAuthBody(bad.body, 400, bad.statusCode, bad.headers)
    for (const url of ['/foo', '/API/V1/OAUTH2/TOKEN', '/api/v1/other']) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await fixture.server.app.inject({ method, url })
        expectOAuthBody(res.body, 404, res.statusCode, res.headers)
      }
    }
    const page = await fixture.server.app.inject({
      method: 'GET',
      url: '/foo',
      headers: { accept: 'text/html' },
    })
    expect(page.statusCode).toBe(404)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('Page not found')
  })

  for (const [name, request] of MALFORMED_TOKEN_REQUESTS) {
    it(`answers invalid_request 400 for ${name}`, async () => {
      const fixture = await start()
      const responses = await rawHttp(fixture.port, request)
      expect(responses.length).toBeGreaterThan(0)
      for (const response of responses) {
        expect(response.body).not.toContain('Client Error')
        expectOAuthBody(response.body, 400, response.status, response.headers)
      }
    })
  }
})

/** The fields a Path Item Object may have (OpenAPI 3.1.1 section 4.8.9). */
const PATH_ITEM_FIELDS = new Set([
  '$ref',
  'summary',
  'description',
  'servers',
  'parameters',
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
])
const OPERATIONS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

describe('OpenAPI document structure', () => {
  it('has only Path Item fields and operations, each with described responses, and no catch-all path', async () => {
    const fixture = await start()
    const response = await fixture.server.app.inject({ method: 'GET', url: '/openapi.json' })
    const document = response.json() as {
      paths: Record<string, Record<string, { responses?: Record<string, { description?: unknown }> }>>
    }
    expect(Object.keys(document.paths).length).toBeGreaterThan(5)
    for (const [path, item] of Object.entries(document.paths)) {
      expect(path).toMatch(/^\/[A-Za-z0-9._~\-/{}]*$/)
      for (const [field, value] of Object.entries(item)) {
        expect(PATH_ITEM_FIELDS.has(field), `${path}: ${field}`).toBe(true)
        if (!OPERATIONS.has(field)) continue
        const responses = Object.entries(value.responses ?? {})
        expect(responses.length, `${field} ${path}`).toBeGreaterThan(0)
        for (const [status, described] of responses) {
          expect(status).toMatch(/^([1-5][0-9X]{2}|default)$/)
          expect(typeof described.description).toBe('string')
        }
      }
    }
    const token = document.paths[fixture.server.paths.token]
    expect(Object.keys(token?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '405']),
    )
    // Methods that only answer 405 are no operations (generated SDKs would get methods that always fail).
    expect(token?.get).toBeUndefined()
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const statuses = Object.keys(operation.responses ?? {})
        expect(statuses, `${method} ${path}`).not.toEqual(['405'])
      }
    }
  })
})
