/**
 * Value grammars from RFC 6749 Appendix A, as JSON Schema patterns, so that every schema that
 * carries a token, a scope or a type checks it the same way.
 */

/** RFC 6749 A.12 / A.17: `access-token = 1*VSCHAR` (and refresh-token, code, state). */
export const VSCHAR_PATTERN = '^[\\x20-\\x7E]+$'

/** RFC 6749 A.4: `scope-token = 1*NQCHAR`, one scope value (as listed in `scopes_supported`). */
export const SCOPE_TOKEN_PATTERN = '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$'

/**
 * RFC 6749 A.4: `scope = scope-token *( SP scope-token )`, `scope-token = 1*NQCHAR`.
 * (Groups are non-capturing: V8 runs these patterns measurably faster without captures.)
 */
export const SCOPE_PATTERN = '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+(?: [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*$'

/** RFC 7515 §7.1: a compact JWS is three base64url parts; a signed token has a non-empty signature. */
export const COMPACT_JWS_PATTERN = '^[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+){2}$'

/** RFC 7636 §4.1: `code-verifier = 43*128unreserved`. */
export const CODE_VERIFIER_PATTERN = '^[A-Za-z0-9\\-._~]{43,128}$'

/** RFC 7636 §4.2: an S256 challenge is the base64url (no padding) of a SHA-256 digest: 43 characters. */
export const CODE_CHALLENGE_PATTERN = '^[A-Za-z0-9\\-._~]{43,128}$'

/** Largest integer a JSON number carries exactly; bounds every seconds/epoch field. */
export const MAX_SAFE_SECONDS = Number.MAX_SAFE_INTEGER

/** Splits an RFC 6749 §3.3 scope string into its tokens (order kept, duplicates removed). */
export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined || scope === '') return []
  return [...new Set(scope.split(' ').filter((token) => token !== ''))]
}

/** Joins scope tokens into the RFC 6749 §3.3 space-delimited form. */
export function formatScope(tokens: Iterable<string>): string {
  return [...new Set(tokens)].join(' ')
}

/** RFC 7638 SHA-256 JWK thumbprint, base64url without padding (RFC 9449 §6.1 `jkt`): 43 characters. */
export const JWK_THUMBPRINT_PATTERN = '^[A-Za-z0-9_-]{43}$'
