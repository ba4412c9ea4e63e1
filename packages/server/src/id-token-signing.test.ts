import { createHash } from 'node:crypto'
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { OAuthError } from './errors.js'
import type { SigningAlgorithm } from './store/types.js'
import {
  authorizationCodeFor,
  basic,
  createUser,
  ISSUER,
  REDIRECT_URI,
  rejectionOf,
  testServer,
} from './test-support/fixtures.js'

async function setUp(signingAlgorithm: SigningAlgorithm = 'ES256') {
  const { clock, store, server } = testServer(undefined, undefined, {
    signingAlgorithm,
    keyPublicationDelay: 600,
  })
  await createUser(store)
  const tokensFor = async (idTokenSignedResponseAlg?: SigningAlgorithm) => {
    const { client, clientSecret } = await server.registerClient({
      name: 'web app',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'offline_access', 'kb:read'],
      ...(idTokenSignedResponseAlg === undefined ? {} : { idTokenSignedResponseAlg }),
    })
    const code = await authorizationCodeFor(server, client.clientId, {
      scope: 'openid offline_access kb:read',
    })
    return server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { authorization: basic(client.clientId, clientSecret ?? '') },
    )
  }
  return { clock, store, server, tokensFor }
}

describe('ID-token signing (OIDC Discovery section 3, OIDC Dynamic Client Registration section 2)', () => {
  it('lists RS256 in id_token_signing_alg_values_supported whatever the server algorithm', async () => {
    for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
      const { server } = await setUp(alg)
      const supported = server.metadata().id_token_signing_alg_values_supported as string[]
      expect(supported).toContain('RS256')
      expect(supported).toContain(alg)
    }
  })

  it('signs ID tokens RS256 by default (Dynamic Client Registration section 2) while access tokens keep the server algorithm', async () => {
    const { server, tokensFor } = await setUp('ES256')
    const tokens = await tokensFor()
    expect(decodeProtectedHeader(tokens.accessToken).alg).toBe('ES256')
    expect(decodeProtectedHeader(tokens.idToken ?? '').alg).toBe('RS256')
    const jwks = createLocalJWKSet(await server.jwks())
    const { payload } = await jwtVerify(tokens.idToken ?? '', jwks, { issuer: ISSUER, algorithms: ['RS256'] })
    // OIDC Core section 3.1.3.6: at_hash uses the hash of the ID token's own algorithm (SHA-256).
    const digest = createHash('sha256').update(tokens.accessToken).digest()
    expect(payload.at_hash).toBe(digest.subarray(0, 16).toString('base64url'))
  })

  it('signs ID tokens with the id_token_signed_response_alg the client registered', async () => {
    const { tokensFor, server } = await setUp('RS256')
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const tokens = await tokensFor(alg)
      expect(decodeProtectedHeader(tokens.idToken ?? '').alg).toBe(alg)
      expect(decodeProtectedHeader(tokens.accessToken).alg).toBe('RS256')
      const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
        .update(tokens.accessToken)
        .digest()
      expect(decodeJwt(tokens.idToken ?? '').at_hash).toBe(
        digest.subarray(0, digest.length / 2).toString('base64url'),
      )
      await expect(
        jwtVerify(tokens.idToken ?? '', createLocalJWKSet(await server.jwks()), { algorithms: [alg] }),
      ).resolves.toBeDefined()
    }
  })

  it('refuses an id_token_signed_response_alg it cannot sign with, as invalid_client_metadata', async () => {
    const { server } = await setUp()
    const error = await rejectionOf(
      server.registerClient({
        name: 'x',
        redirectUris: [REDIRECT_URI],
        idTokenSignedResponseAlg: 'HS256' as SigningAlgorithm,
      }),
      OAuthError,
    )
    expect(error.error).toBe('invalid_client_metadata')
  })

  it('publishes one key per algorithm in use in JWKS, before the first ID token', async () => {
    const { server, store } = await setUp('EdDSA')
    expect((await server.jwks()).keys.map((key) => key.alg).sort()).toEqual(['EdDSA', 'RS256'])
    // A client registering ES256 ID tokens gets its key published at registration.
    await server.registerClient({
      name: 'es',
      redirectUris: [REDIRECT_URI],
      idTokenSignedResponseAlg: 'ES256',
    })
    expect((await store.signingKeys.list()).map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256'])
  })

  it('rotates each algorithm in use on its own schedule, keeping the old keys published', async () => {
    const { server, clock, tokensFor } = await setUp('ES256')
    const before = await tokensFor()
    const oldIdKid = decodeProtectedHeader(before.idToken ?? '').kid
    const rotated = await server.rotateSigningKeys()
    expect(rotated.map((key) => key.alg)).toEqual(['ES256', 'RS256'])
    const published = (await server.jwks()).keys.map((key) => key.kid)
    for (const key of rotated) expect(published).toContain(key.kid)
    expect(published).toContain(oldIdKid)
    clock.advance(600)
    const after = await tokensFor()
    expect(decodeProtectedHeader(after.idToken ?? '').kid).toBe(rotated[1]?.kid)
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(rotated[0]?.kid)
  })

  it('never accepts a key of the ID-token algorithm for an access token', async () => {
    const { server, tokensFor } = await setUp('ES256')
    const tokens = await tokensFor()
    // An RS256 "access token" signed by the (published) ID-token key: same kid, wrong purpose.
    const idKey = await server.signingKeys.signingKey('RS256')
    const claims = decodeJwt(tokens.accessToken)
    const forged = idKey.signer.sign('at+jwt', claims)
    await expect(server.verifyAccessToken(forged)).rejects.toMatchObject({ error: 'invalid_token' })
    await expect(server.verifyAccessToken(tokens.accessToken)).resolves.toBeDefined()
  })
})
