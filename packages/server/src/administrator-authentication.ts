import { bearerChallenge, bearerToken } from './bearer.js'
import { OAuthError } from './errors.js'
import type { ServerContext } from './server-context.js'

/** The scope an administrator's access token must carry to manage apps (admin-only: only administrators are granted it). */
export const APP_MANAGEMENT_SCOPE = 'org:admin'

/**
 * Who may call app management: a Bearer access token of this server (RFC 6750 §2.1), for this server's
 * own audience, carrying `org:admin`, issued to an end-user (not a client acting for itself) who is an
 * administrator now (`isAdministrator`, asked at every call, so removing an administrator takes effect
 * at once, not when the token expires). Answers the administrator's subject.
 */
export async function authenticateAdministrator(
  context: Pick<ServerContext, 'verifyAccessToken' | 'isAdministrator'>,
  authorization: string | undefined,
): Promise<string> {
  const token = bearerToken(authorization)
  if (token === undefined) {
    throw new OAuthError('invalid_request', "app management needs an administrator's Bearer access token", {
      status: 401,
      wwwAuthenticate: bearerChallenge({ scope: APP_MANAGEMENT_SCOPE }),
    })
  }
  const claims = await context.verifyAccessToken(token)
  if (!claims.scope.split(' ').includes(APP_MANAGEMENT_SCOPE)) {
    throw new OAuthError('insufficient_scope', `the access token lacks the ${APP_MANAGEMENT_SCOPE} scope`, {
      status: 403,
      wwwAuthenticate: bearerChallenge({ error: 'insufficient_scope', scope: APP_MANAGEMENT_SCOPE }),
    })
  }
  if (claims.sub === claims.client_id || !(await context.isAdministrator(claims.sub))) {
    throw new OAuthError('access_denied', 'only an administrator of the organisation may manage apps', {
      status: 403,
    })
  }
  return claims.sub
}
