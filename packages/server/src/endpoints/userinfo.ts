import { userInfoResponseCodec } from '@pipeshub/models'
import { BEARER_REALM, bearerChallenge } from '../bearer.js'
import { dpopChallenge } from '../dpop/challenge.js'
import { OAuthError, stored } from '../errors.js'
import type { ServerContext } from '../server-context.js'
import { presentedAccessToken, type ResourceRequest } from './presented-access-token.js'

/**
 * OIDC UserInfo (OIDC Core §5.3) for an access token carrying `openid`: `Bearer` (RFC 6750), or `DPoP`
 * with a proof for this request (RFC 9449 §7) when the token is DPoP-bound.
 */
export type UserInfoEndpoint = (
  authorization: string | undefined,
  request?: ResourceRequest,
) => Promise<Record<string, unknown>>

/** `url`: the userinfo endpoint as clients call it (the `htu` of their proofs). */
export function createUserInfoEndpoint(context: ServerContext, url: string): UserInfoEndpoint {
  const { store } = context
  const algs = context.dpop.algorithms
  return async (authorization, request = { method: 'GET' }) => {
    // A personal access token of the user is a Bearer access token too.
    const bearer = await presentedAccessToken(context, authorization, request, { url, realm: BEARER_REALM })
    const granted = bearer.scope
    if (!granted.includes('openid')) {
      const bound = bearer.type === 'access_token' && bearer.claims.cnf?.jkt !== undefined
      throw new OAuthError('insufficient_scope', 'the access token lacks the openid scope', {
        status: 403,
        wwwAuthenticate: bound
          ? dpopChallenge({ error: 'insufficient_scope', scope: 'openid', algs })
          : bearerChallenge({ error: 'insufficient_scope', scope: 'openid' }),
      })
    }
    const user = await stored(() => store.users.get(bearer.subject))
    if (!user) {
      throw new OAuthError('invalid_token', 'the end-user no longer exists', {
        status: 401,
        wwwAuthenticate: bearerChallenge({ error: 'invalid_token' }),
      })
    }
    // `user_id` always: PipesHub's SDK requires it (the same value as `sub`).
    const body: Record<string, unknown> = { sub: user.subject, user_id: user.subject }
    if (granted.includes('profile')) {
      body.preferred_username = user.username
      if (user.name !== null) body.name = user.name
      if (user.givenName != null) body.given_name = user.givenName
      if (user.familyName != null) body.family_name = user.familyName
      body.updated_at = user.updatedAt ?? user.createdAt
    }
    if (granted.includes('email') && user.email !== null) {
      body.email = user.email
      body.email_verified = user.emailVerified
    }
    // A stored value the UserInfo schema refuses (an empty name, say) is left out: one bad field must
    // not fail every answer for this user.
    for (const issue of userInfoResponseCodec.validate(body)) {
      const member = issue.path.split('/')[1]
      if (member !== undefined && member !== '' && member !== 'sub') delete body[member]
    }
    return body
  }
}
