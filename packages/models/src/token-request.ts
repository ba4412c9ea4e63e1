import Type, { type Static } from 'typebox'
import { CODE_VERIFIER_PATTERN, SCOPE_PATTERN, VSCHAR_PATTERN } from './grammar.js'
import { ResourceParameter } from './resource-indicator.js'

// The token endpoint's parameters arrive form-encoded (RFC 6749 §3.2) or as JSON (PipesHub's SDK);
// either way the server parses them into an object of strings first, and these schemas check that
// object. Which RFC 6749 §5.2 error a failure becomes (invalid_request, unsupported_grant_type, ...)
// is the server's decision, not the schema's.

const clientId = () =>
  Type.String({
    pattern: VSCHAR_PATTERN,
    description:
      'The client identifier, when the client authenticates in the body or is public (RFC 6749 §2.3.1).',
  })
const clientSecret = () =>
  Type.String({
    pattern: VSCHAR_PATTERN,
    description: 'The client secret, for client_secret_post authentication (RFC 6749 §2.3.1).',
  })
const scope = (description: string) => Type.String({ pattern: SCOPE_PATTERN, description })
const resource = (description: string) => Type.Optional(ResourceParameter(description))

/** RFC 6749 §4.1.3 (with RFC 7636 §4.5): exchanging an authorization code for tokens. */
export interface AuthorizationCodeTokenRequest {
  grantType: 'authorization_code'
  /** The authorization code received from the authorization server. */
  code: string
  /** Required when the authorization request carried one; must be identical to it. */
  redirectUri?: string | undefined
  /** The PKCE code verifier (RFC 7636 §4.5). */
  codeVerifier?: string | undefined
  clientId?: string | undefined
  clientSecret?: string | undefined
  /** RFC 8707 resource indicator(s), as on the wire: one string, or an array for several. */
  resource?: string | string[] | undefined
}

export const AuthorizationCodeTokenRequestWire = Type.Object(
  {
    grant_type: Type.Literal('authorization_code', { description: 'Value MUST be "authorization_code".' }),
    code: Type.String({
      pattern: VSCHAR_PATTERN,
      description: 'The authorization code received from the authorization server (RFC 6749 A.11).',
    }),
    redirect_uri: Type.Optional(
      Type.String({
        format: 'uri',
        pattern: '^[^#]*$',
        description:
          'The redirect URI of the authorization request, identical to it; absolute, no fragment (RFC 6749 §3.1.2).',
      }),
    ),
    code_verifier: Type.Optional(
      Type.String({
        pattern: CODE_VERIFIER_PATTERN,
        description: 'PKCE code verifier: 43 to 128 unreserved characters (RFC 7636 §4.1).',
      }),
    ),
    resource: resource(
      'The resource(s) the access token is for, among those of the authorization request (RFC 8707 §2.2).',
    ),
    client_id: Type.Optional(clientId()),
    client_secret: Type.Optional(clientSecret()),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/authorization-code-token-request.schema.json',
    title: 'AuthorizationCodeTokenRequest',
    description: 'Access token request of the authorization code grant (RFC 6749 §4.1.3, RFC 7636 §4.5).',
  },
)
export type AuthorizationCodeTokenRequestWire = Static<typeof AuthorizationCodeTokenRequestWire>

/** RFC 6749 §4.4.2: a client obtaining a token on its own behalf. */
export interface ClientCredentialsTokenRequest {
  grantType: 'client_credentials'
  scope?: string | undefined
  clientId?: string | undefined
  clientSecret?: string | undefined
  /** RFC 8707 resource indicator(s), as on the wire: one string, or an array for several. */
  resource?: string | string[] | undefined
}

export const ClientCredentialsTokenRequestWire = Type.Object(
  {
    grant_type: Type.Literal('client_credentials', { description: 'Value MUST be "client_credentials".' }),
    scope: Type.Optional(scope('The scope of the access request (RFC 6749 §3.3).')),
    resource: resource('The resource(s) the access token is for (RFC 8707 §2).'),
    client_id: Type.Optional(clientId()),
    client_secret: Type.Optional(clientSecret()),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/client-credentials-token-request.schema.json',
    title: 'ClientCredentialsTokenRequest',
    description: 'Access token request of the client credentials grant (RFC 6749 §4.4.2).',
  },
)
export type ClientCredentialsTokenRequestWire = Static<typeof ClientCredentialsTokenRequestWire>

