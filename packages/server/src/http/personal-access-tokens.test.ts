import { randomUUID } from 'node:crypto'
import {
  createdPersonalAccessTokenCodec,
  errorResponseCodec,
  introspectionResponseCodec,
  personalAccessTokenListCodec,
} from '@pipeshub/models'
import { afterEach, describe, expect, it } from 'vitest'
import { hashOpaqueToken } from '../secrets.js'
import { createMemoryStore } from '../store/memory.js'
import { openSqliteStore } from '../store/sqlite.js'
import type { Store } from '../store/types.js'
import {
  authorizationCodeFor,
  basic,
  createUser,
  ISSUER,
  manualClock,
  REDIRECT_URI,
} from '../test-support/fixtures.js'
import { form } from '../test-support/http.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

const TOKEN = '/api/v1/oauth2/token'
const PATS = '/api/v1/personal-access-tokens'
const INTROSPECT = '/api/v1/oauth2/introspect'
const USERINFO = '/api/v1/oauth2/userinfo'
const REVOKE = '/api/v1/oauth2/revoke'
const FORM = 'application/x-www-form-urlencoded'
const RESOURCE_SERVER = '5a0c6c3e-7d3b-4c59-9f0e-2f4b6d8e1a01'
/** The host's own app: an account client, whose user tokens may manage personal access tokens. */
const WEB = '5a0c6c3e-7d3b-4c59-9f0e-2f4b6d8e1a02'

let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

const stores: Array<[string, () => Store]> = [
  ['memory', () => createMemoryStore()],
  ['SQLite', () => openSqliteStore({ path: ':memory:' })],
]

function expectOAuthError(res: { statusCode: number; json(): unknown }, error: string, status: number) {
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(errorResponseCodec.check(body)).toBe(true)
  expect(body).toMatchObject({ error })
}

