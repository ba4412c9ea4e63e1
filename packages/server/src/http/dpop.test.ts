import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorResponseCodec } from '@pipeshub/models'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import { decodeJwt } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuthorizationServerOptions } from '../authorization-server.js'
import { createMemoryStore } from '../store/memory.js'
import { openPostgresStore } from '../store/postgres.js'
import { openSqliteStore } from '../store/sqlite.js'
import type { Store } from '../store/types.js'
import { dpopKey, type TestDPoPKey } from '../test-support/dpop.js'
import { basic, createUser, ISSUER, pkcePair, REDIRECT_URI } from '../test-support/fixtures.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

const TOKEN = '/api/v1/oauth2/token'
const USERINFO = '/api/v1/oauth2/userinfo'
const INTROSPECT = '/api/v1/oauth2/introspect'
const TOKEN_URL = `${ISSUER}${TOKEN}`
const USERINFO_URL = `${ISSUER}${USERINFO}`
const FORM = 'application/x-www-form-urlencoded'

interface OpenedStore {
  store: Store
  dispose(): Promise<void>
}

const stores: Array<[string, () => Promise<OpenedStore>]> = [
  ['memory', async () => ({ store: createMemoryStore(), dispose: async () => {} })],
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pipeshub-dpop-'))
      const store = openSqliteStore({ path: join(dir, 'oauth.db') })
      return {
        store,
        async dispose() {
          await store.close()
          rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  ],
]
if (await postgresAvailable('the DPoP HTTP tests on PostgreSQL')) {
  stores.push([
    'PostgreSQL',
    async () => {
      const schema = uniqueSchema()
      const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema })
      return {
        store,
        async dispose() {
          await store.close()
          await dropSchema(schema)
        },
      }
    },
  ])
}

let app: AuthorizationServerApp | undefined
let opened: OpenedStore | undefined
afterEach(async () => {
  await app?.close()
  await opened?.dispose()
  app = undefined
  opened = undefined
})

function expectOAuthError(res: { statusCode: number; json(): unknown }, error: string, status = 400) {
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(errorResponseCodec.check(body)).toBe(true)
  expect(body).toMatchObject({ error })
  expect(Object.keys(body as object).sort()).toEqual(['error', 'error_description'])
}

const form = (params: Record<string, string>) => new URLSearchParams(params).toString()
const SPA = '0d9e3b52-6f0a-4c1e-9b7d-5a2c8e4f6b13'

