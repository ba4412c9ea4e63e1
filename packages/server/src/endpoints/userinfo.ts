import { userInfoResponseCodec } from '@pipeshub/models'
import { bearerChallenge, insufficientScopeError, requireBearerToken } from '../bearer.js'
import { OAuthError, stored } from '../errors.js'
import type { ServerContext } from '../server-context.js'

/** OIDC UserInfo (OIDC Core §5.3) for a `Bearer` access token carrying `openid`. */
export type UserInfoEndpoint = (authorization: string | undefined) => Promise<Record<string, unknown>>

export function createUserInfoEndpoint(context: ServerContext): UserInfoEndpoint {
  const { store } = context
  return async (authorization) => {
    // A personal access token of the user is a Bearer access token too.
    const bearer = await context.verifyBearerToken(requireBearerToken(authorization))
    const granted = bearer.scope
    if (!granted.includes('openid')) {
      throw insufficientScopeError('the access token lacks the openid scope', 'openid')
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
