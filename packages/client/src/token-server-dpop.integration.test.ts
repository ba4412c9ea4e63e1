import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import { createTokenServer, type TokenServer, testConfig } from '@pipeshub/token-server'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discover } from './discovery.js'
import { DPoPKey } from './dpop.js'
import type { FetchLike } from './http.js'
import { OAuthClient } from './oauth-client.js'
import type { TokenResponse } from './token-response.js'

// @pipeshub/client with a DPoP key against the real token server (SQLite store) that requires server
// nonces: the code flow, the refresh and userinfo, each with the use_dpop_nonce retry where one is due.
const ISSUER = 'http://token-server.dpop.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const SUBJECT = 'user-dpop'

let folder: string
let tokenServer: TokenServer
let base: string
let clientId: string
const exchanges: string[] = []
/** The issuer's origin mapped to the loopback server, so that `htu` is the issuer's URL, as in production. */
const mapped: FetchLike = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  const response = await fetch(`${base}${url.pathname}${url.search}`, init)
  exchanges.push(`${init?.method ?? 'GET'} ${url.pathname} ${response.status}`)
  return response
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'pipeshub-client-dpop-'))
  const store = openSqliteStore({ path: join(folder, 'token-server.db') })
  tokenServer = await createTokenServer({
    config: testConfig({ dpopRequireNonce: true }),
    store,
    issuer: ISSUER,
  })
  base = (await tokenServer.app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/+$/, '')
  await store.users.create({
    subject: SUBJECT,
    username: 'dpop-user',
    passwordHash: null,
    name: 'DPoP User',
    email: null,
    emailVerified: false,
    createdAt: 1_700_000_000,
  })
  const registered = await tokenServer.authorizationServer.registerClient({
    name: 'DPoP single-page app',
    public: true,
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile', 'offline_access'],
  })
  clientId = registered.client.clientId
})
afterAll(async () => {
  await tokenServer?.close()
  rmSync(folder, { recursive: true, force: true })
})

/** What a call exchanged, as `METHOD /path status`. */
async function exchangesOf(call: () => Promise<unknown>): Promise<string[]> {
  const from = exchanges.length
  await call()
  return exchanges.slice(from)
}

describe('@pipeshub/client DPoP against the token server with server nonces (RFC 9449)', () => {
  let key: DPoPKey
  let client: OAuthClient
  let bound: TokenResponse

  it('code flow: dpop_jkt binds the code; the exchange meets use_dpop_nonce, retries, and gets a DPoP token', async () => {
    // The key's algorithm is the one the server's discovery accepts (RFC 9449 §5.1).
    key = await DPoPKey.generateFor(await discover(ISSUER, { fetch: mapped }))
    expect(key.algorithm).toBe('ES256')
    client = await OAuthClient.fromIssuer(ISSUER, { clientId, dpop: key, fetch: mapped })
    const request = await client.createAuthorizationRequest({
      redirectUri: REDIRECT_URI,
      scope: 'openid profile offline_access',
    })
    expect(request.url.searchParams.get('dpop_jkt')).toBe(key.thumbprint)
    // The end-user's sign-in and consent are the host's pages; the server's own API approves here.
    const server = tokenServer.authorizationServer
    const approved = await server.validateAuthorizationRequest(Object.fromEntries(request.url.searchParams))
    const location = await server.issueAuthorizationCode({
      request: approved,
      subject: SUBJECT,
      authTime: server.now() - 1,
    })
    const { code } = client.validateAuthorizationCallback(new URL(location), { state: request.state })
    const flow = await exchangesOf(async () => {
      bound = await client.exchangeAuthorizationCode({
        code,
        redirectUri: REDIRECT_URI,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      })
    })
    expect(flow.filter((line) => line.startsWith('POST'))).toEqual([
      'POST /api/v1/oauth2/token 400',
      'POST /api/v1/oauth2/token 200',
    ])
    expect(bound.tokenType).toBe('DPoP')
    expect(decodeJwt(bound.accessToken).cnf).toEqual({ jkt: key.thumbprint })
    expect(bound.refreshToken).toBeDefined()
  })

  it('refresh: the bound refresh token works with the key (the nonce kept), another key is refused', async () => {
    const thief = await OAuthClient.fromIssuer(ISSUER, {
      clientId,
      dpop: await DPoPKey.generate(),
      fetch: mapped,
    })
    await expect(thief.refresh({ refreshToken: bound.refreshToken as string })).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    const flow = await exchangesOf(async () => {
      bound = await client.refresh({
        refreshToken: bound.refreshToken as string,
        originalIdTokenClaims: bound.idTokenClaims,
      })
    })
    expect(flow).toEqual(['POST /api/v1/oauth2/token 200'])
    expect(bound.tokenType).toBe('DPoP')
  })

  it('userinfo: the bound token with a proof carrying ath; as a Bearer token it is refused', async () => {
    await expect(client.userinfo(bound, { expectedSubject: SUBJECT })).resolves.toMatchObject({
      sub: SUBJECT,
      name: 'DPoP User',
    })
    const plain = await OAuthClient.fromIssuer(ISSUER, { clientId, fetch: mapped })
    await expect(
      plain.userinfo({ accessToken: bound.accessToken, tokenType: 'Bearer' }),
    ).rejects.toMatchObject({ status: 401 })
  })
})
