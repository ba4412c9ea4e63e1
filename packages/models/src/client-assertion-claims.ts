import Type, { type Static } from 'typebox'
import { Audience, NonEmptyString, NumericDate } from './jwt-claims.js'

/**
 * RFC 7523 §3 with OpenID Connect Core §9: the claims of a JWT a client authenticates with
 * (`private_key_jwt`, `client_secret_jwt`), sent as `client_assertion` with `client_assertion_type`
 * `urn:ietf:params:oauth:client-assertion-type:jwt-bearer` (RFC 7523 §2.2).
 */
export interface ClientAssertionClaims {
  /** The client id (RFC 7523 §3 item 1, OIDC Core §9). */
  iss: string
  /** The client id too: for client authentication, `sub` is the client (RFC 7523 §3 item 2). */
  sub: string
  /** The authorization server: its issuer identifier, or the token endpoint URL (RFC 7523 §3 item 3). */
  aud: string | string[]
  /** Expiry, in seconds since the epoch; servers bound how far ahead it may be (RFC 7523 §3 item 4). */
  exp: number
  /** Unique identifier, for replay refusal (required by OIDC Core §9; RFC 7523 §3 item 7). */
  jti: string
  /** Issue time, in seconds since the epoch (RFC 7523 §3 item 6). */
  iat?: number | undefined
  /** Not before, in seconds since the epoch (RFC 7523 §3 item 5). */
  nbf?: number | undefined
}

export const ClientAssertionClaimsWire = Type.Object(
  {
    iss: NonEmptyString('The client_id of the client (RFC 7523 §3, OIDC Core §9).'),
    sub: NonEmptyString('The client_id of the client: for client authentication the subject is the client.'),
    aud: Audience('The authorization server: its issuer identifier or its token endpoint URL.'),
    exp: NumericDate('Expiration time, in seconds since the epoch.'),
    jti: NonEmptyString('Unique identifier of the assertion, used once (OIDC Core §9).'),
    iat: Type.Optional(NumericDate('Time the assertion was issued, in seconds since the epoch.')),
    nbf: Type.Optional(NumericDate('Time before which the assertion must not be accepted.')),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/client-assertion-claims.schema.json',
    title: 'ClientAssertionClaims',
    description:
      'Claims of a JWT used for client authentication (RFC 7523 §3, OpenID Connect Core §9 private_key_jwt). Unknown claims are allowed and ignored.',
  },
)
export type ClientAssertionClaimsWire = Static<typeof ClientAssertionClaimsWire>

export {
  CLIENT_AUTHENTICATION_METHODS,
  type ClientAuthenticationMethodName,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
} from './codecs/client-authentication-methods.js'