describe.each(stores)('DPoP over HTTP on %s (RFC 9449)', (_name, open) => {
  async function start(options: Partial<AuthorizationServerOptions> = {}) {
    opened = await open()
    // The public client stands for the host's frontend: its user tokens may manage the account.
    app = await buildAuthorizationServerApp({
      issuer: ISSUER,
      store: opened.store,
      accountClients: [SPA],
      ...options,
    })
    const server = app.authorizationServer
    await createUser(server.store)
    const service = await server.registerClient({
      name: 'service',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    const strict = await server.registerClient({
      name: 'strict',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
      dpopBoundAccessTokens: true,
    })
    const spa = await server.registerClient({
      clientId: SPA,
      name: 'spa',
      public: true,
      redirectUris: [REDIRECT_URI],
    })
    const inject = app.inject.bind(app)
    const token = (params: Record<string, string>, headers: Record<string, string | string[]> = {}) =>
      inject({
        method: 'POST',
        url: TOKEN,
        headers: { 'content-type': FORM, ...headers },
        payload: form(params),
      })
    const clientCredentials = (client: { id: string; secret: string }, headers = {}) =>
      token(
        { grant_type: 'client_credentials' },
        { authorization: basic(client.id, client.secret), ...headers },
      )
    return {
      server,
      inject,
      token,
      clientCredentials,
      service: { id: service.client.clientId, secret: service.clientSecret ?? '' },
      strict: { id: strict.client.clientId, secret: strict.clientSecret ?? '' },
      spa: spa.client.clientId,
    }
  }

  /** The code flow of the public client up to its code, with `dpop_jkt` when given. */
  async function codeFor(
    server: AuthorizationServerApp['authorizationServer'],
    clientId: string,
    pkce: { challenge: string },
    dpopJkt?: string,
  ) {
    const request = await server.validateAuthorizationRequest({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile offline_access',
      state: 's',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...(dpopJkt === undefined ? {} : { dpop_jkt: dpopJkt }),
    })
    const location = await server.issueAuthorizationCode({
      request,
      subject: 'user-alice',
      authTime: server.now() - 1,
    })
    return new URL(location).searchParams.get('code') ?? ''
  }

  /** The public client's access token from a code flow, its token request carrying `headers`. */
  async function accessTokenFor(started: Awaited<ReturnType<typeof start>>, headers = {}) {
    const pkce = pkcePair()
    const code = await codeFor(started.server, started.spa, pkce)
    const res = await started.token(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: started.spa,
        code_verifier: pkce.verifier,
      },
      headers,
    )
    return (res.json() as { access_token: string }).access_token
  }

  /** GET userinfo with `Authorization: DPoP` and a proof of `key` for it. */
  async function userinfoWithProof(
    started: Awaited<ReturnType<typeof start>>,
    accessToken: string,
    key: TestDPoPKey,
    proof: Partial<Parameters<TestDPoPKey['proof']>[0]> = {},
  ) {
    return started.inject({
      method: 'GET',
      url: USERINFO,
      headers: {
        authorization: `DPoP ${accessToken}`,
        dpop: await key.proof({ htm: 'GET', htu: USERINFO_URL, accessToken, ...proof }),
      },
    })
  }

  it('binds a client_credentials token to the proof key: token_type DPoP, cnf.jkt, introspected with cnf', async () => {
    const { clientCredentials, service, inject } = await start()
    const key = await dpopKey()
    const res = await clientCredentials(service, { dpop: await key.proof({ htu: TOKEN_URL }) })
    expect(res.statusCode).toBe(200)
    const body = res.json() as { access_token: string; token_type: string }
    expect(body.token_type).toBe('DPoP')
    expect(decodeJwt(body.access_token).cnf).toEqual({ jkt: key.jkt })
    const introspected = await inject({
      method: 'POST',
      url: INTROSPECT,
      headers: { 'content-type': FORM, authorization: basic(service.id, service.secret) },
      payload: form({ token: body.access_token }),
    })
    expect(introspected.json()).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } })
    // Without a proof the same client still gets a Bearer token.
    const bearer = await clientCredentials(service)
    expect(bearer.json()).toMatchObject({ token_type: 'Bearer' })
    expect(decodeJwt((bearer.json() as { access_token: string }).access_token).cnf).toBeUndefined()
  })

  it('answers a bad, repeated or replayed proof with 400 invalid_dpop_proof and a §5.2 body', async () => {
    const { clientCredentials, service } = await start()
    const key = await dpopKey()
    const wrongUri = await key.proof({ htu: `${ISSUER}/elsewhere` })
    expectOAuthError(await clientCredentials(service, { dpop: wrongUri }), 'invalid_dpop_proof')
    expectOAuthError(await clientCredentials(service, { dpop: 'garbage' }), 'invalid_dpop_proof')
    const proof = await key.proof({ htu: TOKEN_URL })
    const twice = await clientCredentials(service, { dpop: [proof, await key.proof({ htu: TOKEN_URL })] })
    expectOAuthError(twice, 'invalid_dpop_proof')
    expect((await clientCredentials(service, { dpop: proof })).statusCode).toBe(200)
    const replayed = await clientCredentials(service, { dpop: proof })
    expectOAuthError(replayed, 'invalid_dpop_proof')
    expect(replayed.headers['cache-control']).toBe('no-store')
  })

  it('refuses a token request without a proof from a client registered with dpop_bound_access_tokens', async () => {
    const { clientCredentials, strict } = await start()
    expectOAuthError(await clientCredentials(strict), 'invalid_dpop_proof')
    const key = await dpopKey()
    const res = await clientCredentials(strict, { dpop: await key.proof({ htu: TOKEN_URL }) })
    expect(res.json()).toMatchObject({ token_type: 'DPoP' })
  })

  it('binds a code to dpop_jkt (§10) and a public client’s refresh token to its key (§5)', async () => {
    const { server, token, spa } = await start()
    const key = await dpopKey()
    const other = await dpopKey()
    const pkce = pkcePair()
    const redeem = (code: string, headers: Record<string, string> = {}) =>
      token(
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          client_id: spa,
          code_verifier: pkce.verifier,
        },
        headers,
      )
    const code = await codeFor(server, spa, pkce, key.jkt)
    expectOAuthError(await redeem(code), 'invalid_grant')
    const code2 = await codeFor(server, spa, pkce, key.jkt)
    expectOAuthError(await redeem(code2, { dpop: await other.proof({ htu: TOKEN_URL }) }), 'invalid_grant')
    const code3 = await codeFor(server, spa, pkce, key.jkt)
    const res = await redeem(code3, { dpop: await key.proof({ htu: TOKEN_URL }) })
    expect(res.statusCode).toBe(200)
    const issued = res.json() as { token_type: string; access_token: string; refresh_token: string }
    expect(issued.token_type).toBe('DPoP')
    expect(decodeJwt(issued.access_token).cnf).toEqual({ jkt: key.jkt })

    const refresh = (refreshToken: string, headers: Record<string, string> = {}) =>
      token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: spa }, headers)
    expectOAuthError(await refresh(issued.refresh_token), 'invalid_grant')
    expectOAuthError(
      await refresh(issued.refresh_token, { dpop: await other.proof({ htu: TOKEN_URL }) }),
      'invalid_grant',
    )
    const refreshed = await refresh(issued.refresh_token, { dpop: await key.proof({ htu: TOKEN_URL }) })
    expect(refreshed.statusCode).toBe(200)
    const next = refreshed.json() as { token_type: string; access_token: string; refresh_token: string }
    expect(next.token_type).toBe('DPoP')
    expect(decodeJwt(next.access_token).cnf).toEqual({ jkt: key.jkt })
    // The rotated refresh token stays bound to the key.
    expectOAuthError(await refresh(next.refresh_token), 'invalid_grant')
  })

  it('refuses a malformed dpop_jkt in the authorization request', async () => {
    const { server, spa } = await start()
    await expect(codeFor(server, spa, pkcePair(), 'not-a-thumbprint')).rejects.toMatchObject({
      error: 'invalid_request',
    })
  })

  it('serves userinfo to a DPoP-bound token with a proof carrying ath, and refuses it as Bearer (§7)', async () => {
    const started = await start()
    const { inject } = started
    const key = await dpopKey()
    const accessToken = await accessTokenFor(started, { dpop: await key.proof({ htu: TOKEN_URL }) })
    const userinfo = (headers: Record<string, string>) => inject({ method: 'GET', url: USERINFO, headers })
    const proof = (input: Partial<Parameters<TestDPoPKey['proof']>[0]> = {}) =>
      key.proof({ htm: 'GET', htu: USERINFO_URL, accessToken, ...input })

    const ok = await userinfo({ authorization: `DPoP ${accessToken}`, dpop: await proof() })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ sub: 'user-alice' })

    const asBearer = await userinfo({ authorization: `Bearer ${accessToken}` })
    expect(asBearer.statusCode).toBe(401)
    expect(asBearer.headers['www-authenticate']).toMatch(/^DPoP realm="pipeshub", error="invalid_token"/)

    const noProof = await userinfo({ authorization: `DPoP ${accessToken}` })
    expect(noProof.statusCode).toBe(401)
    expect(noProof.json()).toMatchObject({ error: 'invalid_dpop_proof' })
    expect(noProof.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof".*algs="ES256 /)

    const wrongAth = await userinfo({
      authorization: `DPoP ${accessToken}`,
      dpop: await proof({ accessToken: 'x' }),
    })
    expect(wrongAth.statusCode).toBe(401)
    expect(wrongAth.headers['www-authenticate']).toMatch(/error="invalid_dpop_proof"/)

    const otherKey = await dpopKey()
    const stolen = await userinfo({
      authorization: `DPoP ${accessToken}`,
      dpop: await otherKey.proof({ htm: 'GET', htu: USERINFO_URL, accessToken }),
    })
    expect(stolen.statusCode).toBe(401)
    expect(stolen.json()).toMatchObject({ error: 'invalid_dpop_proof' })

    const anonymous = await userinfo({})
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.headers['www-authenticate']).toMatch(
      /^Bearer realm="pipeshub", DPoP realm="pipeshub", algs="/,
    )
  })

  it("serves the personal-access-token API to a DPoP-bound token with a proof of each operation's URL (§7)", async () => {
    const started = await start()
    const { inject } = started
    const key = await dpopKey()
    const accessToken = await accessTokenFor(started, { dpop: await key.proof({ htu: TOKEN_URL }) })
    const pats = '/api/v1/personal-access-tokens'
    const call = async (
      method: 'GET' | 'POST' | 'DELETE',
      path: string,
      htu = `${ISSUER}${path}`,
      payload?: object,
    ) =>
      inject({
        method,
        url: path,
        headers: {
          authorization: `DPoP ${accessToken}`,
          dpop: await key.proof({ htm: method, htu, accessToken }),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      })
    const created = await call('POST', pats, undefined, { name: 'ci', scope: 'openid' })
    expect(created.statusCode).toBe(201)
    const { id } = created.json() as { id: string }
    const listed = await call('GET', pats)
    expect(listed.statusCode).toBe(200)
    expect((listed.json() as { personal_access_tokens: unknown[] }).personal_access_tokens).toHaveLength(1)

    const asBearer = await inject({
      method: 'GET',
      url: pats,
      headers: { authorization: `Bearer ${accessToken}` },
    })
    expectOAuthError(asBearer, 'invalid_token', 401)
    expect(asBearer.headers['www-authenticate']).toMatch(/^DPoP error="invalid_token"/)
    // The proof of the collection does not revoke one of its tokens.
    expectOAuthError(await call('DELETE', `${pats}/${id}`, `${ISSUER}${pats}`), 'invalid_dpop_proof', 401)
    expect((await call('DELETE', `${pats}/${id}`)).statusCode).toBe(204)
    // The apps the user allowed: the same rule.
    const consents = '/api/v1/oauth2/consents'
    expect((await call('GET', consents)).statusCode).toBe(200)
    expectOAuthError(
      await inject({ method: 'GET', url: consents, headers: { authorization: `Bearer ${accessToken}` } }),
      'invalid_token',
      401,
    )
  })

  it('refuses a DPoP-bound token of a client that is no account client at the account APIs, with a DPoP insufficient_scope challenge', async () => {
    const started = await start({ accountClients: [] })
    const key = await dpopKey()
    const accessToken = await accessTokenFor(started, { dpop: await key.proof({ htu: TOKEN_URL }) })
    for (const path of ['/api/v1/personal-access-tokens', '/api/v1/oauth2/consents']) {
      const refused = await started.inject({
        method: 'GET',
        url: path,
        headers: {
          authorization: `DPoP ${accessToken}`,
          dpop: await key.proof({ htm: 'GET', htu: `${ISSUER}${path}`, accessToken }),
        },
      })
      expectOAuthError(refused, 'insufficient_scope', 403)
      expect(refused.headers['www-authenticate']).toMatch(/^DPoP error="insufficient_scope"/)
    }
  })

  it('refuses a Bearer token presented with the DPoP scheme', async () => {
    const started = await start()
    const accessToken = await accessTokenFor(started)
    const answer = await userinfoWithProof(started, accessToken, await dpopKey())
    expect(answer.statusCode).toBe(401)
    expect(answer.json()).toMatchObject({ error: 'invalid_token' })
  })

  it('with dpop.requireNonce, asks for the nonce (use_dpop_nonce, DPoP-Nonce) at the token and userinfo endpoints', async () => {
    // The clock stands still so that the nonce cannot move to the next period between two requests.
    const frozen = Math.floor(Date.now() / 1000)
    const started = await start({ dpop: { requireNonce: true }, now: () => frozen })
    const { clientCredentials, service } = started
    const key = await dpopKey()
    const first = await clientCredentials(service, { dpop: await key.proof({ htu: TOKEN_URL }) })
    expectOAuthError(first, 'use_dpop_nonce')
    const nonce = String(first.headers['dpop-nonce'])
    expect(nonce).toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/)
    const retried = await clientCredentials(service, { dpop: await key.proof({ htu: TOKEN_URL, nonce }) })
    expect(retried.statusCode).toBe(200)
    expect(retried.headers['dpop-nonce']).toBe(nonce)

    const accessToken = await accessTokenFor(started, { dpop: await key.proof({ htu: TOKEN_URL, nonce }) })
    const withoutNonce = await userinfoWithProof(started, accessToken, key)
    expect(withoutNonce.statusCode).toBe(401)
    expect(withoutNonce.headers['www-authenticate']).toMatch(/^DPoP realm="pipeshub", error="use_dpop_nonce"/)
    expect(withoutNonce.headers['dpop-nonce']).toBe(nonce)
    const withNonce = await userinfoWithProof(started, accessToken, key, { nonce })
    expect(withNonce.statusCode).toBe(200)
  })

  it('publishes dpop_signing_alg_values_supported in discovery', async () => {
    const { inject } = await start()
    const metadata = (
      await inject({ method: 'GET', url: '/.well-known/openid-configuration' })
    ).json() as Record<string, unknown>
    expect(metadata.dpop_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['ES256', 'EdDSA', 'RS256', 'PS256']),
    )
    expect(metadata.dpop_signing_alg_values_supported).not.toContain('none')
  })
})
