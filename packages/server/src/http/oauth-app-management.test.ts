import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createAuthorizationServer } from '../authorization-server.js'
import { createMemoryStore } from '../store/memory.js'
import { openPostgresStore } from '../store/postgres.js'
import { openSqliteStore } from '../store/sqlite.js'
import type { Store } from '../store/types.js'
import { dpopKey } from '../test-support/dpop.js'
import {
  authorizationCodeFor,
  basic,
  createUser,
  ISSUER,
  manualClock,
  pkcePair,
  REDIRECT_URI,
} from '../test-support/fixtures.js'
import { oauth2Plugin } from './plugin.js'

const postgres = await postgresAvailable()

const STORES: Array<[string, () => Promise<{ store: Store; dispose(): Promise<void> }>]> = [
  ['memory', async () => ({ store: createMemoryStore(), dispose: async () => {} })],
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pipeshub-apps-'))
      const store = openSqliteStore({ path: join(dir, 'oauth.db') })
      return {
        store,
        dispose: async () => {
          await store.close()
          rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  ],
  ...(postgres
    ? [
        [
          'postgres',
          async () => {
            const schema = uniqueSchema()
            const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, max: 5 })
            return {
              store,
              dispose: async () => {
                await store.close()
                await dropSchema(schema)
              },
            }
          },
        ] as [string, () => Promise<{ store: Store; dispose(): Promise<void> }>],
      ]
    : []),
]

const APPS = '/api/v1/oauth-clients'

