import Type, { type Static } from 'typebox'
import { NonEmptyString, OidcSubject } from './jwt-claims.js'
import { type StandardClaims, standardClaimsProperties } from './standard-claims.js'

/** OpenID Connect Core §5.3.2: the claims the UserInfo endpoint returns about the End-User, camelCase. */
export interface UserInfoResponse extends StandardClaims {
  /** Subject: the same identifier as the ID token's `sub`. */
  sub: string
  /**
   * PipesHub's user id (`user_id`): the same value as `sub` on this server, which always sends it,
   * because PipesHub's SDK reads the user from it. Optional: other OpenID providers do not send it.
   */
  userId?: string | undefined
}

export const UserInfoResponseWire = Type.Object(
  {
    sub: OidcSubject(),
    user_id: Type.Optional(
      NonEmptyString(
        "PipesHub's user id (the same value as sub on PipesHub's provider), which its SDK reads.",
      ),
    ),
    ...standardClaimsProperties(),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/user-info-response.schema.json',
    title: 'UserInfoResponse',
    description:
      'OpenID Connect UserInfo response (OIDC Core §5.3.2) with the §5.1 standard claims. Unknown members are allowed and ignored.',
  },
)
export type UserInfoResponseWire = Static<typeof UserInfoResponseWire>
