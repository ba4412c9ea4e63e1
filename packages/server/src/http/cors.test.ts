import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { basic, createUser, ISSUER, REDIRECT_URI } from '../test-support/fixtures.js'
import { form } from '../test-support/http.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

const APP_ORIGIN = 'https://spa.pipeshub.test'
const OTHER_ORIGIN = 'https://evil.pipeshub.test'
const TOKEN = '/api/v1/oauth2/token'
const REVOKE = '/api/v1/oauth2/revoke'
const USERINFO = '/api/v1/oauth2/userinfo'
const FORM = 'application/x-www-form-urlencoded'

let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function start() {
  app = await buildAuthorizationServerApp({ issuer: ISSUER, store: createMemoryStore() })
  const server = app.authorizationServer
  await createUser(server.store)
  const spa = await server.registerClient({
    name: 'spa',
    public: true,
    redirectUris: [REDIRECT_URI],
    webOrigins: [APP_ORIGIN],
  })
  // Registered another origin: its requests must not open APP_ORIGIN.
  const other = await server.registerClient({
    name: 'service',
    grantTypes: ['client_credentials'],
    scopes: ['openid', 'kb:read'],
    webOrigins: ['http://127.0.0.1:5173'],
  })
  return {
    app,
    spaId: spa.client.clientId,
    service: { id: other.client.clientId, secret: other.clientSecret ?? '' },
  }
}

const preflight = (url: string, origin: string, method = 'POST') => ({
  method: 'OPTIONS' as const,
  url,
  headers: {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': 'content-type, authorization',
  },
})

describe('CORS of the token, revocation and userinfo endpoints (per client web origins)', () => {
  it('answers a preflight from an origin a client registered', async () => {
    const { app } = await start()
    for (const url of [TOKEN, REVOKE, USERINFO]) {
      const res = await app.inject(preflight(url, APP_ORIGIN))
      expect(res.statusCode, url).toBe(204)
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN)
      expect(String(res.headers['access-control-allow-headers'])).toContain('authorization')
      expect(String(res.headers['access-control-allow-methods'])).toContain('POST')
      expect(res.headers['access-control-max-age']).toBe('600')
      expect(res.headers['access-control-allow-credentials']).toBeUndefined()
      expect(String(res.headers.vary)).toContain('Origin')
    }
  })

  it('refuses a preflight from an origin no client registered: no CORS headers, 405 as before', async () => {
    const { app } = await start()
    const res = await app.inject(preflight(TOKEN, OTHER_ORIGIN))
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect(res.statusCode).toBe(405)
    expect(res.json()).toMatchObject({ error: 'invalid_request' })
  })

  it("lets the client's own origin read a token response and its errors", async () => {
    const { app, spaId } = await start()
    const res = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { origin: APP_ORIGIN, 'content-type': FORM },
      payload: form({ grant_type: 'refresh_token', refresh_token: 'unknown', client_id: spaId }),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'invalid_grant' })
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN)
    expect(String(res.headers['access-control-expose-headers'])).toContain('www-authenticate')
  })

  it("does not open a client's token response to an origin only another client registered", async () => {
    const { app, service } = await start()
    const res = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { origin: APP_ORIGIN, 'content-type': FORM, authorization: basic(service.id, service.secret) },
      payload: form({ grant_type: 'client_credentials', scope: 'kb:read' }),
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const own = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: {
        origin: 'http://127.0.0.1:5173',
        'content-type': FORM,
        authorization: basic(service.id, service.secret),
      },
      payload: form({ grant_type: 'client_credentials', scope: 'kb:read' }),
    })
    expect(own.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173')
  })

  it("answers userinfo CORS for the origin of the access token's client only", async () => {
    const { app, service } = await start()
    const token = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { 'content-type': FORM, authorization: basic(service.id, service.secret) },
      payload: form({ grant_type: 'client_credentials', scope: 'kb:read' }),
    })
    const accessToken = (token.json() as { access_token: string }).access_token
    const own = await app.inject({
      method: 'GET',
      url: USERINFO,
      headers: { origin: 'http://127.0.0.1:5173', authorization: `Bearer ${accessToken}` },
    })
    // No openid scope: 403, and the app's origin can read why.
    expect(own.statusCode).toBe(403)
    expect(own.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173')
    const foreign = await app.inject({
      method: 'GET',
      url: USERINFO,
      headers: { origin: APP_ORIGIN, authorization: `Bearer ${accessToken}` },
    })
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('stops answering CORS for a disabled client', async () => {
    const { app, spaId } = await start()
    await app.authorizationServer.disableClient(spaId)
    const res = await app.inject(preflight(TOKEN, APP_ORIGIN))
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('CORS of public documents and of the authorization endpoint', () => {
  it('opens discovery and JWKS to any origin', async () => {
    const { app } = await start()
    for (const url of ['/.well-known/openid-configuration', '/.well-known/jwks.json']) {
      const res = await app.inject({ method: 'GET', url, headers: { origin: OTHER_ORIGIN } })
      expect(res.statusCode).toBe(200)
      expect(res.headers['access-control-allow-origin']).toBe('*')
      const pre = await app.inject(preflight(url, OTHER_ORIGIN, 'GET'))
      expect(pre.statusCode, url).toBe(204)
      expect(pre.headers['access-control-allow-origin']).toBe('*')
    }
  })

  it('never answers CORS on the authorization endpoint (a navigation) or introspection', async () => {
    const { app, spaId } = await start()
    const authorize = await app.inject({
      method: 'GET',
      url: `/api/v1/oauth2/authorize?client_id=${spaId}`,
      headers: { origin: APP_ORIGIN },
    })
    expect(authorize.headers['access-control-allow-origin']).toBeUndefined()
    for (const url of ['/api/v1/oauth2/authorize', '/api/v1/oauth2/introspect']) {
      const pre = await app.inject(preflight(url, APP_ORIGIN))
      expect(pre.headers['access-control-allow-origin'], url).toBeUndefined()
    }
  })
})

describe('preflights under a flood', () => {
  it('answers many preflights from one read of the clients a second, and sees a new origin the next second', async () => {
    let clock = 1_800_000_000
    const store = createMemoryStore()
    let lists = 0
    const list = store.clients.list.bind(store.clients)
    store.clients.list = () => {
      lists++
      return list()
    }
    app = await buildAuthorizationServerApp({ issuer: ISSUER, store, now: () => clock })
    const server = app.authorizationServer
    await server.registerClient({
      name: 'spa',
      public: true,
      redirectUris: [REDIRECT_URI],
      webOrigins: [APP_ORIGIN],
    })
    const NEW_ORIGIN = 'https://new.pipeshub.test'
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app?.inject(preflight(TOKEN, i % 2 === 0 ? APP_ORIGIN : OTHER_ORIGIN)),
      ),
    )
    expect(answers.map((res) => res?.headers['access-control-allow-origin'] ?? null)).toEqual(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? APP_ORIGIN : null)),
    )
    expect(lists).toBe(1)

    await server.registerClient({
      name: 'new',
      public: true,
      redirectUris: [REDIRECT_URI],
      webOrigins: [NEW_ORIGIN],
    })
    // Within the same second the shared read stands; a second later the new origin is seen.
    expect(
      (await app.inject(preflight(TOKEN, NEW_ORIGIN))).headers['access-control-allow-origin'],
    ).toBeUndefined()
    clock += 1
    expect((await app.inject(preflight(TOKEN, NEW_ORIGIN))).headers['access-control-allow-origin']).toBe(
      NEW_ORIGIN,
    )
    expect(lists).toBe(2)
  })
})
