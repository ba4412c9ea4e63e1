import { verifyPresentedToken } from '../presented-token.js'
import type { ServerContext, VerifiedBearerToken } from '../server-context.js'

/** What a request to a protected resource carries besides its `Authorization` header. */
export interface ResourceRequest {
  /** The HTTP method (a DPoP proof's `htm`). */
  method: string
  /** Every value of the `DPoP` header. */
  dpop?: readonly string[] | undefined
}

/** The key a verified access token is bound to; a personal access token is never DPoP-bound. */
export function boundKeyOf(verified: VerifiedBearerToken): string | undefined {
  return verified.type === 'access_token' ? verified.claims.cnf?.jkt : undefined
}

/**
 * The access token (or personal access token) a request to this server's own resources presents,
 * verified by `verifyPresentedToken`: Bearer, or DPoP with a proof of its key for `url`.
 */
export async function presentedAccessToken(
  context: Pick<ServerContext, 'dpop' | 'verifyBearerToken'>,
  authorization: string | undefined,
  request: ResourceRequest,
  expected: { url: string; realm?: string | undefined; audiences?: string | readonly string[] | undefined },
): Promise<VerifiedBearerToken> {
  const presented = await verifyPresentedToken(
    { authorization, method: request.method, url: expected.url, dpop: request.dpop },
    {
      verify: (token) => context.verifyBearerToken(token, expected.audiences),
      boundKey: boundKeyOf,
      dpop: context.dpop,
      realm: expected.realm,
    },
  )
  return presented.verified
}
