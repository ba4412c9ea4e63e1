import { createHash } from 'node:crypto'

/**
 * OIDC Core §3.1.3.6 `at_hash` for an ID token signed with `alg`: the left half of the access token's
 * hash (SHA-512 for EdDSA with Ed25519, SHA-256 for RS256 and ES256), base64url. Neither library checks
 * `at_hash` in the code flow (OIDC Core §3.1.3.8 makes it optional there), so the suites check it.
 */
export function expectedAtHash(accessToken: string, alg: string): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken, 'ascii')
    .digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}
