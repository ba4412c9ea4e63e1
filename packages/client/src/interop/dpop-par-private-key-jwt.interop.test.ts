import { decodeJwt, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discover } from '../discovery.js'
import { DPoPKey } from '../dpop.js'
import { OAuthError, StateMismatchError } from '../errors.js'
import type { FetchLike } from '../http.js'
import { OAuthClient } from '../oauth-client.js'
import {
  ACCOUNT,
  CONFIDENTIAL_CLIENT,
  DPOP_CLIENT,
  PRIVATE_KEY_JWT_CLIENT,
  REDIRECT_URI,
  type RunningOidcProvider,
  startOidcProvider,
} from '../test-support/node-oidc-provider.js'
import { UserAgent } from '../test-support/user-agent.js'
import { createTokenManager } from '../token-manager.js'
import type { TokenResponse } from '../token-response.js'

// @pipeshub/client's DPoP (RFC 9449), private_key_jwt (RFC 7523) and PAR (RFC 9126) against
// node-oidc-provider on loopback, which requires a DPoP nonce in every proof (RFC 9449 §8), so every
// DPoP exchange below starts with its use_dpop_nonce challenge. Steps run in order and share tokens.

let op: RunningOidcProvider
/** Every request the clients sent: method, path, status, and whether it carried a DPoP proof. */
const exchanges: { method: string; path: string; status: number; proof: boolean }[] = []
const recording: FetchLike = async (input, init) => {
  const response = await fetch(input, init)
  exchanges.push({
    method: init?.method ?? 'GET',
    path: new URL(String(input)).pathname,
    status: response.status,
    proof: new Headers(init?.headers).has('dpop'),
  })
  return response
}

beforeAll(async () => {
  op = await startOidcProvider()
})

afterAll(async () => {
  await op?.close()
  expect(op?.serverErrors ?? []).toEqual([])
})

function privateKeyJwtClient(key: CryptoKey = op.privateKeyJwtKey): Promise<OAuthClient> {
  return OAuthClient.fromIssuer(op.issuer, {
    clientId: PRIVATE_KEY_JWT_CLIENT.clientId,
    privateKeyJwt: { key, keyId: PRIVATE_KEY_JWT_CLIENT.keyId },
    fetch: recording,
  })
}

function dpopClient(dpop: DPoPKey): Promise<OAuthClient> {
  return OAuthClient.fromIssuer(op.issuer, { clientId: DPOP_CLIENT.clientId, dpop, fetch: recording })
}

/** The exchanges a call made, as `METHOD /path status` (the JWKS fetches of ID token checks left out). */
async function exchangesOf(call: () => Promise<unknown>): Promise<string[]> {
  const from = exchanges.length
  await call()
  return exchanges
    .slice(from)
    .filter(({ path }) => path !== '/jwks')
    .map(({ method, path, status }) => `${method} ${path} ${status}`)
}

const CONSENTED = { login: ACCOUNT.sub, consent: 'allow' } as const

