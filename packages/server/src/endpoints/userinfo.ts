import { userInfoResponseCodec } from '@pipeshub/models'
import { bearerChallenge, bearerToken } from '../bearer.js'
import { OAuthError, stored } from '../errors.js'
import type { ServerContext } from '../server-context.js'

/** OIDC UserInfo (OIDC Core §5.3) for a `Bearer` access token carrying `openid`. */
export type UserInfoEndpoint = (authorization: string | undefined) => Promise<Record<string, unknown>>

const REALM = 'pipeshub'

export function createUserInfoEndpoint(context: ServerContext): UserInfoEndpoint {
  const { store } = context
  return async (authorization) => {
    // RFC 6750 section 3.1: a request without any authentication (or with another scheme) gets only
    // the challenge, no error code; a Bearer credential that is malformed or fails is invalid_token.
    if (authorization === undefined || !/^Bearer(?: |$)/i.test(authorization)) {
      throw new OAuthError('invalid_request', 'a Bearer access token is required', {
        status: 401,
        wwwAuthenticate: bearerChallenge({ realm: REALM }),
        challengeOnly: true,
      })
    }
    const token = bearerToken(authorization)
    if (token === undefined) {
      throw new OAuthError('invalid_token', 'the Bearer access token is malformed', {
        status: 401,
        wwwAuthenticate: bearerChallenge({ realm: REALM, error: 'invalid_token' }),
      })
    }
    const claims = await context.verifyAccessToken(token)
    const granted = claims.scope.split(' ')
    if (!granted.includes('openid')) {
      throw new OAuthError('insufficient_scope', 'the access token lacks the openid scope', {
        status: 403,
        wwwAuthenticate: bearerChallenge({ error: 'insufficient_scope', scope: 'openid' }),
      })
    }
    const user = await stored(() => store.users.get(claims.sub))
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
