import Type, { type Static } from 'typebox'
import { Audience, AuthenticationMethods, NonEmptyString, NumericDate, OidcSubject } from './jwt-claims.js'
import { type StandardClaims, standardClaimsProperties } from './standard-claims.js'

/** OIDC Core §3.1.3.6: `at_hash`/`c_hash` are the base64url left half of a SHA-2 digest. */
const HALF_HASH_PATTERN = '^[A-Za-z0-9_-]+$'

/** OpenID Connect Core §2: the claims of an ID token, camelCase, with the §5.1 standard claims. */
export interface IdTokenClaims extends StandardClaims {
  iss: string
  /** Subject: at most 255 ASCII characters, never reassigned. */
  sub: string
  /** Audience: contains the client_id of the relying party. */
  aud: string | string[]
  exp: number
  iat: number
  /** When the End-User authenticated, in seconds since the epoch. */
  authTime?: number | undefined
  /** The nonce of the authentication request, echoed unchanged. */
  nonce?: string | undefined
  acr?: string | undefined
  amr?: string[] | undefined
  /** Authorized party: the client the ID token was issued to. */
  azp?: string | undefined
  /** Access token hash (OIDC Core §3.1.3.6). */
  atHash?: string | undefined
  /** Authorization code hash (OIDC Core §3.3.2.11). */
  cHash?: string | undefined
}

export const IdTokenClaimsWire = Type.Object(
  {
    iss: NonEmptyString('Issuer identifier: an https URL with no query or fragment.'),
    sub: OidcSubject(),
    aud: Audience('Audience(s): contains the OAuth 2.0 client_id of the relying party.'),
    exp: NumericDate('Expiry, in seconds since the epoch.'),
    iat: NumericDate('Time the ID token was issued, in seconds since the epoch.'),
    auth_time: Type.Optional(NumericDate('When the End-User authenticated, in seconds since the epoch.')),
    nonce: Type.Optional(NonEmptyString('The nonce of the authentication request, unmodified.')),
    acr: Type.Optional(NonEmptyString('Authentication Context Class Reference.')),
    amr: Type.Optional(AuthenticationMethods()),
    azp: Type.Optional(NonEmptyString('Authorized party: the client_id the ID token was issued to.')),
    at_hash: Type.Optional(
      Type.String({
        pattern: HALF_HASH_PATTERN,
        description: 'Access token hash value (OIDC Core §3.1.3.6).',
      }),
    ),
    c_hash: Type.Optional(
      Type.String({ pattern: HALF_HASH_PATTERN, description: 'Code hash value (OIDC Core §3.3.2.11).' }),
    ),
    ...standardClaimsProperties(),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/id-token-claims.schema.json',
    title: 'IdTokenClaims',
    description:
      'Claims of an OpenID Connect ID token (OIDC Core §2, §5.1). Unknown claims are allowed and ignored.',
  },
)
export type IdTokenClaimsWire = Static<typeof IdTokenClaimsWire>
