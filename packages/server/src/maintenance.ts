import { stored } from './errors.js'
import type { ServerContext } from './server-context.js'
import type { SigningKeyRecord } from './store/types.js'

/**
 * Deletes expired codes, refresh tokens, sessions, revoked-token entries, used JWT IDs and personal
 * access tokens; answers how many.
 */
export function purgeExpired(context: Pick<ServerContext, 'store' | 'now'>): Promise<number> {
  const { store } = context
  const t = context.now()
  return stored(async () => {
    const counts = await Promise.all([
      store.authorizationCodes.deleteExpired(t),
      store.deviceCodes.deleteExpired(t),
      store.refreshTokens.deleteExpired(t),
      store.sessions.deleteExpired(t),
      store.revokedAccessTokens.deleteExpired(t),
      store.usedJwtIds.deleteExpired(t),
      store.pushedAuthorizationRequests.deleteExpired(t),
      store.personalAccessTokens.deleteExpired(t),
    ])
    return counts.reduce((a, b) => a + b, 0)
  })
}

/**
 * Rotates the signing keys (every algorithm in use, or only those with no key younger than `maxAge`
 * seconds) and tells the security-event listener about each new key.
 */
export async function rotateSigningKeys(
  context: Pick<ServerContext, 'signingKeys' | 'emit'>,
  maxAge?: number,
): Promise<SigningKeyRecord[]> {
  const { signingKeys } = context
  const keys = await stored(() =>
    maxAge === undefined ? signingKeys.rotate() : signingKeys.rotateIfDue(maxAge),
  )
  for (const key of keys)
    context.emit({ type: 'signing_key_rotated', kid: key.kid, alg: key.alg, activatesAt: key.activatesAt })
  return keys
}
