import type { ResourceRequest } from './endpoints/presented-access-token.js'
import { OAuthError } from './errors.js'
import { insufficientScopeFor, verifyPresentedToken } from './presented-token.js'
import type { ServerContext } from './server-context.js'

/** The scope an administrator's access token must carry to manage apps (admin-only: only administrators are granted it). */
export const APP_MANAGEMENT_SCOPE = 'org:admin'

/**
 * Who may call app management: an access token of this server, for this server's own audience,
 * presented as Bearer (RFC 6750 §2.1) or, DPoP-bound, as DPoP with a proof for `url` (RFC 9449 §7),
 * carrying `org:admin`, issued to an end-user (not a client acting for itself) who is an administrator
 * now (`isAdministrator`, asked at every call, so removing an administrator takes effect at once, not
 * when the token expires). Answers the administrator's subject.
 */
export async function authenticateAdministrator(
  context: Pick<ServerContext, 'verifyAccessToken' | 'isAdministrator' | 'dpop'>,
  authorization: string | undefined,
  request: ResourceRequest & { url: string },
): Promise<string> {
  const algs = context.dpop.algorithms
  const { scheme, verified: claims } = await verifyPresentedToken(
    { authorization, method: request.method, url: request.url, dpop: request.dpop },
    {
      verify: (token) => context.verifyAccessToken(token),
      boundKey: (verified) => verified.cnf?.jkt,
      dpop: context.dpop,
      scope: APP_MANAGEMENT_SCOPE,
      // PipesHub's API answers a body here; kept for its callers.
      challengeOnly: false,
    },
  )
  if (!claims.scope.split(' ').includes(APP_MANAGEMENT_SCOPE)) {
    throw insufficientScopeFor(
      scheme,
      `the access token lacks the ${APP_MANAGEMENT_SCOPE} scope`,
      APP_MANAGEMENT_SCOPE,
      algs,
    )
  }
  if (claims.sub === claims.client_id || !(await context.isAdministrator(claims.sub))) {
    throw new OAuthError('access_denied', 'only an administrator of the organisation may manage apps', {
      status: 403,
    })
  }
  return claims.sub
}