describe.each(stores)('personal access tokens over HTTP (%s)', (_name, openStore) => {
  async function start(options: { maxPerUser?: number } = {}) {
    const clock = manualClock()
    app = await buildAuthorizationServerApp({
      issuer: ISSUER,
      store: openStore(),
      now: clock.now,
      introspectionClients: [RESOURCE_SERVER],
      accountClients: [WEB],
      personalAccessTokens: { maxPerUser: options.maxPerUser ?? 50 },
    })
    const server = app.authorizationServer
    await createUser(server.store)
    await createUser(server.store, 'bob')
    const web = await server.registerClient({ clientId: WEB, name: 'web', redirectUris: [REDIRECT_URI] })
    const resource = await server.registerClient({
      clientId: RESOURCE_SERVER,
      name: 'resource server',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read', 'openid'],
    })
    const inject = app.inject.bind(app)
    const userToken = async (scope: string, subject = 'user-alice') => {
      const code = await authorizationCodeFor(server, web.client.clientId, { scope, subject })
      const res = await inject({
        method: 'POST',
        url: TOKEN,
        headers: { authorization: basic(web.client.clientId, web.clientSecret ?? ''), 'content-type': FORM },
        payload: form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }),
      })
      return (res.json() as { access_token: string }).access_token
    }
    const resourceAuth = basic(RESOURCE_SERVER, resource.clientSecret ?? '')
    const webAuth = basic(web.client.clientId, web.clientSecret ?? '')
    const create = (bearer: string, body: unknown) =>
      inject({
        method: 'POST',
        url: PATS,
        headers: { authorization: `Bearer ${bearer}` },
        payload: body as object,
      })
    const introspect = (token: string, authorization = resourceAuth) =>
      inject({
        method: 'POST',
        url: INTROSPECT,
        headers: { authorization, 'content-type': FORM },
        payload: form({ token, token_type_hint: 'access_token' }),
      })
    return { app, server, clock, inject, userToken, create, introspect, resourceAuth, webAuth }
  }

  it('creates a phpat_ token shown once, stored only as its hash, listed without its value', async () => {
    const { server, inject, userToken, create } = await start()
    const bearer = await userToken('openid profile kb:read kb:write')
    const res = await create(bearer, { name: 'CI deploy', scope: 'openid kb:read', expires_in: 3600 })
    expect(res.statusCode).toBe(201)
    expect(res.headers['cache-control']).toBe('no-store')
    const created = createdPersonalAccessTokenCodec.decode(res.json())
    expect(created.token).toMatch(/^phpat_[A-Za-z0-9_-]{43}$/)
    expect(created).toMatchObject({ name: 'CI deploy', scope: 'openid kb:read' })
    expect(created.expiresAt - created.createdAt).toBe(3600)
    const stored = await server.store.personalAccessTokens.getByHash(hashOpaqueToken(created.token))
    expect(stored?.id).toBe(created.id)
    expect(JSON.stringify(stored)).not.toContain(created.token)

    const list = await inject({ method: 'GET', url: PATS, headers: { authorization: `Bearer ${bearer}` } })
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain(created.token)
    const { token: _value, ...description } = created
    expect(personalAccessTokenListCodec.decode(list.json()).personalAccessTokens).toEqual([description])
  })

  it('is introspected active by a resource server, with its scopes, user and token type', async () => {
    const { create, userToken, introspect, webAuth } = await start()
    const bearer = await userToken('openid kb:read')
    const { token, id } = createdPersonalAccessTokenCodec.decode(
      (await create(bearer, { name: 'script', scope: 'kb:read' })).json(),
    )
    const res = await introspect(token)
    expect(res.statusCode).toBe(200)
    const body = introspectionResponseCodec.decode(res.json())
    expect(body).toMatchObject({
      active: true,
      scope: 'kb:read',
      tokenType: 'personal_access_token',
      sub: 'user-alice',
      userId: 'user-alice',
      username: 'alice',
      jti: id,
      iss: ISSUER,
    })
    expect(body.clientId).toBeUndefined()
    // RFC 7662 §4: it was issued to no client, so another client learns nothing about it.
    expect((await introspect(token, webAuth)).json()).toEqual({ active: false })
  })

  it('answers userinfo when it carries openid, and insufficient_scope otherwise', async () => {
    const { create, userToken, inject } = await start()
    const bearer = await userToken('openid profile email kb:read')
    const withOpenid = createdPersonalAccessTokenCodec.decode(
      (await create(bearer, { name: 'me', scope: 'openid email' })).json(),
    )
    const res = await inject({
      method: 'GET',
      url: USERINFO,
      headers: { authorization: `Bearer ${withOpenid.token}` },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      sub: 'user-alice',
      user_id: 'user-alice',
      email: 'alice@pipeshub.test',
      email_verified: true,
    })
    const without = createdPersonalAccessTokenCodec.decode(
      (await create(bearer, { name: 'kb', scope: 'kb:read' })).json(),
    )
    const refused = await inject({
      method: 'GET',
      url: USERINFO,
      headers: { authorization: `Bearer ${without.token}` },
    })
    expectOAuthError(refused, 'insufficient_scope', 403)
  })

  it('stops being active once revoked by its owner, and only its owner can revoke it', async () => {
    const { create, userToken, inject, introspect } = await start()
    const alice = await userToken('openid kb:read')
    const bob = await userToken('openid kb:read', 'user-bob')
    const { token, id } = createdPersonalAccessTokenCodec.decode(
      (await create(alice, { name: 'script', scope: 'kb:read' })).json(),
    )
    const byBob = await inject({
      method: 'DELETE',
      url: `${PATS}/${id}`,
      headers: { authorization: `Bearer ${bob}` },
    })
    expectOAuthError(byBob, 'invalid_request', 404)
    expect((await introspect(token)).json()).toMatchObject({ active: true })
    const byAlice = await inject({
      method: 'DELETE',
      url: `${PATS}/${id}`,
      headers: { authorization: `Bearer ${alice}` },
    })
    expect(byAlice.statusCode).toBe(204)
    expect((await introspect(token)).json()).toEqual({ active: false })
    const again = await inject({
      method: 'DELETE',
      url: `${PATS}/${id}`,
      headers: { authorization: `Bearer ${alice}` },
    })
    expectOAuthError(again, 'invalid_request', 404)
    const notAnId = await inject({
      method: 'DELETE',
      url: `${PATS}/x'`,
      headers: { authorization: `Bearer ${alice}` },
    })
    expectOAuthError(notAnId, 'invalid_request', 404)
  })

  it('stops being active at its expiry', async () => {
    const { create, userToken, introspect, clock } = await start()
    const bearer = await userToken('openid kb:read')
    const { token } = createdPersonalAccessTokenCodec.decode(
      (await create(bearer, { name: 'short', scope: 'kb:read', expires_in: 60 })).json(),
    )
    clock.advance(59)
    expect((await introspect(token)).json()).toMatchObject({ active: true })
    clock.advance(1)
    expect((await introspect(token)).json()).toEqual({ active: false })
  })

  it('holds at most the configured number of live tokens per user', async () => {
    const { create, userToken } = await start({ maxPerUser: 2 })
    const bearer = await userToken('openid kb:read')
    for (const name of ['one', 'two'])
      expect((await create(bearer, { name, scope: 'kb:read' })).statusCode).toBe(201)
    expectOAuthError(await create(bearer, { name: 'three', scope: 'kb:read' }), 'invalid_request', 400)
    const bob = await userToken('openid kb:read', 'user-bob')
    expect((await create(bob, { name: 'one', scope: 'kb:read' })).statusCode).toBe(201)
  })

  it('never holds more scopes than the access token creating it, nor unknown ones or offline_access', async () => {
    const { create, userToken } = await start()
    const bearer = await userToken('openid kb:read offline_access')
    expectOAuthError(await create(bearer, { name: 'x', scope: 'kb:write' }), 'invalid_scope', 400)
    expectOAuthError(await create(bearer, { name: 'x', scope: 'kb:fly' }), 'invalid_scope', 400)
    expectOAuthError(await create(bearer, { name: 'x', scope: 'offline_access' }), 'invalid_scope', 400)
    expectOAuthError(await create(bearer, { name: 'x', scope: 'kb:read  openid' }), 'invalid_scope', 400)
  })

  it('refuses bad creation bodies with invalid_request, never a 5xx', async () => {
    const { create, userToken, inject } = await start()
    const bearer = await userToken('openid kb:read')
    for (const body of [
      {},
      { name: 'x' },
      { scope: 'kb:read' },
      { name: '', scope: 'kb:read' },
      { name: 'x', scope: 'kb:read', expires_in: 59 },
      { name: 'x', scope: 'kb:read', expires_in: 400 * 86_400 },
      { name: 'x', scope: 'kb:read', expires_in: '3600' },
      { name: 7, scope: 'kb:read' },
    ]) {
      expectOAuthError(await create(bearer, body), 'invalid_request', 400)
    }
    for (const payload of ['[1]', 'not json', '"text"']) {
      const res = await inject({
        method: 'POST',
        url: PATS,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        payload,
      })
      expectOAuthError(res, 'invalid_request', 400)
    }
    const formBody = await inject({
      method: 'POST',
      url: PATS,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': FORM },
      payload: 'name=x&scope=kb%3Aread',
    })
    expectOAuthError(formBody, 'invalid_request', 400)
    const empty = await inject({ method: 'POST', url: PATS, headers: { authorization: `Bearer ${bearer}` } })
    expectOAuthError(empty, 'invalid_request', 400)
    const put = await inject({ method: 'PUT', url: PATS, headers: { authorization: `Bearer ${bearer}` } })
    expectOAuthError(put, 'invalid_request', 405)
    expect(put.headers.allow).toBe('GET, POST')
  })

  it('is managed only with an end-user access token carrying openid', async () => {
    const { create, userToken, inject, resourceAuth } = await start()
    const none = await inject({ method: 'GET', url: PATS })
    expect(none.statusCode).toBe(401)
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/)
    expectOAuthError(
      await inject({ method: 'GET', url: PATS, headers: { authorization: 'Bearer not a token' } }),
      'invalid_token',
      401,
    )
    expectOAuthError(
      await create('eyJhbGciOiJFUzI1NiJ9.e30.c2ln', { name: 'x', scope: 'kb:read' }),
      'invalid_token',
      401,
    )
    const noOpenid = await userToken('kb:read')
    expectOAuthError(await create(noOpenid, { name: 'x', scope: 'kb:read' }), 'insufficient_scope', 403)
    // A client_credentials token names a client, not a person.
    const service = await inject({
      method: 'POST',
      url: TOKEN,
      headers: { authorization: resourceAuth, 'content-type': FORM },
      payload: form({ grant_type: 'client_credentials', scope: 'kb:read' }),
    })
    const serviceToken = (service.json() as { access_token: string }).access_token
    expectOAuthError(await create(serviceToken, { name: 'x', scope: 'kb:read' }), 'insufficient_scope', 403)
    // A personal access token cannot mint its own successors.
    const bearer = await userToken('openid kb:read')
    const { token } = createdPersonalAccessTokenCodec.decode(
      (await create(bearer, { name: 'x', scope: 'openid kb:read' })).json(),
    )
    expectOAuthError(await create(token, { name: 'y', scope: 'kb:read' }), 'insufficient_scope', 403)
  })

  it('is refused by the revocation endpoint with a clear error, and unknown ones are inactive', async () => {
    const { create, userToken, inject, introspect, webAuth } = await start()
    const bearer = await userToken('openid kb:read')
    const { token } = createdPersonalAccessTokenCodec.decode(
      (await create(bearer, { name: 'x', scope: 'kb:read' })).json(),
    )
    const res = await inject({
      method: 'POST',
      url: REVOKE,
      headers: { authorization: webAuth, 'content-type': FORM },
      payload: form({ token }),
    })
    expectOAuthError(res, 'invalid_request', 400)
    expect((await introspect(token)).json()).toMatchObject({ active: true })
    expect((await introspect(`phpat_${'x'.repeat(43)}`)).json()).toEqual({ active: false })
    expect((await introspect(`phpat_${randomUUID()}`)).json()).toEqual({ active: false })
  })
})
