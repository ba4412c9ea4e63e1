import { createHash } from 'node:crypto'
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from 'jose'
import { ASYMMETRIC_JWS_ALGORITHMS } from './asymmetric-jws-algorithms.js'
import type { ClientJwksUriKeys } from './client-jwks-uri.js'
import { OAuthError } from './errors.js'
import { hasForbiddenCharacter } from './parameter-characters.js'
import type { ClientJwks, ClientRecord, Store } from './store/types.js'

/**
 * The asymmetric JWS algorithms a client assertion may use (RFC 7523 §3, OIDC Core §9). Never `none`,
 * never HS*: `client_secret_jwt` is not offered, and a registered public key must not double as an
 * HMAC secret.
 */
export const CLIENT_ASSERTION_ALGORITHMS: readonly string[] = ASYMMETRIC_JWS_ALGORITHMS

/** Longest lifetime an assertion may claim: its `exp` at most this many seconds ahead. */
export const MAX_ASSERTION_LIFETIME = 300
/** Clock skew tolerated on `exp`, `nbf` and `iat`, seconds. */
const CLOCK_SKEW = 30
const MAX_KEYS = 10
/** Members only a private or symmetric JWK has (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** The one description of every failed assertion: the answer must not say which rule failed. */
export const ASSERTION_FAILED = 'client authentication failed'

/**
 * A client's registered JWKS, checked: 1-10 public RSA, EC or OKP keys, no private or symmetric member,
 * distinct `kid`s. Answers a copy holding only the keys; refuses with `invalid_client_metadata`.
 */
export function checkClientJwks(value: unknown): ClientJwks {
  const invalid = (description: string) => new OAuthError('invalid_client_metadata', description)
  const keys = (value as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS)
    throw invalid(`jwks must be a JWK Set with 1-${MAX_KEYS} keys`)
  const kids = new Set<string>()
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      throw invalid('every member of jwks.keys must be a JWK object')
    const jwk = key as Record<string, unknown>
    if (!['RSA', 'EC', 'OKP'].includes(jwk.kty as string))
      throw invalid('jwks keys must be RSA, EC or OKP public keys')
    if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member)))
      throw invalid('jwks must hold public keys only')
    if (jwk.kid !== undefined) {
      if (typeof jwk.kid !== 'string' || jwk.kid === '' || kids.has(jwk.kid))
        throw invalid('jwks key ids (kid) must be distinct non-empty strings')
      kids.add(jwk.kid)
    }
  }
  if (JSON.stringify(keys).length > 16 * 1024) throw invalid('jwks is too large')
  return { keys: structuredClone(keys as Array<Record<string, unknown>>) }
}

/** What a request presents for `private_key_jwt` (RFC 7521 §4.2). */
export interface ClientAssertionInput {
  clientAssertionType: string | undefined
  clientAssertion: string | undefined
}

/** The client id an assertion claims (`iss`, else `sub`), unverified: to look the client up. */
export function assertedClientId(assertion: string): string | undefined {
  try {
    const claims = decodeJwt(assertion)
    const id = claims.iss ?? claims.sub
    // The claim comes from decoded JSON, past the parameter checks: a NUL byte must not reach the store.
    if (typeof id !== 'string' || id === '' || id.length > 200 || hasForbiddenCharacter(id)) return undefined
    return id
  } catch {
    return undefined
  }
}

/**
 * Verifies a `private_key_jwt` client assertion (RFC 7523 §3, OIDC Core §9) of `client`: signed by one
 * of its registered keys (chosen by `kid`), or of the keys at its `jwks_uri` (fetched through
 * `jwksUriKeys`; unreachable, slow or without the key is a failed authentication like any other) with its pinned `token_endpoint_auth_signing_alg` or else an
 * asymmetric algorithm of `CLIENT_ASSERTION_ALGORITHMS`; `iss` = `sub` = its client id; `aud` the
 * issuer or the token endpoint URL; `exp` present, in the future and at most `MAX_ASSERTION_LIFETIME`
 * ahead; `nbf` and `iat` not in the future; a `jti` never seen before (kept in `store.usedJwtIds`
 * until `exp`, so every instance refuses a replay). Every failure is the same `invalid_client`.
 */
export async function verifyClientAssertion(
  store: Store,
  client: ClientRecord,
  assertion: string,
  options: { audiences: readonly string[]; now: number; jwksUriKeys?: ClientJwksUriKeys | undefined },
  fail: (description: string) => OAuthError,
): Promise<void> {
  const keys =
    client.jwksUri !== undefined
      ? options.jwksUriKeys?.(client.jwksUri)
      : client.jwks === null
        ? undefined
        : createLocalJWKSet(client.jwks as unknown as JSONWebKeySet)
  if (keys === undefined) throw fail(ASSERTION_FAILED)
  const algorithms =
    client.tokenEndpointAuthSigningAlg === null
      ? [...CLIENT_ASSERTION_ALGORITHMS]
      : [client.tokenEndpointAuthSigningAlg]
  let claims: Record<string, unknown>
  try {
    const verified = await jwtVerify(assertion, keys, {
      algorithms,
      issuer: client.clientId,
      subject: client.clientId,
      audience: [...options.audiences],
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(options.now * 1000),
      clockTolerance: CLOCK_SKEW,
    })
    claims = verified.payload as Record<string, unknown>
  } catch {
    throw fail(ASSERTION_FAILED)
  }
  const { exp, iat, jti } = claims as { exp: number; iat?: unknown; jti: unknown }
  if (exp > options.now + MAX_ASSERTION_LIFETIME + CLOCK_SKEW) throw fail(ASSERTION_FAILED)
  if (iat !== undefined && (typeof iat !== 'number' || iat > options.now + CLOCK_SKEW))
    throw fail(ASSERTION_FAILED)
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw fail(ASSERTION_FAILED)
  // Remembered past `exp` by the skew, so that no replay is accepted while the assertion is.
  // A digest of (client, jti): fixed length, and no character of the jti (a NUL byte) reaches the store.
  const key = createHash('sha256')
    .update(JSON.stringify([client.clientId, jti]))
    .digest('base64url')
  if (!(await store.usedJwtIds.use('client_assertion', key, exp + CLOCK_SKEW))) throw fail(ASSERTION_FAILED)
}
