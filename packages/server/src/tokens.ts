import { createHash, randomUUID } from 'node:crypto'
import { decodeProtectedHeader, errors, jwtVerify } from 'jose'
import { OAuthError } from './errors.js'
import type { SigningKeyManager } from './signing-keys.js'
import type { SigningAlgorithm } from './store/types.js'

/** RFC 9068 §2.2 claims of an access token issued here. */
export interface AccessTokenClaims {
  iss: string
  sub: string
  /** The resource(s) the token is for (RFC 8707), or the server's default audience. */
  aud: string | string[]
  client_id: string
  iat: number
  exp: number
  jti: string
  scope: string
  auth_time?: number
}

/** OIDC Core §2 claims of an ID token issued here. */
export interface IdTokenClaims {
  iss: string
  sub: string
  aud: string
  exp: number
  iat: number
  auth_time: number
  nonce?: string
  at_hash: string
  azp: string
}

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

export async function signAccessToken(keys: SigningKeyManager, claims: AccessTokenClaims): Promise<string> {
  const { signer } = await keys.signingKey()
  return signer.sign('at+jwt', claims)
}

export async function signIdToken(
  keys: SigningKeyManager,
  claims: Omit<IdTokenClaims, 'at_hash'>,
  accessToken: string,
): Promise<string> {
  const { signer } = await keys.signingKey()
  const payload: IdTokenClaims = { ...claims, at_hash: accessTokenHash(accessToken, signer.alg) }
  return signer.sign('JWT', payload)
}

const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/** True when `token` looks like a compact JWS (and so can only be an access token here). */
export function looksLikeJwt(token: string): boolean {
  return token.length < 16384 && JWS_SHAPE.test(token)
}

/**
 * Verifies an access token issued by this server: signature by a published key, `typ: at+jwt`, issuer,
 * audience and expiry (at `now`). Any failure is `invalid_token` (RFC 6750 §3.1).
 */
export async function verifyAccessToken(
  keys: SigningKeyManager,
  token: string,
  expected: { issuer: string; audience: string | readonly string[]; now: number },
): Promise<AccessTokenClaims> {
  const invalid = (description: string, cause?: unknown) =>
    new OAuthError('invalid_token', description, {
      status: 401,
      wwwAuthenticate: `Bearer error="invalid_token", error_description="${description}"`,
      cause,
    })
  if (!looksLikeJwt(token)) throw invalid('the access token is malformed')
  let kid: string | undefined
  try {
    kid = decodeProtectedHeader(token).kid
  } catch (error) {
    throw invalid('the access token is malformed', error)
  }
  if (typeof kid !== 'string') throw invalid('the access token names no key')
  const key = await keys.verificationKey(kid)
  if (!key) throw invalid('the access token was signed by an unknown key')
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
      throw invalid('the access token lacks required claims')
    }
    return payload as unknown as AccessTokenClaims
  } catch (error) {
    if (error instanceof OAuthError) throw error
    if (error instanceof errors.JWTExpired) throw invalid('the access token expired', error)
    throw invalid('the access token is invalid', error)
  }
}
