import type { Store } from '../store/types.js'

/** What one grant issued: its access token (until it expires) and its refresh-token family. */
export interface IssuedTokens {
  accessTokenJti: string | null
  accessTokenExpiresAt: number | null
  familyId: string | null
}

/**
 * Revokes what a grant issued (a reused refresh token, RFC 7009
 * revocation of a refresh token): its access token, its refresh-token family and every access token
 * issued with a member of that family (RFC 9700 §4.14.2). Store failures propagate.
 */
export async function revokeIssuedTokens(store: Store, issued: IssuedTokens, t: number): Promise<void> {
  const { accessTokenJti: jti, accessTokenExpiresAt: expiresAt, familyId } = issued
  if (jti !== null && expiresAt !== null && expiresAt > t)
    await store.revokedAccessTokens.revoke(jti, expiresAt)
  if (familyId !== null) {
    for (const member of await store.refreshTokens.revokeFamily(familyId, t)) {
      await store.revokedAccessTokens.revoke(member.jti, member.expiresAt)
    }
  }
}

/** `revokeIssuedTokens` for a refresh-token family alone. */
export function revokeFamily(store: Store, familyId: string, t: number): Promise<void> {
  return revokeIssuedTokens(store, { accessTokenJti: null, accessTokenExpiresAt: null, familyId }, t)
}
