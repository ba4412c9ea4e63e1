import Type, { type Static } from 'typebox'
import { SCOPE_TOKEN_PATTERN } from './grammar.js'

// RFC 8414 requires only `issuer` and `response_types_supported` (an OpenID provider also publishes
// the endpoints and algorithms; the server always does). Clients read other servers' documents too,
// so the schema requires what the RFC requires and nothing more. Extensions are allowed and ignored.

const url = (description: string) => Type.String({ format: 'uri', description })
const values = (description: string) => Type.Array(Type.String({ minLength: 1 }), { description })

/** RFC 8414 §2 / OpenID Connect Discovery 1.0 §3 authorization server metadata, camelCase. */
export interface AuthorizationServerMetadata {
  /** The authorization server's issuer identifier: a URL with no query or fragment (RFC 8414 §2). */
  issuer: string
  /** URL of the authorization endpoint (RFC 6749 §3.1). */
  authorizationEndpoint?: string | undefined
  /** URL of the token endpoint (RFC 6749 §3.2). */
  tokenEndpoint?: string | undefined
  /** URL of the JWK Set document (RFC 7517) holding the server signing keys. */
  jwksUri?: string | undefined
  /** URL of the dynamic client registration endpoint (RFC 7591). */
  registrationEndpoint?: string | undefined
  /** The scope values this server supports. */
  scopesSupported?: string[] | undefined
  /** The response_type values this server supports, e.g. ["code"]. */
  responseTypesSupported: string[]
  /** The response_mode values this server supports. */
  responseModesSupported?: string[] | undefined
  /** The grant type values this server supports. */
  grantTypesSupported?: string[] | undefined
  /** Client authentication methods supported by the token endpoint. */
  tokenEndpointAuthMethodsSupported?: string[] | undefined
  /** JWS algorithms supported by the token endpoint for private_key_jwt and client_secret_jwt. */
  tokenEndpointAuthSigningAlgValuesSupported?: string[] | undefined
  /** URL of a page with human-readable information for developers. */
  serviceDocumentation?: string | undefined
  /** Languages and scripts of the user interface, BCP 47 language tags (RFC 8414 §2). */
  uiLocalesSupported?: string[] | undefined
  /** URL of the server's requirements on how a client may use the data it provides (RFC 8414 §2). */
  opPolicyUri?: string | undefined
  /** URL of the server's terms of service (RFC 8414 §2). */
  opTosUri?: string | undefined
  /** URL of the revocation endpoint (RFC 7009). */
  revocationEndpoint?: string | undefined
  /** Client authentication methods supported by the revocation endpoint. */
  revocationEndpointAuthMethodsSupported?: string[] | undefined
  /** URL of the introspection endpoint (RFC 7662). */
  introspectionEndpoint?: string | undefined
  /** Client authentication methods supported by the introspection endpoint. */
  introspectionEndpointAuthMethodsSupported?: string[] | undefined
  /** PKCE code challenge methods supported (RFC 7636), e.g. ["S256"]. */
  codeChallengeMethodsSupported?: string[] | undefined
  /** URL of the OpenID Connect UserInfo endpoint (OIDC Core §5.3). */
  userinfoEndpoint?: string | undefined
  /** Subject identifier types supported: "public", "pairwise" (OpenID Discovery §3). */
  subjectTypesSupported?: string[] | undefined
  /** JWS algorithms used to sign ID tokens (OpenID Discovery §3). */
  idTokenSigningAlgValuesSupported?: string[] | undefined
  /** Claim names the server may supply values for (OpenID Discovery §3). */
  claimsSupported?: string[] | undefined
  /** Whether authorization responses carry the `iss` parameter (RFC 9207 §3); absent means false. */
  authorizationResponseIssParameterSupported?: boolean | undefined
  /** JWS algorithms the server accepts in DPoP proofs (RFC 9449 §5.1); absent: no DPoP support stated. */
  dpopSigningAlgValuesSupported?: string[] | undefined
  /** URL of the pushed authorization request endpoint (RFC 9126 §5). */
  pushedAuthorizationRequestEndpoint?: string | undefined
  /** Whether every authorization request must be pushed first (RFC 9126 §5); absent means false. */
  requirePushedAuthorizationRequests?: boolean | undefined
  /** URL of the device authorization endpoint (RFC 8628 §4). */
  deviceAuthorizationEndpoint?: string | undefined
  /** URL the relying party sends the browser to for logout (OpenID Connect RP-Initiated Logout 1.0 §2.1). */
  endSessionEndpoint?: string | undefined
  /** Whether the `request` parameter (a request object) is accepted (OpenID Discovery §3); absent means false. */
  requestParameterSupported?: boolean | undefined
  /**
   * Whether a `request_uri` the client hosts is accepted (OpenID Discovery §3). Absent means **true**:
   * a server taking only the `request_uri` of its own PAR endpoint (RFC 9126) says false.
   */
  requestUriParameterSupported?: boolean | undefined
}

