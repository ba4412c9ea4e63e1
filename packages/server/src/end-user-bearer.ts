import { PERSONAL_ACCESS_TOKEN_PREFIX } from '@pipeshub/models'
import { insufficientScopeError, invalidTokenError } from './bearer.js'
import type { ResourceRequest } from './endpoints/presented-access-token.js'
import { stored } from './errors.js'
import { insufficientScopeFor, verifyPresentedToken } from './presented-token.js'
import type { ServerContext } from './server-context.js'

/** The end-user an API call is made for, and the scopes of the access token that made it. */
export interface EndUserOfBearer {
  subject: string
  scope: string[]
}

/**
 * The end-user of an access token of this server that carries `openid`: what the end-user's own APIs
 * (personal access tokens, the apps they allowed) are authorized by. Bearer, or DPoP-bound as `DPoP`
 * with a proof for `request.method` and `request.url` (RFC 9449 §7; refused as Bearer, §7.2). A
 * personal access token is refused (`insufficient_scope`, `refusedPersonalAccessToken` says why): a
 * leaked one must not manage the user's account. A client_credentials token names a client, not a
 * person: `invalid_token`. Only an account client's token (`accountClients`) may act on the account: a
 * third-party app the user allowed `openid` would otherwise see and revoke the user's other apps and mint
 * personal access tokens outliving its own grant; its valid token is not for this API, so RFC 6750 §3.1
 * `insufficient_scope` (403), not `invalid_token`.
 */
export async function endUserOfBearer(
  context: ServerContext,
  authorization: string | undefined,
  request: ResourceRequest & { url: string },
  refusedPersonalAccessToken: string,
): Promise<EndUserOfBearer> {
  const { scheme, verified: claims } = await verifyPresentedToken(
    { authorization, method: request.method, url: request.url, dpop: request.dpop },
    {
      async verify(token) {
        // By its prefix alone: a well-formed one or not, it is no access token of the user.
        if (token.startsWith(PERSONAL_ACCESS_TOKEN_PREFIX))
          throw insufficientScopeError(refusedPersonalAccessToken, 'openid')
        return context.verifyAccessToken(token)
      },
      boundKey: (verified) => verified.cnf?.jkt,
      dpop: context.dpop,
    },
  )
  const scope = claims.scope === '' ? [] : claims.scope.split(' ')
  if (!scope.includes('openid'))
    throw insufficientScopeFor(
      scheme,
      'the access token lacks the openid scope',
      'openid',
      context.dpop.algorithms,
    )
  const user = await stored(() => context.store.users.get(claims.sub))
  if (!user || claims.sub === claims.client_id)
    throw invalidTokenError('the access token was not issued to an end-user')
  if (!context.settings.accountClients.has(claims.client_id))
    throw insufficientScopeFor(
      scheme,
      "the access token's client may not manage the end-user's account: it is no account client",
      'openid',
      context.dpop.algorithms,
    )
  return { subject: user.subject, scope }
}
