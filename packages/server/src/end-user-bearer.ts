import { PERSONAL_ACCESS_TOKEN_PREFIX } from '@pipeshub/models'
import { insufficientScopeError, invalidTokenError, requireBearerToken } from './bearer.js'
import { stored } from './errors.js'
import type { ServerContext } from './server-context.js'

/** The end-user an API call is made for, and the scopes of the access token that made it. */
export interface EndUserOfBearer {
  subject: string
  scope: string[]
}

/**
 * The end-user of a Bearer access token of this server that carries `openid`: what the end-user's own
 * APIs (personal access tokens, the apps they allowed) are authorized by. A personal access token is
 * refused (`insufficient_scope`, `refusedPersonalAccessToken` says why): a leaked one must not manage the
 * user's account. A client_credentials token names a client, not a person: `invalid_token`.
 */
export async function endUserOfBearer(
  context: ServerContext,
  authorization: string | undefined,
  refusedPersonalAccessToken: string,
): Promise<EndUserOfBearer> {
  const token = requireBearerToken(authorization)
  // By its prefix alone: a well-formed one or not, it is no access token of the user.
  if (token.startsWith(PERSONAL_ACCESS_TOKEN_PREFIX))
    throw insufficientScopeError(refusedPersonalAccessToken, 'openid')
  const claims = await context.verifyAccessToken(token)
  const scope = claims.scope === '' ? [] : claims.scope.split(' ')
  if (!scope.includes('openid'))
    throw insufficientScopeError('the access token lacks the openid scope', 'openid')
  const user = await stored(() => context.store.users.get(claims.sub))
  if (!user || claims.sub === claims.client_id)
    throw invalidTokenError('the access token was not issued to an end-user')
  return { subject: user.subject, scope }
}