describe('DPoP, private_key_jwt and PAR against node-oidc-provider', () => {
  let parTokens: TokenResponse
  /** The DPoP key pair of the sign-in; its private key cannot be exported. */
  let pair: CryptoKeyPair
  let dpop: DPoPKey
  let bound: TokenResponse

  it('discover: dpop_signing_alg_values_supported, pushed_authorization_request_endpoint, private_key_jwt', async () => {
    const metadata = await discover(op.issuer)
    expect(metadata.dpopSigningAlgValuesSupported).toEqual(expect.arrayContaining(['ES256']))
    expect(metadata.pushedAuthorizationRequestEndpoint).toBe(`${op.issuer}/request`)
    expect(metadata.tokenEndpointAuthMethodsSupported).toEqual(expect.arrayContaining(['private_key_jwt']))
    expect(metadata.tokenEndpointAuthSigningAlgValuesSupported).toEqual(expect.arrayContaining(['ES256']))
  })

  it('private_key_jwt: clientCredentials authenticated by an ES256 assertion (iss = sub = client_id, aud the issuer)', async () => {
    const client = await privateKeyJwtClient()
    expect(client.clientAuthentication).toBe('private_key_jwt')
    const tokens = await client.clientCredentials({ scope: 'api:read' })
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'api:read' })
  })

  it('private_key_jwt: an assertion signed by another key is an OAuthError invalid_client (401)', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    const client = await privateKeyJwtClient(privateKey)
    await expect(client.clientCredentials({ scope: 'api:read' })).rejects.toMatchObject({
      constructor: OAuthError,
      error: 'invalid_client',
      status: 401,
    })
  })

  it('PAR: a client that must push (require_pushed_authorization_requests) gets no code from a plain authorization request', async () => {
    const client = await privateKeyJwtClient()
    const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'openid' })
    const trip = await new UserAgent(REDIRECT_URI).authorize(request.url, CONSENTED)
    expect(() => client.validateAuthorizationCallback(trip.callback, { state: request.state })).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    )
  })

  it('PAR: pushAuthorizationRequest (private_key_jwt) answers a request_uri; the URL carries only client_id and request_uri', async () => {
    const client = await privateKeyJwtClient()
    const request = await client.pushAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'openid' })
    expect(request.requestUri).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    expect(request.expiresIn).toBeGreaterThan(0)
    expect([...request.url.searchParams.keys()]).toEqual(['client_id', 'request_uri'])
  })

  it('PAR: the code flow through a pushed request, the code redeemed with private_key_jwt', async () => {
    const client = await privateKeyJwtClient()
    const request = await client.pushAuthorizationRequest({
      redirectUri: REDIRECT_URI,
      scope: 'openid profile offline_access',
      extraParameters: { prompt: 'consent' },
    })
    const trip = await new UserAgent(REDIRECT_URI).authorize(request.url, CONSENTED)
    expect(trip.prompts).toEqual(['login', 'consent'])
    const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    parTokens = await client.exchangeAuthorizationCode({
      code,
      redirectUri: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    })
    expect(parTokens).toMatchObject({ tokenType: 'Bearer', scope: 'openid profile offline_access' })
    expect(parTokens.idTokenClaims).toMatchObject({ sub: ACCOUNT.sub, aud: PRIVATE_KEY_JWT_CLIENT.clientId })
  })

  it('PAR: a request_uri is single-use (RFC 9126 §4): the same URL again gets no code', async () => {
    const client = await privateKeyJwtClient()
    const request = await client.pushAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'openid' })
    const agent = new UserAgent(REDIRECT_URI)
    const first = await agent.authorize(request.url, CONSENTED)
    expect(client.validateAuthorizationCallback(first.callback, { state: request.state }).code).not.toBe('')
    const again = await agent.authorize(request.url, CONSENTED)
    const callback = new URL(again.callback)
    expect(callback.searchParams.get('error')).toBe('invalid_request_uri')
    expect(callback.searchParams.has('code')).toBe(false)
    // The pushed state is gone with the request, so the client cannot trust this callback either.
    expect(() => client.validateAuthorizationCallback(again.callback, { state: request.state })).toThrow(
      StateMismatchError,
    )
  })

  it('private_key_jwt: refresh of the PAR sign-in, each request with a new assertion (jti single use)', async () => {
    const client = await privateKeyJwtClient()
    const refreshed = await client.refresh({ refreshToken: parTokens.refreshToken as string })
    expect(refreshed.refreshToken).not.toBe(parTokens.refreshToken)
  })

  it('DPoP: PAR with a proof binds the code; the exchange answers token_type DPoP after the use_dpop_nonce retry', async () => {
    pair = await generateKeyPair('ES256', { extractable: false })
    dpop = await DPoPKey.fromKeyPair(pair)
    const client = await dpopClient(dpop)
    const request = await client.pushAuthorizationRequest({
      redirectUri: REDIRECT_URI,
      scope: 'openid profile offline_access',
      extraParameters: { prompt: 'consent' },
    })
    const trip = await new UserAgent(REDIRECT_URI).authorize(request.url, CONSENTED)
    const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    const flow = await exchangesOf(async () => {
      bound = await client.exchangeAuthorizationCode({
        code,
        redirectUri: REDIRECT_URI,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      })
    })
    // The nonce from the PAR response was kept (RFC 9449 §8.2): still fresh, no challenge this time.
    expect(flow).toEqual(['POST /token 200'])
    expect(bound).toMatchObject({ tokenType: 'DPoP', scope: 'openid profile offline_access' })
    expect(bound.refreshToken).toBeDefined()
  })

  it('DPoP: the first proof to a server meets use_dpop_nonce, and the retry with the nonce succeeds (RFC 9449 §8)', async () => {
    const fresh = await DPoPKey.generate()
    const client = await dpopClient(fresh)
    const flow = await exchangesOf(() =>
      client.pushAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'openid' }),
    )
    expect(flow).toEqual(['POST /request 400', 'POST /request 201'])
  })

  it('DPoP: introspection reports the binding, cnf.jkt the thumbprint of the client key (RFC 9449 §6.2)', async () => {
    const resourceServer = await OAuthClient.fromIssuer(op.issuer, CONFIDENTIAL_CLIENT)
    const state = await resourceServer.introspect({ token: bound.accessToken })
    expect(state).toMatchObject({ active: true, tokenType: 'DPoP', cnf: { jkt: dpop.thumbprint } })
  })

  it("DPoP: userinfo with the bound token, a proof with ath, after the resource server's nonce challenge (RFC 9449 §§7, 9)", async () => {
    // The same key pair, with no nonce from this server yet: the resource server asks for one.
    const client = await dpopClient(await DPoPKey.fromKeyPair(pair))
    const flow = await exchangesOf(async () => {
      await expect(client.userinfo(bound, { expectedSubject: ACCOUNT.sub })).resolves.toMatchObject({
        sub: ACCOUNT.sub,
        name: ACCOUNT.name,
      })
    })
    expect(flow).toEqual(['GET /me 401', 'GET /me 200'])
  })

  it('DPoP: the bound access token presented as a Bearer token is refused (invalid_token)', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, { clientId: DPOP_CLIENT.clientId })
    await expect(
      client.userinfo({ accessToken: bound.accessToken, tokenType: 'Bearer' }),
    ).rejects.toMatchObject({
      constructor: OAuthError,
      status: 401,
    })
  })

  it("DPoP: the public client's refresh token is bound to the key: another key is refused, the same key refreshes", async () => {
    const thief = await dpopClient(await DPoPKey.generate())
    await expect(thief.refresh({ refreshToken: bound.refreshToken as string })).rejects.toMatchObject({
      constructor: OAuthError,
      error: 'invalid_grant',
    })
    const client = await dpopClient(dpop)
    const refreshed = await client.refresh({
      refreshToken: bound.refreshToken as string,
      originalIdTokenClaims: bound.idTokenClaims,
    })
    expect(refreshed.tokenType).toBe('DPoP')
    expect(decodeJwt(refreshed.idToken as string).sub).toBe(ACCOUNT.sub)
    bound = refreshed
  })

  it('DPoP: a code bound by dpop_jkt on a plain authorization request is redeemed only with that key (RFC 9449 §10)', async () => {
    const key = await DPoPKey.generate()
    const client = await dpopClient(key)
    const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'openid' })
    expect(request.url.searchParams.get('dpop_jkt')).toBe(key.thumbprint)
    const trip = await new UserAgent(REDIRECT_URI).authorize(request.url, CONSENTED)
    const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    const other = await dpopClient(await DPoPKey.generate())
    const exchange = { code, redirectUri: REDIRECT_URI, codeVerifier: request.codeVerifier }
    await expect(other.exchangeAuthorizationCode(exchange)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('DPoP: the token manager refreshes bound tokens with the key and presents them with proofs', async () => {
    const client = await dpopClient(dpop)
    const clock = { now: Date.now() }
    const manager = createTokenManager({
      client,
      grant: { refreshToken: bound.refreshToken as string, originalIdTokenClaims: bound.idTokenClaims },
      now: () => clock.now,
    })
    const flow = await exchangesOf(async () => {
      const response = await manager.fetchProtectedResource(`${op.issuer}/me`)
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ sub: ACCOUNT.sub })
    })
    expect(flow).toEqual(['POST /token 200', 'GET /me 200'])
    expect(exchanges.at(-1)?.proof).toBe(true)
  })
})
