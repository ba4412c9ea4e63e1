import { decodeTokenResponse, errorResponseCodec } from '@pipeshub/models'
import Fastify from 'fastify'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { openSqliteStore } from '../store/sqlite.js'
import {
  authorizationCodeFor,
  basic,
  createUser,
  ISSUER,
  pkcePair,
  REDIRECT_URI,
} from '../test-support/fixtures.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'
import { oauth2Plugin } from './plugin.js'

const TOKEN = '/api/v1/oauth2/token'
const FORM = 'application/x-www-form-urlencoded'

let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function start(options: Partial<Parameters<typeof buildAuthorizationServerApp>[0]> = {}) {
  app = await buildAuthorizationServerApp({ issuer: ISSUER, store: createMemoryStore(), ...options })
  const server = app.authorizationServer
  await createUser(server.store)
  const service = await server.registerClient({
    name: 'service',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read', 'kb:write', 'openid'],
  })
  const web = await server.registerClient({ name: 'web', redirectUris: [REDIRECT_URI] })
  return {
    app,
    server,
    service: { id: service.client.clientId, secret: service.clientSecret ?? '' },
    web: { id: web.client.clientId, secret: web.clientSecret ?? '' },
  }
}

function expectOAuthError(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  error: string,
  status = 400,
) {
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(errorResponseCodec.check(body)).toBe(true)
  expect(body).toMatchObject({ error })
  expect(Object.keys(body as object).sort()).toEqual(['error', 'error_description'])
}