export const AuthorizationServerMetadataWire = Type.Object(
  {
    issuer: Type.String({
      format: 'uri',
      pattern: '^[^?#]+$',
      description:
        "The authorization server's issuer identifier: a URL with no query or fragment (RFC 8414 §2).",
    }),
    authorization_endpoint: Type.Optional(url('URL of the authorization endpoint (RFC 6749 §3.1).')),
    token_endpoint: Type.Optional(url('URL of the token endpoint (RFC 6749 §3.2).')),
    jwks_uri: Type.Optional(url('URL of the JWK Set document (RFC 7517) holding the server signing keys.')),
    registration_endpoint: Type.Optional(url('URL of the dynamic client registration endpoint (RFC 7591).')),
    scopes_supported: Type.Optional(
      Type.Array(Type.String({ pattern: SCOPE_TOKEN_PATTERN }), {
        description: 'The scope values this server supports.',
      }),
    ),
    response_types_supported: values('The response_type values this server supports, e.g. ["code"].'),
    response_modes_supported: Type.Optional(values('The response_mode values this server supports.')),
    grant_types_supported: Type.Optional(values('The grant type values this server supports.')),
    token_endpoint_auth_methods_supported: Type.Optional(
      values('Client authentication methods supported by the token endpoint.'),
    ),
    token_endpoint_auth_signing_alg_values_supported: Type.Optional(
      values('JWS algorithms supported by the token endpoint for private_key_jwt and client_secret_jwt.'),
    ),
    service_documentation: Type.Optional(
      url('URL of a page with human-readable information for developers.'),
    ),
    ui_locales_supported: Type.Optional(
      values('Languages and scripts of the user interface, BCP 47 language tags (RFC 8414 §2).'),
    ),
    op_policy_uri: Type.Optional(
      url("URL of the server's requirements on how a client may use the data it provides (RFC 8414 §2)."),
    ),
    op_tos_uri: Type.Optional(url("URL of the server's terms of service (RFC 8414 §2).")),
    revocation_endpoint: Type.Optional(url('URL of the revocation endpoint (RFC 7009).')),
    revocation_endpoint_auth_methods_supported: Type.Optional(
      values('Client authentication methods supported by the revocation endpoint.'),
    ),
    introspection_endpoint: Type.Optional(url('URL of the introspection endpoint (RFC 7662).')),
    introspection_endpoint_auth_methods_supported: Type.Optional(
      values('Client authentication methods supported by the introspection endpoint.'),
    ),
    code_challenge_methods_supported: Type.Optional(
      values('PKCE code challenge methods supported (RFC 7636), e.g. ["S256"].'),
    ),
    userinfo_endpoint: Type.Optional(url('URL of the OpenID Connect UserInfo endpoint (OIDC Core §5.3).')),
    subject_types_supported: Type.Optional(
      values('Subject identifier types supported: "public", "pairwise" (OpenID Discovery §3).'),
    ),
    id_token_signing_alg_values_supported: Type.Optional(
      values('JWS algorithms used to sign ID tokens (OpenID Discovery §3).'),
    ),
    claims_supported: Type.Optional(
      values('Claim names the server may supply values for (OpenID Discovery §3).'),
    ),
    authorization_response_iss_parameter_supported: Type.Optional(
      Type.Boolean({
        description:
          'Whether authorization responses carry the `iss` parameter (RFC 9207 §3); absent means false.',
      }),
    ),
    dpop_signing_alg_values_supported: Type.Optional(
      values('JWS algorithms the server accepts in DPoP proofs (RFC 9449 §5.1).'),
    ),
    pushed_authorization_request_endpoint: Type.Optional(
      url('URL of the pushed authorization request endpoint (RFC 9126 §5).'),
    ),
    require_pushed_authorization_requests: Type.Optional(
      Type.Boolean({
        description:
          'Whether the server accepts authorization requests only through its pushed authorization request endpoint (RFC 9126 §5); absent means false.',
      }),
    ),
    device_authorization_endpoint: Type.Optional(
      url('URL of the device authorization endpoint (RFC 8628 §4).'),
    ),
    end_session_endpoint: Type.Optional(
      url('URL of the logout endpoint (OpenID Connect RP-Initiated Logout 1.0 §2.1).'),
    ),
    request_parameter_supported: Type.Optional(
      Type.Boolean({
        description:
          'Whether the request parameter (a request object) is accepted (OpenID Connect Discovery 1.0 §3); absent means false.',
      }),
    ),
    request_uri_parameter_supported: Type.Optional(
      Type.Boolean({
        description:
          'Whether a request_uri hosted by the client is accepted (OpenID Connect Discovery 1.0 §3); absent means true. The request_uri of a pushed authorization request (RFC 9126) is not such a URI.',
      }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/authorization-server-metadata.schema.json',
    title: 'AuthorizationServerMetadata',
    description:
      'OAuth 2.0 authorization server metadata (RFC 8414 §2) and OpenID Provider metadata (OpenID Connect Discovery 1.0 §3). Unknown members are allowed and ignored.',
  },
)
export type AuthorizationServerMetadataWire = Static<typeof AuthorizationServerMetadataWire>
