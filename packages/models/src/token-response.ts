import Type, { type Static } from 'typebox'
import { COMPACT_JWS_PATTERN, MAX_SAFE_SECONDS, SCOPE_PATTERN, VSCHAR_PATTERN } from './grammar.js'

/**
 * OAuth 2.0 Token Response (RFC 6749 Section 5.1).
 * Contains the access token and optional refresh/ID tokens.
 *
 * The camelCase model of PipesHub's SDK, field for field: every member optional, so code written
 * against `@pipeshub/sdk/models` compiles against this type unchanged.
 */
export interface OAuthTokenResponse {
  /** The access token for API requests */
  accessToken?: string | undefined
  /** Token type: "Bearer" (RFC 6750), or "DPoP" for a DPoP-bound token (RFC 9449 §5) */
  tokenType?: string | undefined
  /** Access token lifetime in seconds */
  expiresIn?: number | undefined
  /** Refresh token for obtaining new access tokens */
  refreshToken?: string | undefined
  /** Granted scopes (may differ from requested) */
  scope?: string | undefined
  /** OpenID Connect ID token (JWT) if openid scope was requested */
  idToken?: string | undefined
}

/**
 * A token response that passed validation: RFC 6749 §5.1 guarantees `access_token` and
 * `token_type`, so the decoded model has them.
 */
export interface ValidatedOAuthTokenResponse extends OAuthTokenResponse {
  accessToken: string
  tokenType: string
}

/** The wire form of a successful token response, snake_case exactly as RFC 6749 §5.1 names it. */
export const OAuthTokenResponseWire = Type.Object(
  {
    access_token: Type.String({
      pattern: VSCHAR_PATTERN,
      description: 'The access token issued by the authorization server.',
    }),
    token_type: Type.String({
      pattern: '^[A-Za-z0-9._~+/:-]+$',
      description:
        'The type of the token issued (RFC 6749 §7.1), compared case-insensitively: "Bearer" (RFC 6750), or "DPoP" for a token bound to a DPoP key (RFC 9449 §5).',
      examples: ['Bearer', 'DPoP'],
    }),
    expires_in: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_SAFE_SECONDS,
        description: 'The lifetime in seconds of the access token.',
        examples: [3600],
      }),
    ),
    refresh_token: Type.Optional(
      Type.String({
        pattern: VSCHAR_PATTERN,
        description: 'The refresh token, used to obtain new access tokens (RFC 6749 §6).',
      }),
    ),
    scope: Type.Optional(
      Type.String({
        pattern: SCOPE_PATTERN,
        description: 'The scope of the access token (RFC 6749 §3.3), when it differs from the request.',
      }),
    ),
    id_token: Type.Optional(
      Type.String({
        pattern: COMPACT_JWS_PATTERN,
        description: 'OpenID Connect ID token, a compact JWS, when the openid scope was granted.',
      }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/oauth-token-response.schema.json',
    title: 'OAuthTokenResponse',
    description:
      'OAuth 2.0 successful token response (RFC 6749 §5.1). Unknown members are allowed and ignored.',
  },
)
export type OAuthTokenResponseWire = Static<typeof OAuthTokenResponseWire>

export { isBearerTokenType, isDPoPTokenType } from './codecs/token-type.js'