describe('token endpoint over HTTP', () => {
  it('answers client_credentials with a Bearer JWT and no-store headers', async () => {
    const { app, service } = await start()
    const res = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { 'content-type': FORM, authorization: basic(service.id, service.secret) },
      payload: 'grant_type=client_credentials&scope=kb%3Aread+openid',
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers.pragma).toBe('no-cache')
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const body = decodeTokenResponse(res.json())
    expect(body.scope).toBe('kb:read')
    expect(body.refreshToken).toBeUndefined()
    expect(decodeProtectedHeader(body.accessToken)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' })
    expect(decodeJwt(body.accessToken)).toMatchObject({ iss: ISSUER, sub: service.id, client_id: service.id })
  })

  it('accepts a JSON body like PipesHub SDK sends, with client_secret_post', async () => {
    const { app, service } = await start()
    const res = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { 'content-type': 'application/json' },
      payload: {
        grant_type: 'client_credentials',
        client_id: service.id,
        client_secret: service.secret,
        scope: 'kb:write',
      },
    })
    expect(res.statusCode).toBe(200)
    expect(decodeTokenResponse(res.json()).scope).toBe('kb:write')
  })

  it('runs the authorization code flow with PKCE through the authorize hook', async () => {
    const { app, web } = await start({
      authorize: async ({ reply, authorizationRequest, authorizationServer, parameters }) => {
        if (parameters.consent === 'denied')
          return reply.redirect(authorizationServer.denyAuthorization(authorizationRequest), 302)
        const location = await authorizationServer.issueAuthorizationCode({
          request: authorizationRequest,
          subject: 'user-alice',
          authTime: authorizationServer.now(),
        })
        return reply.redirect(location, 302)
      },
    })
    const pkce = pkcePair()
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: web.id,
      redirect_uri: REDIRECT_URI,
      scope: 'openid offline_access kb:read',
      state: 's-1',
      nonce: 'n-1',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    })
    const authorize = await app.inject({ method: 'GET', url: `/api/v1/oauth2/authorize?${query}` })
    expect(authorize.statusCode).toBe(302)
    const location = new URL(String(authorize.headers.location))
    expect(location.searchParams.get('state')).toBe('s-1')
    expect(location.searchParams.get('iss')).toBe(ISSUER)
    const token = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { 'content-type': FORM, authorization: basic(web.id, web.secret) },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: pkce.verifier,
      }).toString(),
    })
    expect(token.statusCode).toBe(200)
    const body = decodeTokenResponse(token.json())
    expect(decodeJwt(body.idToken ?? '')).toMatchObject({ nonce: 'n-1', aud: web.id, sub: 'user-alice' })
    expect(body.refreshToken).toBeDefined()

    const denied = await app.inject({
      method: 'POST',
      url: '/api/v1/oauth2/authorize',
      headers: { 'content-type': FORM },
      payload: `${query}&consent=denied`,
    })
    expect(new URL(String(denied.headers.location)).searchParams.get('error')).toBe('access_denied')
  })

  it('never redirects an authorization request with an unregistered redirect_uri', async () => {
    const { app, web } = await start()
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/oauth2/authorize?response_type=code&client_id=${web.id}&redirect_uri=https%3A%2F%2Fevil.test%2F&scope=openid&state=x`,
    })
    expect(res.headers.location).toBeUndefined()
    expectOAuthError(res, 'invalid_request')
    const repeated = await app.inject({
      method: 'GET',
      url: `/api/v1/oauth2/authorize?client_id=${web.id}&client_id=${web.id}`,
    })
    expectOAuthError(repeated, 'invalid_request')
  })
})

describe('bad input always answers an RFC 6749 §5.2 error with no-store', () => {
  const cases: Array<
    [string, { headers?: Record<string, string>; payload?: string | Buffer }, string, number]
  > = [
    [
      'a repeated parameter',
      { headers: { 'content-type': FORM }, payload: 'grant_type=client_credentials&grant_type=password' },
      'invalid_request',
      400,
    ],
    [
      'a repeated JSON member',
      { headers: { 'content-type': 'application/json' }, payload: '{"grant_type":"a","grant_type":"b"}' },
      'invalid_request',
      400,
    ],
    [
      'invalid UTF-8 bytes',
      { headers: { 'content-type': FORM }, payload: Buffer.from([0x67, 0x3d, 0xff, 0xfe]) },
      'invalid_request',
      400,
    ],
    [
      'an invalid UTF-8 percent-encoding',
      { headers: { 'content-type': FORM }, payload: 'grant_type=%C3%28' },
      'invalid_request',
      400,
    ],
    [
      'a malformed percent-encoding',
      { headers: { 'content-type': FORM }, payload: 'grant_type=%zz' },
      'invalid_request',
      400,
    ],
    [
      'malformed JSON',
      { headers: { 'content-type': 'application/json' }, payload: '{"grant_type":' },
      'invalid_request',
      400,
    ],
    [
      'a JSON array',
      { headers: { 'content-type': 'application/json' }, payload: '["grant_type"]' },
      'invalid_request',
      400,
    ],
    [
      'a JSON number member',
      { headers: { 'content-type': 'application/json' }, payload: '{"grant_type":1}' },
      'invalid_request',
      400,
    ],
    [
      'a wrong content type',
      { headers: { 'content-type': 'text/plain' }, payload: 'grant_type=client_credentials' },
      'invalid_request',
      400,
    ],
    [
      'a multipart body',
      { headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--' },
      'invalid_request',
      400,
    ],
    [
      'a non-UTF-8 charset',
      { headers: { 'content-type': `${FORM}; charset=iso-8859-1` }, payload: 'grant_type=x' },
      'invalid_request',
      400,
    ],
    [
      'an oversized body',
      { headers: { 'content-type': FORM }, payload: `grant_type=client_credentials&x=${'a'.repeat(20_000)}` },
      'invalid_request',
      400,
    ],
    ['no body', {}, 'invalid_request', 400],
    [
      'an empty grant_type',
      { headers: { 'content-type': FORM }, payload: 'grant_type=' },
      'invalid_request',
      400,
    ],
    [
      'an unknown grant type',
      { headers: { 'content-type': FORM }, payload: 'grant_type=password&username=a&password=b' },
      'unsupported_grant_type',
      400,
    ],
    [
      'no client authentication',
      { headers: { 'content-type': FORM }, payload: 'grant_type=client_credentials' },
      'invalid_client',
      401,
    ],
  ]
  for (const [name, request, error, status] of cases) {
    it(`answers ${error} ${status} for ${name}`, async () => {
      const { app } = await start()
      const res = await app.inject({ method: 'POST', url: TOKEN, ...request })
      expectOAuthError(res, error, status)
      expect(res.headers['cache-control']).toBe('no-store')
      expect(res.headers.pragma).toBe('no-cache')
      expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/)
    })
  }

  it('ignores unknown parameters and treats empty values as absent', async () => {
    const { app, service } = await start()
    const ok = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { 'content-type': FORM, authorization: basic(service.id, service.secret) },
      payload: 'grant_type=client_credentials&scope=&client_secret=&foo=bar&=&&',
    })
    expect(ok.statusCode).toBe(200)
    expect(decodeTokenResponse(ok.json()).scope).toBe('kb:read kb:write')
  })

  it('answers invalid_scope for huge or odd scope strings', async () => {
    const { app, service } = await start()
    for (const scope of [
      'kb:read '.repeat(1000),
      'kb:read "quoted"',
      'kb:read\\x',
      'kb:read\u00e9',
      'unknown:scope',
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: TOKEN,
        headers: { 'content-type': FORM, authorization: basic(service.id, service.secret) },
        payload: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      })
      expectOAuthError(res, 'invalid_scope')
      expect(res.headers['cache-control']).toBe('no-store')
    }
  })

  it('answers invalid_client 401 with WWW-Authenticate Basic for wrong Basic credentials', async () => {
    const { app, service } = await start()
    const res = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { 'content-type': FORM, authorization: basic(service.id, 'wrong') },
      payload: 'grant_type=client_credentials',
    })
    expectOAuthError(res, 'invalid_client', 401)
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/)
  })

  it('answers OAuth errors for other methods and unknown paths under the prefix', async () => {
    const { app } = await start()
    // OPTIONS is answered like every other method the endpoint does not accept.
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const res = await app.inject({ method, url: TOKEN })
      expectOAuthError(res, 'invalid_request', 405)
      expect(res.headers.allow).toBe('POST')
      expect(res.headers['cache-control']).toBe('no-store')
    }
    for (const url of ['/api/v1/oauth2/userinfo', '/api/v1/oauth2/authorize']) {
      const res = await app.inject({ method: 'OPTIONS', url })
      expectOAuthError(res, 'invalid_request', 405)
      expect(res.headers.allow).toBe('GET, POST')
    }
    expectOAuthError(await app.inject({ method: 'POST', url: '/api/v1/oauth2/nope' }), 'invalid_request', 404)
  })

  it('answers a retryable 503 when the store fails', async () => {
    const store = openSqliteStore({ path: ':memory:' })
    const { app, service } = await start({ store })
    await store.close()
    const res = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { 'content-type': FORM, authorization: basic(service.id, service.secret) },
      payload: 'grant_type=client_credentials',
    })
    expectOAuthError(res, 'temporarily_unavailable', 503)
    expect(res.headers['retry-after']).toBe('1')
  })
})

describe('revocation, introspection and userinfo over HTTP', () => {
  it('revokes with Basic or post authentication and answers 200 for unknown tokens', async () => {
    const { app, server, web } = await start()
    const code = await authorizationCodeFor(server, web.id)
    const tokens = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { authorization: basic(web.id, web.secret) },
    )
    const introspect = async (token: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/oauth2/introspect',
          headers: { 'content-type': FORM, authorization: basic(web.id, web.secret) },
          payload: new URLSearchParams({ token }).toString(),
        })
      ).json()
    expect(await introspect(tokens.accessToken)).toMatchObject({
      active: true,
      client_id: web.id,
      username: 'alice',
    })

    const basicRevoke = await app.inject({
      method: 'POST',
      url: '/api/v1/oauth2/revoke',
      headers: { 'content-type': FORM, authorization: basic(web.id, web.secret) },
      payload: new URLSearchParams({ token: tokens.accessToken, token_type_hint: 'access_token' }).toString(),
    })
    expect(basicRevoke.statusCode).toBe(200)
    expect(basicRevoke.body).toBe('')
    expect(await introspect(tokens.accessToken)).toEqual({ active: false })

    const postRevoke = await app.inject({
      method: 'POST',
      url: '/api/v1/oauth2/revoke',
      headers: { 'content-type': 'application/json' },
      payload: { token: tokens.refreshToken, client_id: web.id, client_secret: web.secret },
    })
    expect(postRevoke.statusCode).toBe(200)
    expect(await introspect(tokens.refreshToken ?? '')).toEqual({ active: false })

    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/oauth2/revoke',
      headers: { 'content-type': FORM, authorization: basic(web.id, web.secret) },
      payload: 'token=never-issued',
    })
    expect(unknown.statusCode).toBe(200)
    const unauthenticated = await app.inject({
      method: 'POST',
      url: '/api/v1/oauth2/revoke',
      headers: { 'content-type': FORM },
      payload: `token=${tokens.refreshToken}`,
    })
    expectOAuthError(unauthenticated, 'invalid_client', 401)
  })

  it('serves userinfo for a Bearer token and a Bearer challenge without one', async () => {
    const { app, server, web } = await start()
    const code = await authorizationCodeFor(server, web.id, { scope: 'openid email' })
    const tokens = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { authorization: basic(web.id, web.secret) },
    )
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/oauth2/userinfo',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    })
    expect(res.json()).toEqual({
      sub: 'user-alice',
      user_id: 'user-alice',
      email: 'alice@pipeshub.test',
      email_verified: true,
    })
    // RFC 6750 section 3.1: no authentication at all gets the challenge only, no error code, no body.
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/oauth2/userinfo' })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.headers['www-authenticate']).toMatch(
      // RFC 9449 §7.1: the DPoP scheme is offered beside Bearer, with the algorithms of its proofs.
      /^Bearer realm="pipeshub", DPoP realm="pipeshub", algs="[A-Za-z0-9 ]+"$/,
    )
    expect(anonymous.body).toBe('')
    const invalid = await app.inject({
      method: 'GET',
      url: '/api/v1/oauth2/userinfo',
      headers: { authorization: 'Bearer not-a-token' },
    })
    expectOAuthError(invalid, 'invalid_token', 401)
    expect(invalid.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/)
  })
})

describe('discovery and JWKS', () => {
  it('serves one metadata document at both well-known paths', async () => {
    const { app } = await start()
    const oidc = await app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })
    const oauth = await app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })
    expect(oidc.json()).toEqual(oauth.json())
    expect(oidc.json()).toMatchObject({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/api/v1/oauth2/token`,
      authorization_endpoint: `${ISSUER}/api/v1/oauth2/authorize`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      grant_types_supported: [
        'authorization_code',
        'client_credentials',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      device_authorization_endpoint: `${ISSUER}/api/v1/oauth2/device_authorization`,
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ],
      pushed_authorization_request_endpoint: `${ISSUER}/api/v1/oauth2/par`,
      require_pushed_authorization_requests: false,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    })
    // RFC 8414 section 2: private_key_jwt is listed, so each endpoint's algorithm list is too, without
    // none or any HMAC algorithm (client_secret_jwt is not offered).
    for (const member of [
      'token_endpoint_auth_signing_alg_values_supported',
      'revocation_endpoint_auth_signing_alg_values_supported',
      'introspection_endpoint_auth_signing_alg_values_supported',
    ]) {
      const algs = oidc.json()[member] as string[]
      expect(algs).toContain('ES256')
      expect(algs.filter((alg) => alg === 'none' || alg.startsWith('HS'))).toEqual([])
    }
  })

  it('publishes public keys only', async () => {
    const { app } = await start()
    const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    const { keys } = res.json() as { keys: Array<Record<string, unknown>> }
    // The access-token key (ES256) and the default ID-token key (RS256, OIDC Discovery section 3).
    expect(keys).toHaveLength(2)
    expect(keys.find((key) => key.alg === 'ES256')).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig' })
    expect(keys.find((key) => key.alg === 'RS256')).toMatchObject({ kty: 'RSA', use: 'sig' })
    for (const key of keys) {
      expect(key).not.toHaveProperty('d')
      expect(key).not.toHaveProperty('p')
    }
  })

  it('mounts under another prefix and leaves the host application alone', async () => {
    const host = Fastify()
    host.post('/host/echo', async (request) => ({ echoed: request.body }))
    host.setNotFoundHandler((_request, reply) => reply.code(404).send({ host: 'not found' }))
    const { createAuthorizationServer } = await import('../authorization-server.js')
    const authorizationServer = createAuthorizationServer({
      issuer: ISSUER,
      store: createMemoryStore(),
      prefix: '/auth',
    })
    await host.register(oauth2Plugin, { authorizationServer })
    const echo = await host.inject({ method: 'POST', url: '/host/echo', payload: { a: 1 } })
    expect(echo.json()).toEqual({ echoed: { a: 1 } })
    const hostError = await host.inject({
      method: 'POST',
      url: '/host/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    })
    expect(hostError.json()).toMatchObject({ statusCode: 400 })
    const token = await host.inject({
      method: 'POST',
      url: '/auth/oauth2/token',
      headers: { 'content-type': FORM },
      payload: '',
    })
    expectOAuthError(token, 'invalid_request')
    expect((await host.inject({ method: 'GET', url: '/elsewhere' })).json()).toEqual({ host: 'not found' })
    expectOAuthError(await host.inject({ method: 'POST', url: '/auth/oauth2/nope' }), 'invalid_request', 404)
    const meta = await host.inject({ method: 'GET', url: '/.well-known/openid-configuration' })
    expect(meta.json()).toMatchObject({ token_endpoint: `${ISSUER}/auth/oauth2/token` })
    await host.close()
  })
})
