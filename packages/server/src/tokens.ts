import { createHash, randomUUID } from 'node:crypto'
import type { AccessTokenClaimsWire, IdTokenClaimsWire } from '@pipeshub/models'
import { decodeProtectedHeader, errors, jwtVerify } from 'jose'
import { invalidTokenError } from './bearer.js'
import { OAuthError } from './errors.js'
import type { SigningKeyManager } from './signing-keys.js'
import type { SigningAlgorithm } from './store/types.js'

/**
 * RFC 9068 §2.2 claims of an access token issued here: the models' wire shape (snake_case), always with
 * `scope` (empty when nothing was granted).
 */
export type IssuedAccessTokenClaims = AccessTokenClaimsWire & { scope: string }

/** OIDC Core §2 claims of an ID token issued here: the models' wire shape, with what this server always sets. */
export type IssuedIdTokenClaims = IdTokenClaimsWire & {
  aud: string
  auth_time: number
  at_hash: string
  azp: string
}

/** OIDC Dynamic Client Registration §2: ID tokens are RS256 unless the client registered another. */
export const DEFAULT_ID_TOKEN_ALGORITHM: SigningAlgorithm = 'RS256'

/** The ID-token algorithms a client may register (`id_token_signing_alg_values_supported`). */
export const ID_TOKEN_SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA']

export function newJti(): string {
  return randomUUID()
}

/** OIDC Core §3.1.3.6: left half of the hash of the access token, base64url; SHA-512 for Ed25519. */
export function accessTokenHash(accessToken: string, alg: SigningAlgorithm): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken, 'ascii')
    .digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}

export async function signAccessToken(
  keys: SigningKeyManager,
  claims: IssuedAccessTokenClaims,
): Promise<string> {
  const { signer } = await keys.signingKey()
  return signer.sign('at+jwt', claims)
}

/** Signs an ID token with the current key of `alg` (OIDC: RS256 unless the client registered another). */
export async function signIdToken(
  keys: SigningKeyManager,
  claims: Omit<IssuedIdTokenClaims, 'at_hash'>,
  accessToken: string,
  alg: SigningAlgorithm,
): Promise<string> {
  const { signer } = await keys.signingKey(alg)
  const payload: IssuedIdTokenClaims = { ...claims, at_hash: accessTokenHash(accessToken, signer.alg) }
  return signer.sign('JWT', payload)
}

const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/** True when `token` looks like a compact JWS (and so can only be an access token here). */
export function looksLikeJwt(token: string): boolean {
  return token.length < 16384 && JWS_SHAPE.test(token)
}

/**
 * Verifies an access token issued by this server: signature by a published key of the access-token
 * algorithm (a key that signs ID tokens never signs access tokens), `typ: at+jwt`, issuer, audience and
 * expiry (at `now`). Any failure is `invalid_token` (RFC 6750 §3.1).
 */
export async function verifyAccessToken(
  keys: SigningKeyManager,
  token: string,
  expected: { issuer: string; audience: string | readonly string[]; now: number; alg: SigningAlgorithm },
): Promise<IssuedAccessTokenClaims> {
  if (!looksLikeJwt(token)) throw invalidTokenError('the access token is malformed')
  let kid: string | undefined
  try {
    kid = decodeProtectedHeader(token).kid
  } catch (error) {
    throw invalidTokenError('the access token is malformed', error)
  }
  if (typeof kid !== 'string') throw invalidTokenError('the access token names no key')
  const key = await keys.verificationKey(kid)
  if (!key || key.alg !== expected.alg)
    throw invalidTokenError('the access token was signed by an unknown key')
  try {
    const { payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      issuer: expected.issuer,
      audience: typeof expected.audience === 'string' ? expected.audience : [...expected.audience],
      typ: 'at+jwt',
      currentDate: new Date(expected.now * 1000),
      requiredClaims: ['sub', 'client_id', 'iat', 'exp', 'jti'],
    })
    if (
      typeof payload.client_id !== 'string' ||
      typeof payload.jti !== 'string' ||
      typeof payload.sub !== 'string'
    ) {
      throw invalidTokenError('the access token lacks required claims')
    }
    return payload as unknown as IssuedAccessTokenClaims
  } catch (error) {
    if (error instanceof OAuthError) throw error
    if (error instanceof errors.JWTExpired) throw invalidTokenError('the access token expired', error)
    throw invalidTokenError('the access token is invalid', error)
  }
}
