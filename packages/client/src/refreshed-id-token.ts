import type { IdTokenClaims } from '@pipeshub/models'
import { IdTokenValidationError } from './errors.js'

function audiences(aud: string | readonly string[]): string[] {
  return [...new Set(typeof aud === 'string' ? [aud] : aud)].sort()
}

function sameAudience(a: string | readonly string[], b: string | readonly string[]): boolean {
  const left = audiences(a)
  const right = audiences(b)
  return left.length === right.length && left.every((value, index) => value === right[index])
}

/**
 * OIDC Core §12.2: an ID token returned by a refresh speaks for the same authentication as the one
 * issued when the End-User signed in. Same `iss`, `sub`, `aud` and `azp` (an `azp` absent from the
 * original stays absent); `auth_time`, when both carry it, is still the original authentication's; a
 * `nonce`, if present at all, is the original one; and it cannot have been issued before the original.
 */
export function checkRefreshedIdToken(original: IdTokenClaims, refreshed: IdTokenClaims): void {
  const differs = (claim: string, what: string) =>
    new IdTokenValidationError(`refreshed ID token ${claim} ${what} (OIDC Core §12.2)`, claim)
  if (refreshed.iss !== original.iss) throw differs('iss', 'differs from the original ID token')
  if (refreshed.sub !== original.sub) throw differs('sub', 'differs from the original ID token')
  if (!sameAudience(refreshed.aud, original.aud)) throw differs('aud', 'differs from the original ID token')
  if (refreshed.azp !== original.azp) throw differs('azp', 'differs from the original ID token')
  if (
    refreshed.authTime !== undefined &&
    original.authTime !== undefined &&
    refreshed.authTime !== original.authTime
  ) {
    throw differs('auth_time', 'is not the time of the original authentication')
  }
  if (refreshed.nonce !== undefined && refreshed.nonce !== original.nonce) {
    throw differs('nonce', 'differs from the original ID token')
  }
  if (refreshed.iat < original.iat) throw differs('iat', 'is earlier than the original ID token')
}
