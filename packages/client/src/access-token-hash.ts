import { IdTokenValidationError } from './errors.js'
import { base64UrlEncode } from './pkce.js'

/**
 * The hash function OIDC Core §3.1.3.6 ties to an ID token's `alg`: the SHA-2 of the algorithm's
 * own size (`ES256`, `RS256`, `PS256` -> SHA-256, ...), and SHA-512 for EdDSA over Ed25519 (OIDC Core
 * errata set 2, as the token server computes it). `undefined` when the algorithm names no hash this
 * runtime's WebCrypto can compute (Ed448 would need SHAKE256).
 */
export function accessTokenHashAlgorithm(
  alg: string,
  keyAlgorithm?: string | undefined,
): 'SHA-256' | 'SHA-384' | 'SHA-512' | undefined {
  if (alg === 'Ed25519') return 'SHA-512'
  if (alg === 'EdDSA') return keyAlgorithm === undefined || keyAlgorithm === 'Ed25519' ? 'SHA-512' : undefined
  const size = /^(?:ES|RS|PS)(256|384|512)K?$/.exec(alg)?.[1]
  return size === undefined ? undefined : (`SHA-${size}` as 'SHA-256' | 'SHA-384' | 'SHA-512')
}

/** `at_hash` of an access token: base64url of the left half of its digest (OIDC Core §3.1.3.6). */
export async function accessTokenHash(
  accessToken: string,
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512',
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(accessToken)))
  return base64UrlEncode(digest.subarray(0, digest.length / 2))
}

/**
 * OIDC Core §3.1.3.8 / §3.2.2.9: when an ID token carries `at_hash`, the access token that came with
 * it must hash to that value, or the two were not issued together (a substituted access token).
 */
export async function checkAccessTokenHash(
  atHash: string,
  accessToken: string,
  alg: string,
  keyAlgorithm?: string | undefined,
): Promise<void> {
  const hash = accessTokenHashAlgorithm(alg, keyAlgorithm)
  if (hash === undefined) {
    throw new IdTokenValidationError(
      `ID token at_hash cannot be checked: no supported hash function for alg ${alg}${keyAlgorithm === undefined ? '' : ` (${keyAlgorithm})`}`,
      'at_hash',
    )
  }
  if ((await accessTokenHash(accessToken, hash)) !== atHash) {
    throw new IdTokenValidationError(
      `ID token at_hash does not match the access token (${hash} of access_token, left half)`,
      'at_hash',
    )
  }
}
