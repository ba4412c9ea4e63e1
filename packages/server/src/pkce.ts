import { createHash } from 'node:crypto'
import { CODE_VERIFIER_PATTERN } from '@pipeshub/models'

/** RFC 7636 §4.1 `code-verifier` (and a `plain` challenge, which is the verifier itself). */
export const CODE_VERIFIER = new RegExp(CODE_VERIFIER_PATTERN)

/** RFC 7636 §4.2: an S256 challenge is the unpadded base64url of a SHA-256 digest, 43 characters. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/** RFC 7636 §4.6: the S256 challenge of a verifier. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}
