import type { IdTokenClaims } from '@pipeshub/models'
import { idTokenClaimsCodec } from '@pipeshub/models/codecs'
import { errors, jwtVerify } from 'jose'
import { checkAccessTokenHash } from './access-token-hash.js'
import { IdTokenValidationError, OAuthClientError } from './errors.js'
import type { IssuerKeySet } from './jwks.js'

/** Asymmetric JWS algorithms only: never `none`, never HS* (that would make the client secret a signing key). */
export const DEFAULT_ID_TOKEN_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
] as const

export interface IdTokenExpectations {
  readonly issuer: string
  readonly clientId: string
  /** The algorithms accepted for the signature. */
  readonly algorithms: readonly string[]
  /** Allowed clock skew for `exp`, `iat`, `nbf`, in seconds. */
  readonly clockToleranceSeconds: number
  /** Wall clock, ms since the epoch. */
  readonly now: number
  /** The `nonce` sent in the authorization request; when given, the token must carry it exactly. */
  readonly nonce?: string | undefined
  /** Maximum seconds since `auth_time` (OIDC `max_age`); requires the claim when given. */
  readonly maxAgeSeconds?: number | undefined
  /** The access token that came with the ID token; checked against `at_hash` when the token has one. */
  readonly accessToken?: string | undefined
}

/**
 * Validates an ID token per OpenID Connect Core §3.1.3.7: signature against the issuer's JWKS with an
 * allowed algorithm, then `iss`, `aud` (contains the client), `azp`, `exp`, `iat`, `nonce`, the
 * claim shapes, and `at_hash` against the access token that came with it (OIDC Core §3.1.3.8).
 * Returns the camelCase claims.
 */
export async function validateIdToken(
  idToken: string,
  keys: IssuerKeySet,
  expected: IdTokenExpectations,
): Promise<IdTokenClaims> {
  let payload: unknown
  let alg: string
  let keyAlgorithm: string | undefined
  try {
    const verified = await jwtVerify(idToken, keys.getKey, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: [...expected.algorithms],
      clockTolerance: expected.clockToleranceSeconds,
      currentDate: new Date(expected.now),
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    })
    payload = verified.payload
    alg = verified.protectedHeader.alg
    // EdDSA alone does not say which curve, and so which hash at_hash uses: the key does.
    keyAlgorithm = verified.key instanceof Uint8Array ? undefined : verified.key.algorithm.name
  } catch (error) {
    // Failures fetching the key set keep their own type (network, timeout, bad JWKS document).
    if (error instanceof OAuthClientError) throw error
    if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) {
      throw new IdTokenValidationError(`ID token ${error.message}`, error.claim, { cause: error })
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      throw new IdTokenValidationError(`ID token ${error.message}`, 'alg', { cause: error })
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      throw new IdTokenValidationError('no key of the issuer matches the ID token', 'kid', { cause: error })
    }
    if (error instanceof errors.JOSEError) {
      throw new IdTokenValidationError(`ID token rejected: ${error.message}`, undefined, { cause: error })
    }
    throw error
  }

  const decoded = idTokenClaimsCodec.safeDecode(payload)
  if (!decoded.ok) {
    const first = decoded.error.issues[0]?.path.replace(/^\//, '')
    throw new IdTokenValidationError(`ID token claims invalid: ${decoded.error.message}`, first, {
      cause: decoded.error,
    })
  }
  const claims = decoded.value
  const nowSeconds = expected.now / 1000
  const tolerance = expected.clockToleranceSeconds

  // OIDC Core §3.1.3.7 (4, 5): with several audiences azp must be present; when present, it is us.
  if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp === undefined) {
    throw new IdTokenValidationError('ID token has several audiences but no azp claim', 'azp')
  }
  if (claims.azp !== undefined && claims.azp !== expected.clientId) {
    throw new IdTokenValidationError('ID token azp is not this client', 'azp')
  }
  if (claims.iat > nowSeconds + tolerance) {
    throw new IdTokenValidationError('ID token iat is in the future', 'iat')
  }
  if (expected.nonce !== undefined && claims.nonce !== expected.nonce) {
    throw new IdTokenValidationError(
      claims.nonce === undefined
        ? 'ID token has no nonce claim'
        : 'ID token nonce does not match the request',
      'nonce',
    )
  }
  if (expected.maxAgeSeconds !== undefined) {
    if (claims.authTime === undefined)
      throw new IdTokenValidationError('ID token has no auth_time claim', 'auth_time')
    if (claims.authTime + expected.maxAgeSeconds < nowSeconds - tolerance) {
      throw new IdTokenValidationError('the End-User authenticated longer ago than max_age', 'auth_time')
    }
  }
  if (expected.accessToken !== undefined && claims.atHash !== undefined) {
    await checkAccessTokenHash(claims.atHash, expected.accessToken, alg, keyAlgorithm)
  }
  return claims
}
