import Type, { type Static } from 'typebox'
import { type Confirmation, ConfirmationWire } from './confirmation.js'
import { SCOPE_PATTERN } from './grammar.js'
import { Audience, AuthenticationMethods, NonEmptyString, NumericDate } from './jwt-claims.js'

/** RFC 9068 §2.2: the claims of a JWT access token, camelCase where the claim name is snake_case. */
export interface AccessTokenClaims {
  /** Issuer: the authorization server's issuer identifier. */
  iss: string
  /** Subject: the resource owner, or the client itself for client_credentials. */
  sub: string
  /** Audience: the resource server(s) the token is meant for. */
  aud: string | string[]
  /** Expiry, in seconds since the epoch. */
  exp: number
  /** Issue time, in seconds since the epoch. */
  iat: number
  /** Unique identifier of the token. */
  jti: string
  /** The client the token was issued to. */
  clientId: string
  /** Granted scopes, space-delimited (RFC 6749 §3.3). */
  scope?: string | undefined
  /** When the End-User authenticated, in seconds since the epoch. */
  authTime?: number | undefined
  acr?: string | undefined
  amr?: string[] | undefined
  /** RFC 9449 §6.1: the DPoP key the token is bound to (`cnf.jkt`); absent for a Bearer token. */
  cnf?: Confirmation | undefined
}

export const AccessTokenClaimsWire = Type.Object(
  {
    iss: NonEmptyString('Issuer identifier of the authorization server (RFC 8414 issuer).'),
    sub: NonEmptyString('Subject: the resource owner, or the client for the client_credentials grant.'),
    aud: Audience('The resource indicator(s) the token is meant for.'),
    exp: NumericDate('Expiry, in seconds since the epoch.'),
    iat: NumericDate('Time the token was issued, in seconds since the epoch.'),
    jti: NonEmptyString('Unique identifier of the token.'),
    client_id: NonEmptyString('Client identifier of the client the token was issued to.'),
    scope: Type.Optional(
      Type.String({
        pattern: SCOPE_PATTERN,
        description: 'Granted scopes, space-delimited (RFC 6749 §3.3).',
      }),
    ),
    auth_time: Type.Optional(
      NumericDate('When the End-User last authenticated, in seconds since the epoch.'),
    ),
    acr: Type.Optional(NonEmptyString('Authentication Context Class Reference.')),
    amr: Type.Optional(AuthenticationMethods()),
    cnf: Type.Optional(
      ConfirmationWire(
        'RFC 7800 confirmation: the DPoP key a sender-constrained token is bound to (RFC 9449 §6.1).',
      ),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/access-token-claims.schema.json',
    title: 'AccessTokenClaims',
    description:
      'Claims of a JWT access token (RFC 9068 §2.2), the payload of a JWS whose typ is "at+jwt". Unknown claims are allowed and ignored.',
  },
)
export type AccessTokenClaimsWire = Static<typeof AccessTokenClaimsWire>
