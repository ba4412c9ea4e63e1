import Type, { type Static } from 'typebox'
import { type Confirmation, ConfirmationWire } from './confirmation.js'
import { SCOPE_PATTERN } from './grammar.js'
import { Audience, NonEmptyString, NumericDate } from './jwt-claims.js'

/** RFC 7662 §2.2: the state of a token. An inactive token is `{ active: false }` and nothing else. */
export interface IntrospectionResponse {
  /** Whether the token is currently active. */
  active: boolean
  scope?: string | undefined
  clientId?: string | undefined
  /** Human-readable identifier of the resource owner who authorized the token. */
  username?: string | undefined
  tokenType?: string | undefined
  exp?: number | undefined
  iat?: number | undefined
  nbf?: number | undefined
  sub?: string | undefined
  /** PipesHub's user id of the resource owner (`user_id`), for a token issued to a user. */
  userId?: string | undefined
  aud?: string | string[] | undefined
  iss?: string | undefined
  jti?: string | undefined
  /** RFC 9449 §6.2: the key a DPoP-bound token is bound to (`cnf.jkt`). */
  cnf?: Confirmation | undefined
}

export const IntrospectionResponseWire = Type.Object(
  {
    active: Type.Boolean({ description: 'Whether or not the presented token is currently active.' }),
    scope: Type.Optional(
      Type.String({
        pattern: SCOPE_PATTERN,
        description: 'The scopes associated with the token (RFC 6749 §3.3).',
      }),
    ),
    client_id: Type.Optional(NonEmptyString('Client identifier of the client that requested the token.')),
    username: Type.Optional(NonEmptyString('Human-readable identifier of the resource owner.')),
    token_type: Type.Optional(NonEmptyString('Type of the token (RFC 6749 §7.1), e.g. "Bearer".')),
    exp: Type.Optional(NumericDate('When the token expires, in seconds since the epoch.')),
    iat: Type.Optional(NumericDate('When the token was issued, in seconds since the epoch.')),
    nbf: Type.Optional(NumericDate('Before when the token must not be used, in seconds since the epoch.')),
    sub: Type.Optional(NonEmptyString('Subject of the token: the resource owner, or the client itself.')),
    user_id: Type.Optional(
      NonEmptyString(
        "PipesHub's user id of the resource owner, for a token issued to a user (its SDK reads it).",
      ),
    ),
    aud: Type.Optional(Audience('The intended audience(s) of the token.')),
    iss: Type.Optional(NonEmptyString('Issuer of the token.')),
    jti: Type.Optional(NonEmptyString('Identifier of the token.')),
    cnf: Type.Optional(
      ConfirmationWire('RFC 7800 confirmation: for a DPoP-bound token, the key thumbprint (RFC 9449 §6.2).'),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/introspection-response.schema.json',
    title: 'IntrospectionResponse',
    description:
      'OAuth 2.0 token introspection response (RFC 7662 §2.2). Unknown members are allowed and ignored.',
  },
)
export type IntrospectionResponseWire = Static<typeof IntrospectionResponseWire>