describe.each(STORES)('OAuth app management API (%s)', (_name, open) => {
  let disposeStore: (() => Promise<void>) | undefined
  let fastify: FastifyInstance | undefined
  afterEach(async () => {
    await fastify?.close()
    await disposeStore?.()
  })

  async function setup() {
    const opened = await open()
    disposeStore = opened.dispose
    const store = opened.store
    const clock = manualClock()
    const server = createAuthorizationServer({
      issuer: ISSUER,
      store,
      now: clock.now,
      isAdministrator: (user) => user.username === 'alice',
    })
    fastify = Fastify()
    await fastify.register(oauth2Plugin, { authorizationServer: server, appManagement: true })
    await createUser(store, 'alice')
    await createUser(store, 'bob')
    const console = await server.registerClient({
      name: 'admin console',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'org:admin', 'kb:read'],
    })
    const consoleAuth = { authorization: basic(console.client.clientId, console.clientSecret ?? '') }
    const userToken = async (subject: string, scope: string) => {
      const code = await authorizationCodeFor(server, console.client.clientId, { scope, subject })
      const response = await server.token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        consoleAuth,
      )
      return response.accessToken
    }
    const adminToken = await userToken('user-alice', 'openid org:admin')
    const call = (
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      payload?: unknown,
      token = adminToken,
    ) =>
      (fastify as FastifyInstance).inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined
          ? {}
          : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
      })
    const token = (params: Record<string, string>, authorization: string) =>
      (fastify as FastifyInstance).inject({
        method: 'POST',
        url: '/api/v1/oauth2/token',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(params).toString(),
      })
    const introspect = (value: string) =>
      server.verifyAccessToken(value).then(
        () => true,
        () => false,
      )
    return {
      server,
      store,
      clock,
      console,
      consoleAuth,
      userToken,
      adminToken,
      call,
      token,
      introspect,
    }
  }

  it('answers only an administrator, with a typed error for everyone else', async () => {
    const { call, userToken, token, console } = await setup()
    const none = await (fastify as FastifyInstance).inject({ method: 'GET', url: APPS })
    expect(none.statusCode).toBe(401)
    expect(none.json()).toMatchObject({ error: 'invalid_request' })
    // Both schemes it accepts (RFC 9449 §7.1), each naming the scope.
    expect(none.headers['www-authenticate']).toMatch(
      /^Bearer scope="org:admin", DPoP scope="org:admin", algs="ES256 [^"]+"$/,
    )
    expect((await call('GET', APPS, undefined, 'not-a-token')).json()).toMatchObject({
      error: 'invalid_token',
    })
    const lacking = await call('GET', APPS, undefined, await userToken('user-alice', 'openid kb:read'))
    expect([lacking.statusCode, lacking.json().error]).toEqual([403, 'insufficient_scope'])
    // bob is no administrator: he cannot get org:admin, and a token without it is refused anyway.
    const bob = await call('GET', APPS, undefined, await userToken('user-bob', 'openid kb:read'))
    expect(bob.statusCode).toBe(403)
    // A client acting for itself is no administrator, whatever its scope.
    const service = await call('POST', APPS, {
      name: 'svc',
      allowedGrantTypes: ['client_credentials'],
      allowedScopes: ['org:admin'],
    })
    const { clientId, clientSecret } = service.json()
    const cc = (
      await token({ grant_type: 'client_credentials', scope: 'org:admin' }, basic(clientId, clientSecret))
    ).json()
    const asClient = await call('GET', APPS, undefined, cc.access_token)
    expect([asClient.statusCode, asClient.json().error]).toEqual([403, 'access_denied'])
    expect(console.client.clientId).toBeTruthy()
  })

  it("serves an administrator's DPoP-bound token with a proof for the operation's URL, never as Bearer (RFC 9449 §7)", async () => {
    const { server, clock, console, consoleAuth } = await setup()
    const key = await dpopKey('ES256', clock.now)
    const code = await authorizationCodeFor(server, console.client.clientId, {
      scope: 'openid org:admin',
      subject: 'user-alice',
    })
    const issued = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { ...consoleAuth, dpop: [await key.proof({ htu: `${ISSUER}/api/v1/oauth2/token` })] },
    )
    expect(issued.tokenType).toBe('DPoP')
    const accessToken = issued.accessToken
    const inject = (method: 'GET' | 'PUT', url: string, headers: Record<string, string>) =>
      (fastify as FastifyInstance).inject({ method, url, headers })
    const proof = (htm: string, path: string) => key.proof({ htm, htu: `${ISSUER}${path}`, accessToken })

    const list = await inject('GET', APPS, {
      authorization: `DPoP ${accessToken}`,
      dpop: await proof('GET', APPS),
    })
    expect(list.statusCode).toBe(200)
    const one = `${APPS}/${console.client.clientId}`
    // The query is not part of htu (RFC 9449 §4.3 rule 9).
    const got = await inject('GET', `${one}?x=1`, {
      authorization: `DPoP ${accessToken}`,
      dpop: await proof('GET', one),
    })
    expect([got.statusCode, got.json().clientId]).toEqual([200, console.client.clientId])

    const asBearer = await inject('GET', APPS, { authorization: `Bearer ${accessToken}` })
    expect([asBearer.statusCode, asBearer.json().error]).toEqual([401, 'invalid_token'])
    expect(asBearer.headers['www-authenticate']).toMatch(/^DPoP error="invalid_token"/)
    // A proof for another operation of the API (htu, then htm) does not open this one.
    const otherUrl = await inject('GET', one, {
      authorization: `DPoP ${accessToken}`,
      dpop: await proof('GET', APPS),
    })
    expect([otherUrl.statusCode, otherUrl.json().error]).toEqual([401, 'invalid_dpop_proof'])
    const otherMethod = await inject('GET', APPS, {
      authorization: `DPoP ${accessToken}`,
      dpop: await proof('PUT', APPS),
    })
    expect([otherMethod.statusCode, otherMethod.json().error]).toEqual([401, 'invalid_dpop_proof'])
    expect(otherMethod.headers['www-authenticate']).toMatch(/^DPoP error="invalid_dpop_proof".*algs="/)

    // insufficient_scope is answered in the scheme the token came with.
    const userCode = await authorizationCodeFor(server, console.client.clientId, {
      scope: 'openid kb:read',
      subject: 'user-alice',
    })
    const user = await server.token(
      { grant_type: 'authorization_code', code: userCode, redirect_uri: REDIRECT_URI },
      { ...consoleAuth, dpop: [await key.proof({ htu: `${ISSUER}/api/v1/oauth2/token` })] },
    )
    const lacking = await inject('GET', APPS, {
      authorization: `DPoP ${user.accessToken}`,
      dpop: await key.proof({ htm: 'GET', htu: `${ISSUER}${APPS}`, accessToken: user.accessToken }),
    })
    expect([lacking.statusCode, lacking.json().error]).toEqual([403, 'insufficient_scope'])
    expect(lacking.headers['www-authenticate']).toMatch(/^DPoP error="insufficient_scope", scope="org:admin"/)
  })

  it('sets dpopBoundAccessTokens (RFC 9449 §5.2): the app then gets no token without a proof, until it is cleared', async () => {
    const { call, token } = await setup()
    const created = await call('POST', APPS, {
      name: 'Bound bot',
      allowedGrantTypes: ['client_credentials'],
      allowedScopes: ['kb:read'],
      dpopBoundAccessTokens: true,
    })
    expect(created.statusCode).toBe(201)
    const app = created.json()
    expect(app.dpopBoundAccessTokens).toBe(true)
    const auth = basic(app.clientId, app.clientSecret)
    const refused = await token({ grant_type: 'client_credentials' }, auth)
    expect([refused.statusCode, refused.json().error]).toEqual([400, 'invalid_dpop_proof'])
    const cleared = await call('PUT', `${APPS}/${app.clientId}`, { dpopBoundAccessTokens: false })
    expect(cleared.json().dpopBoundAccessTokens).toBe(false)
    expect((await token({ grant_type: 'client_credentials' }, auth)).statusCode).toBe(200)
    expect((await call('PUT', `${APPS}/${app.clientId}`, { dpopBoundAccessTokens: 'yes' })).statusCode).toBe(
      400,
    )
  })

  it('creates, reads, lists, updates, suspends, activates, regenerates and deletes an app', async () => {
    const { call, token, clock, introspect } = await setup()
    const created = await call('POST', APPS, {
      name: 'Support bot',
      description: 'Answers questions from the knowledge base',
      logoUrl: 'https://bot.example/logo.png',
      homepageUrl: 'https://bot.example/',
      privacyPolicyUrl: 'https://bot.example/privacy',
      allowedGrantTypes: ['client_credentials'],
      allowedScopes: ['kb:read', 'kb:write'],
      accessTokenLifetime: 600,
    })
    expect(created.statusCode).toBe(201)
    const app = created.json()
    expect(app).toMatchObject({
      name: 'Support bot',
      description: 'Answers questions from the knowledge base',
      logoUrl: 'https://bot.example/logo.png',
      allowedGrantTypes: ['client_credentials'],
      allowedScopes: ['kb:read', 'kb:write'],
      isConfidential: true,
      accessTokenLifetime: 600,
      status: 'active',
    })
    expect(app.clientSecret).toMatch(/^[0-9a-f]{64}$/)
    const { clientSecret, ...shown } = app
    expect((await call('GET', `${APPS}/${app.clientId}`)).json()).toEqual(shown)
    // Oldest first; both were created in the same second here, and then come in client_id order.
    const names = (await call('GET', APPS)).json().apps.map((a: { name: string }) => a.name)
    expect(names.sort()).toEqual(['Support bot', 'admin console'])

    const issued = await token(
      { grant_type: 'client_credentials', scope: 'kb:read' },
      basic(app.clientId, clientSecret),
    )
    expect([issued.statusCode, issued.json().expires_in]).toEqual([200, 600])

    const updated = await call('PUT', `${APPS}/${app.clientId}`, {
      description: null,
      allowedScopes: ['kb:read'],
      accessTokenLifetime: null,
    })
    expect(updated.statusCode).toBe(200)
    expect(updated.json().description).toBeUndefined()
    expect(updated.json().accessTokenLifetime).toBeUndefined()
    expect(updated.json()).toMatchObject({
      allowedScopes: ['kb:read'],
      logoUrl: 'https://bot.example/logo.png',
    })

    const suspended = await call('POST', `${APPS}/${app.clientId}/suspend`)
    expect(suspended.json().status).toBe('suspended')
    expect(await introspect(issued.json().access_token)).toBe(false)
    expect(
      (await token({ grant_type: 'client_credentials' }, basic(app.clientId, clientSecret))).statusCode,
    ).toBe(401)
    expect((await call('POST', `${APPS}/${app.clientId}/activate`)).json().status).toBe('active')
    expect(await introspect(issued.json().access_token)).toBe(true)

    const regenerated = (await call('POST', `${APPS}/${app.clientId}/regenerate-secret`)).json()
    expect(regenerated.clientSecret).not.toBe(clientSecret)
    expect(
      (await token({ grant_type: 'client_credentials' }, basic(app.clientId, clientSecret))).statusCode,
    ).toBe(401)
    expect(
      (await token({ grant_type: 'client_credentials' }, basic(app.clientId, regenerated.clientSecret)))
        .statusCode,
    ).toBe(200)

    clock.advance(1)
    expect((await call('DELETE', `${APPS}/${app.clientId}`)).statusCode).toBe(204)
    expect((await call('GET', `${APPS}/${app.clientId}`)).statusCode).toBe(404)
    expect(await introspect(issued.json().access_token)).toBe(false)
  })

  it('sets and replaces the post-logout redirect URIs of an app (RP-Initiated Logout §3.1)', async () => {
    const { call } = await setup()
    const created = await call('POST', APPS, {
      name: 'Web app',
      redirectUris: ['https://web.example/cb'],
      postLogoutRedirectUris: ['https://web.example/bye'],
      allowedScopes: ['openid'],
    })
    expect(created.json().postLogoutRedirectUris).toEqual(['https://web.example/bye'])
    const appId = created.json().clientId
    const updated = await call('PUT', `${APPS}/${appId}`, { postLogoutRedirectUris: [] })
    expect(updated.json().postLogoutRedirectUris).toEqual([])
    const refused = await call('PUT', `${APPS}/${appId}`, {
      postLogoutRedirectUris: ['http://web.example/bye'],
    })
    expect([refused.statusCode, refused.json().error]).toEqual([400, 'invalid_client_metadata'])
  })

  it("sets an app's webOrigins: the token endpoint answers CORS for them and for no other origin, until replaced", async () => {
    const { call, server, clock } = await setup()
    const spa = 'https://spa.pipeshub.test'
    const other = 'https://other.pipeshub.test'
    const created = await call('POST', APPS, {
      name: 'Browser app',
      isConfidential: false,
      redirectUris: [REDIRECT_URI],
      webOrigins: [spa],
      allowedScopes: ['openid', 'offline_access'],
    })
    expect(created.statusCode).toBe(201)
    expect(created.json().webOrigins).toEqual([spa])
    const appId: string = created.json().clientId
    const inject = (fastify as FastifyInstance).inject.bind(fastify)
    const preflight = (origin: string) =>
      inject({
        method: 'OPTIONS',
        url: '/api/v1/oauth2/token',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      })
    const tokenFrom = (origin: string, params: Record<string, string>) =>
      inject({
        method: 'POST',
        url: '/api/v1/oauth2/token',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...params, client_id: appId }).toString(),
      })

    const allowed = await preflight(spa)
    expect(allowed.statusCode).toBe(204)
    expect(allowed.headers['access-control-allow-origin']).toBe(spa)
    expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST')
    const refused = await preflight(other)
    expect(refused.headers['access-control-allow-origin']).toBeUndefined()

    const pkce = pkcePair()
    const code = await authorizationCodeFor(server, appId, {
      scope: 'openid offline_access',
      subject: 'user-alice',
      challenge: pkce.challenge,
    })
    const issued = await tokenFrom(spa, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce.verifier,
    })
    expect(issued.statusCode).toBe(200)
    expect(issued.headers['access-control-allow-origin']).toBe(spa)
    // The server still answers another origin's request; without the header its page cannot read it.
    const foreign = await tokenFrom(other, {
      grant_type: 'refresh_token',
      refresh_token: issued.json().refresh_token,
    })
    expect(foreign.statusCode).toBe(200)
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined()

    const replaced = await call('PUT', `${APPS}/${appId}`, { webOrigins: [other] })
    expect(replaced.json().webOrigins).toEqual([other])
    // The request itself is judged against the app at once.
    const refreshed = await tokenFrom(other, {
      grant_type: 'refresh_token',
      refresh_token: foreign.json().refresh_token,
    })
    expect(refreshed.statusCode).toBe(200)
    expect(refreshed.headers['access-control-allow-origin']).toBe(other)
    const old = await tokenFrom(spa, { grant_type: 'refresh_token', refresh_token: 'not-a-token' })
    expect(old.headers['access-control-allow-origin']).toBeUndefined()
    // Preflights share one read of the registered origins for a second (cors.ts), then follow.
    clock.advance(1)
    expect((await preflight(spa)).headers['access-control-allow-origin']).toBeUndefined()
    expect((await preflight(other)).headers['access-control-allow-origin']).toBe(other)
  })

  it("lists an app's live tokens and revokes them all, client_credentials tokens included", async () => {
    const { call, token, clock, introspect, console, consoleAuth, server } = await setup()
    const code = await authorizationCodeFor(server, console.client.clientId, {
      scope: 'openid kb:read',
      subject: 'user-bob',
    })
    const bob = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      consoleAuth,
    )
    const listed = (await call('GET', `${APPS}/${console.client.clientId}/tokens`)).json()
    expect(
      listed.tokens.map((t: { userId: string; tokenType: string }) => [t.userId, t.tokenType]).sort(),
    ).toEqual([
      ['user-alice', 'access_token'],
      ['user-bob', 'access_token'],
    ])
    expect(listed.tokens.find((t: { userId: string }) => t.userId === 'user-bob')).toMatchObject({
      scope: ['openid', 'kb:read'],
      issuedAt: new Date(clock.now() * 1000).toISOString(),
    })

    const service = (
      await call('POST', APPS, {
        name: 'svc',
        allowedGrantTypes: ['client_credentials'],
        allowedScopes: ['kb:read'],
      })
    ).json()
    const cc = (
      await token({ grant_type: 'client_credentials' }, basic(service.clientId, service.clientSecret))
    ).json()
    clock.advance(1)
    const revoked = await call('POST', `${APPS}/${service.clientId}/revoke-all-tokens`)
    expect(revoked.json()).toEqual({ revokedGrants: 0 })
    expect(
      await server.introspect(
        { token: cc.access_token },
        { authorization: basic(service.clientId, service.clientSecret) },
      ),
    ).toEqual({ active: false })
    clock.advance(1)
    const fresh = (
      await token({ grant_type: 'client_credentials' }, basic(service.clientId, service.clientSecret))
    ).json()
    expect(
      (
        await server.introspect(
          { token: fresh.access_token },
          { authorization: basic(service.clientId, service.clientSecret) },
        )
      ).active,
    ).toBe(true)

    expect(await introspect(bob.accessToken)).toBe(true)
    // The console's own grants go too (alice's admin token with them): ask with a token of another app.
    const all = await call('POST', `${APPS}/${console.client.clientId}/revoke-all-tokens`)
    expect(all.json()).toEqual({ revokedGrants: 2 })
    expect(await introspect(bob.accessToken)).toBe(false)
    expect((await call('GET', APPS)).statusCode).toBe(401)
  })

  it('answers every bad input with a typed 4xx error and changes nothing', async () => {
    const { call, store } = await setup()
    const before = await store.clients.list()
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', APPS, 'not json', 400, 'invalid_request'],
      ['POST', APPS, '[]', 400, 'invalid_request'],
      ['POST', APPS, { allowedScopes: ['kb:read'] }, 400, 'invalid_request'],
      ['POST', APPS, { name: 'x', allowedScopes: ['kb:read'], colour: 'blue' }, 400, 'invalid_request'],
      ['POST', APPS, { name: 'x', allowedScopes: 'kb:read' }, 400, 'invalid_request'],
      ['POST', APPS, { name: 'x', allowedScopes: ['no:such'] }, 400, 'invalid_client_metadata'],
      [
        'POST',
        APPS,
        { name: 'x', allowedScopes: ['kb:read'], logoUrl: 'javascript:alert(1)' },
        400,
        'invalid_request',
      ],
      [
        'POST',
        APPS,
        { name: 'x', allowedScopes: ['kb:read'], logoUrl: 'http://evil.example/logo.png' },
        400,
        'invalid_client_metadata',
      ],
      [
        'POST',
        APPS,
        { name: 'x', allowedScopes: ['kb:read'], redirectUris: ['https://a.example/cb#frag'] },
        400,
        'invalid_redirect_uri',
      ],
      [
        'POST',
        APPS,
        { name: 'x', allowedScopes: ['kb:read'], accessTokenLifetime: 10 },
        400,
        'invalid_request',
      ],
      [
        'POST',
        APPS,
        { name: 'x', allowedScopes: ['kb:read'], allowedGrantTypes: ['password'] },
        400,
        'invalid_client_metadata',
      ],
      [
        'POST',
        APPS,
        {
          name: 'x',
          allowedScopes: ['kb:read'],
          isConfidential: false,
          allowedGrantTypes: ['client_credentials'],
        },
        400,
        'invalid_client_metadata',
      ],
      ['PUT', `${APPS}/${before[0]?.clientId}`, {}, 400, 'invalid_request'],
      ['PUT', `${APPS}/${before[0]?.clientId}`, { name: '' }, 400, 'invalid_request'],
      ['PUT', `${APPS}/unknown`, { name: 'y' }, 404, 'invalid_request'],
      [
        'POST',
        APPS,
        { name: 'x', allowedScopes: ['kb:read'], description: 'bell\u0007' },
        400,
        'invalid_client_metadata',
      ],
      ['GET', `${APPS}/${'x'.repeat(90)}`, undefined, 404, 'invalid_request'],
      ['GET', `${APPS}/%00`, undefined, 404, 'invalid_request'],
      ['POST', `${APPS}/unknown/suspend`, undefined, 404, 'invalid_request'],
      ['DELETE', `${APPS}/unknown`, undefined, 404, 'invalid_request'],
      ['GET', `${APPS}/unknown/tokens`, undefined, 404, 'invalid_request'],
    ]
    for (const [method, url, payload, status, error] of cases) {
      const response = await call(method as 'GET', url, payload)
      expect(
        [response.statusCode, response.json().error],
        `${method} ${url} ${JSON.stringify(payload)}`,
      ).toEqual([status, error])
      expect(typeof response.json().error_description).toBe('string')
    }
    const publicApp = (
      await call('POST', APPS, {
        name: 'spa',
        isConfidential: false,
        redirectUris: [REDIRECT_URI],
        allowedScopes: ['openid'],
      })
    ).json()
    expect(publicApp.clientSecret).toBeUndefined()
    const regenerate = await call('POST', `${APPS}/${publicApp.clientId}/regenerate-secret`)
    expect([regenerate.statusCode, regenerate.json().error]).toEqual([400, 'invalid_request'])
    expect((await store.clients.list()).filter((c) => c.clientId !== publicApp.clientId)).toEqual(before)
  })
})
