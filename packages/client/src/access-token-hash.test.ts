import { createHash } from 'node:crypto'
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { accessTokenHash, accessTokenHashAlgorithm, checkAccessTokenHash } from './access-token-hash.js'
import { IdTokenValidationError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { cannedFetch, json } from './test-support/canned-fetch.js'

const issuer = 'https://as.example'
const metadata = { issuer, tokenEndpoint: `${issuer}/token`, jwksUri: `${issuer}/.well-known/jwks.json` }
const nowMs = Date.parse('2026-11-27T12:00:00Z')
const nowSeconds = nowMs / 1000
const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.access-token-issued-with-the-id-token.sig'

/** The reference: node:crypto, independent of the WebCrypto code under test. */
function expectedHash(accessToken: string, hash: 'sha256' | 'sha384' | 'sha512'): string {
  const digest = createHash(hash).update(accessToken, 'ascii').digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}

type Signer = { alg: string; privateKey: CryptoKey; jwk: JWK }
const signers: Record<string, Signer> = {}

beforeAll(async () => {
  for (const [alg, kid] of [
    ['ES256', 'es256'],
    ['ES384', 'es384'],
    ['EdDSA', 'ed25519'],
  ] as const) {
    const pair = await generateKeyPair(alg, { extractable: true })
    signers[alg] = {
      alg,
      privateKey: pair.privateKey,
      jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' },
    }
  }
})

function signer(alg: string): Signer {
  const found = signers[alg]
  if (found === undefined) throw new Error(`no ${alg} key`)
  return found
}

function idToken(alg: string, claims: JWTPayload = {}): Promise<string> {
  const { privateKey, jwk } = signer(alg)
  return new SignJWT({
    iss: issuer,
    sub: 'user-1',
    aud: 'app',
    iat: nowSeconds,
    exp: nowSeconds + 300,
    ...claims,
  })
    .setProtectedHeader({ alg, kid: jwk.kid as string })
    .sign(privateKey)
}

/** A client whose token endpoint answers `ACCESS_TOKEN` with the given ID token. */
function clientAnswering(id_token: string) {
  const canned = cannedFetch((request) =>
    request.url === metadata.jwksUri
      ? json(200, { keys: Object.values(signers).map((s) => s.jwk) })(request)
      : json(200, { access_token: ACCESS_TOKEN, token_type: 'Bearer', id_token })(request),
  )
  return new OAuthClient({
    metadata,
    clientId: 'app',
    idTokenSigningAlgorithms: ['ES256', 'ES384', 'EdDSA'],
    fetch: canned.fetch,
    now: () => nowMs,
    retry: false,
  })
}

const codeExchange = { code: 'c', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43) }

async function atHashRejection(promise: Promise<unknown>): Promise<IdTokenValidationError> {
  const error = await promise.then(
    () => expect.unreachable('the ID token was accepted'),
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(IdTokenValidationError)
  expect((error as IdTokenValidationError).claim).toBe('at_hash')
  return error as IdTokenValidationError
}

describe('at_hash (OIDC Core §3.1.3.6, §3.1.3.8)', () => {
  it('hashes with the SHA-2 of the algorithm size, and SHA-512 for EdDSA over Ed25519', () => {
    expect(accessTokenHashAlgorithm('ES256')).toBe('SHA-256')
    expect(accessTokenHashAlgorithm('RS256')).toBe('SHA-256')
    expect(accessTokenHashAlgorithm('PS256')).toBe('SHA-256')
    expect(accessTokenHashAlgorithm('ES256K')).toBe('SHA-256')
    expect(accessTokenHashAlgorithm('ES384')).toBe('SHA-384')
    expect(accessTokenHashAlgorithm('RS512')).toBe('SHA-512')
    expect(accessTokenHashAlgorithm('EdDSA', 'Ed25519')).toBe('SHA-512')
    expect(accessTokenHashAlgorithm('Ed25519')).toBe('SHA-512')
    expect(accessTokenHashAlgorithm('EdDSA', 'Ed448')).toBeUndefined()
    expect(accessTokenHashAlgorithm('HS256K1')).toBeUndefined()
  })

  it('is the base64url left half of the digest', async () => {
    for (const [web, node] of [
      ['SHA-256', 'sha256'],
      ['SHA-384', 'sha384'],
      ['SHA-512', 'sha512'],
    ] as const) {
      expect(await accessTokenHash(ACCESS_TOKEN, web)).toBe(expectedHash(ACCESS_TOKEN, node))
    }
  })

  it('accepts an ID token whose at_hash matches the access token, for ES256, ES384 and EdDSA', async () => {
    for (const [alg, hash] of [
      ['ES256', 'sha256'],
      ['ES384', 'sha384'],
      ['EdDSA', 'sha512'],
    ] as const) {
      const token = await idToken(alg, { at_hash: expectedHash(ACCESS_TOKEN, hash) })
      const tokens = await clientAnswering(token).exchangeAuthorizationCode(codeExchange)
      expect(tokens.idTokenClaims?.atHash).toBe(expectedHash(ACCESS_TOKEN, hash))
    }
  })

  it('refuses a code exchange whose ID token hashes another access token', async () => {
    const token = await idToken('ES256', { at_hash: expectedHash('another-access-token', 'sha256') })
    const error = await atHashRejection(clientAnswering(token).exchangeAuthorizationCode(codeExchange))
    expect(error.message).toMatch(/at_hash does not match the access token/)
  })

  it('refuses an at_hash computed with the wrong hash for the algorithm', async () => {
    // An EdDSA (Ed25519) token hashed with SHA-256 instead of SHA-512.
    const token = await idToken('EdDSA', { at_hash: expectedHash(ACCESS_TOKEN, 'sha256') })
    await atHashRejection(clientAnswering(token).exchangeAuthorizationCode(codeExchange))
  })

  it('checks at_hash on refresh and extension grant responses too', async () => {
    const token = await idToken('ES256', { at_hash: expectedHash('another-access-token', 'sha256') })
    await atHashRejection(clientAnswering(token).refresh({ refreshToken: 'rt' }))
    await atHashRejection(clientAnswering(token).grant('urn:example:grant'))
  })

  it('checks at_hash of a token validated on its own when the access token is given, and skips it without', async () => {
    const token = await idToken('ES256', { at_hash: expectedHash('another-access-token', 'sha256') })
    const client = clientAnswering(token)
    await atHashRejection(client.validateIdToken(token, { accessToken: ACCESS_TOKEN }))
    await expect(client.validateIdToken(token)).resolves.toMatchObject({ sub: 'user-1' })
  })

  it('accepts an ID token without at_hash (optional in the code flow)', async () => {
    const tokens = await clientAnswering(await idToken('ES256')).exchangeAuthorizationCode(codeExchange)
    expect(tokens.idTokenClaims?.atHash).toBeUndefined()
  })

  it('refuses an at_hash it cannot compute rather than skipping it', async () => {
    const error = await atHashRejection(checkAccessTokenHash('abc', ACCESS_TOKEN, 'EdDSA', 'Ed448'))
    expect(error.message).toMatch(/no supported hash function for alg EdDSA \(Ed448\)/)
  })
})