/** RFC 6749 §6: exchanging a refresh token for a new access token (and, rotated, a new refresh token). */
export interface RefreshTokenRequest {
  grantType: 'refresh_token'
  refreshToken: string
  /** May only narrow the originally granted scope (RFC 6749 §6). */
  scope?: string | undefined
  clientId?: string | undefined
  clientSecret?: string | undefined
  /** RFC 8707 resource indicator(s), as on the wire: one string, or an array for several. */
  resource?: string | string[] | undefined
}

export const RefreshTokenRequestWire = Type.Object(
  {
    grant_type: Type.Literal('refresh_token', { description: 'Value MUST be "refresh_token".' }),
    refresh_token: Type.String({
      pattern: VSCHAR_PATTERN,
      description: 'The refresh token issued to the client (RFC 6749 A.17).',
    }),
    scope: Type.Optional(
      scope(
        'The scope of the access request; must not include a scope not originally granted (RFC 6749 §6).',
      ),
    ),
    resource: resource(
      'The resource(s) the access token is for, among those originally granted (RFC 8707 §2.2).',
    ),
    client_id: Type.Optional(clientId()),
    client_secret: Type.Optional(clientSecret()),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/refresh-token-request.schema.json',
    title: 'RefreshTokenRequest',
    description: 'Refresh token request (RFC 6749 §6).',
  },
)
export type RefreshTokenRequestWire = Static<typeof RefreshTokenRequestWire>

/** The `grant_type` of the device access token request (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code'
export type DeviceCodeGrantType = typeof DEVICE_CODE_GRANT_TYPE

/** RFC 8628 §3.4: the device access token request a device polls with. */
export interface DeviceCodeTokenRequest {
  grantType: DeviceCodeGrantType
  /** The `device_code` of the device authorization response. */
  deviceCode: string
  /** Required when the client does not authenticate (RFC 8628 §3.4). */
  clientId?: string | undefined
  clientSecret?: string | undefined
}

export const DeviceCodeTokenRequestWire = Type.Object(
  {
    grant_type: Type.Literal(DEVICE_CODE_GRANT_TYPE, {
      description: 'Value MUST be "urn:ietf:params:oauth:grant-type:device_code".',
    }),
    device_code: Type.String({
      pattern: VSCHAR_PATTERN,
      description: 'The device verification code, device_code, of the device authorization response.',
    }),
    client_id: Type.Optional(clientId()),
    client_secret: Type.Optional(clientSecret()),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/device-code-token-request.schema.json',
    title: 'DeviceCodeTokenRequest',
    description: 'Device access token request (RFC 8628 §3.4).',
  },
)
export type DeviceCodeTokenRequestWire = Static<typeof DeviceCodeTokenRequestWire>

/** A token request of any grant this stack supports, told apart by `grantType`. */
export type TokenRequest =
  | AuthorizationCodeTokenRequest
  | ClientCredentialsTokenRequest
  | RefreshTokenRequest
  | DeviceCodeTokenRequest

export const TokenRequestWire = Type.Union(
  [
    AuthorizationCodeTokenRequestWire,
    ClientCredentialsTokenRequestWire,
    RefreshTokenRequestWire,
    DeviceCodeTokenRequestWire,
  ],
  {
    $id: 'https://schemas.pipeshub.com/oauth/token-request.schema.json',
    title: 'TokenRequest',
    description:
      'An access token request of the authorization_code, client_credentials, refresh_token or device_code (RFC 8628) grant.',
  },
)
export type TokenRequestWire = Static<typeof TokenRequestWire>

/** The grant types a `TokenRequest` can carry. */
export const TOKEN_REQUEST_GRANT_TYPES = [
  'authorization_code',
  'client_credentials',
  'refresh_token',
  DEVICE_CODE_GRANT_TYPE,
] as const
export type TokenRequestGrantType = (typeof TOKEN_REQUEST_GRANT_TYPES)[number]
