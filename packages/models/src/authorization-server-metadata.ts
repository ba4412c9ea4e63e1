import Type, { type Static } from 'typebox'
import { SCOPE_TOKEN_PATTERN } from './grammar.js'
import { wireCodec } from './wire-codec.js'

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
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/authorization-server-metadata.schema.json',
    title: 'AuthorizationServerMetadata',
    description:
      'OAuth 2.0 authorization server metadata (RFC 8414 §2) and OpenID Provider metadata (OpenID Connect Discovery 1.0 §3). Unknown members are allowed and ignored.',
  },
)
export type AuthorizationServerMetadataWire = Static<typeof AuthorizationServerMetadataWire>

export const authorizationServerMetadataCodec = wireCodec(
  'AuthorizationServerMetadata',
  AuthorizationServerMetadataWire,
  (wire): AuthorizationServerMetadata => {
    const model: AuthorizationServerMetadata = {
      issuer: wire.issuer,
      responseTypesSupported: [...wire.response_types_supported],
    }
    if (wire.authorization_endpoint !== undefined) model.authorizationEndpoint = wire.authorization_endpoint
    if (wire.token_endpoint !== undefined) model.tokenEndpoint = wire.token_endpoint
    if (wire.jwks_uri !== undefined) model.jwksUri = wire.jwks_uri
    if (wire.registration_endpoint !== undefined) model.registrationEndpoint = wire.registration_endpoint
    if (wire.scopes_supported !== undefined) model.scopesSupported = [...wire.scopes_supported]
    if (wire.response_modes_supported !== undefined)
      model.responseModesSupported = [...wire.response_modes_supported]
    if (wire.grant_types_supported !== undefined) model.grantTypesSupported = [...wire.grant_types_supported]
    if (wire.token_endpoint_auth_methods_supported !== undefined)
      model.tokenEndpointAuthMethodsSupported = [...wire.token_endpoint_auth_methods_supported]
    if (wire.token_endpoint_auth_signing_alg_values_supported !== undefined)
      model.tokenEndpointAuthSigningAlgValuesSupported = [
        ...wire.token_endpoint_auth_signing_alg_values_supported,
      ]
    if (wire.service_documentation !== undefined) model.serviceDocumentation = wire.service_documentation
    if (wire.ui_locales_supported !== undefined) model.uiLocalesSupported = [...wire.ui_locales_supported]
    if (wire.op_policy_uri !== undefined) model.opPolicyUri = wire.op_policy_uri
    if (wire.op_tos_uri !== undefined) model.opTosUri = wire.op_tos_uri
    if (wire.revocation_endpoint !== undefined) model.revocationEndpoint = wire.revocation_endpoint
    if (wire.revocation_endpoint_auth_methods_supported !== undefined)
      model.revocationEndpointAuthMethodsSupported = [...wire.revocation_endpoint_auth_methods_supported]
    if (wire.introspection_endpoint !== undefined) model.introspectionEndpoint = wire.introspection_endpoint
    if (wire.introspection_endpoint_auth_methods_supported !== undefined)
      model.introspectionEndpointAuthMethodsSupported = [
        ...wire.introspection_endpoint_auth_methods_supported,
      ]
    if (wire.code_challenge_methods_supported !== undefined)
      model.codeChallengeMethodsSupported = [...wire.code_challenge_methods_supported]
    if (wire.userinfo_endpoint !== undefined) model.userinfoEndpoint = wire.userinfo_endpoint
    if (wire.subject_types_supported !== undefined)
      model.subjectTypesSupported = [...wire.subject_types_supported]
    if (wire.id_token_signing_alg_values_supported !== undefined)
      model.idTokenSigningAlgValuesSupported = [...wire.id_token_signing_alg_values_supported]
    if (wire.claims_supported !== undefined) model.claimsSupported = [...wire.claims_supported]
    if (wire.authorization_response_iss_parameter_supported !== undefined)
      model.authorizationResponseIssParameterSupported = wire.authorization_response_iss_parameter_supported
    return model
  },
  (model): AuthorizationServerMetadataWire => {
    const wire: AuthorizationServerMetadataWire = {
      issuer: model.issuer,
      response_types_supported: [...model.responseTypesSupported],
    }
    if (model.authorizationEndpoint !== undefined) wire.authorization_endpoint = model.authorizationEndpoint
    if (model.tokenEndpoint !== undefined) wire.token_endpoint = model.tokenEndpoint
    if (model.jwksUri !== undefined) wire.jwks_uri = model.jwksUri
    if (model.registrationEndpoint !== undefined) wire.registration_endpoint = model.registrationEndpoint
    if (model.scopesSupported !== undefined) wire.scopes_supported = [...model.scopesSupported]
    if (model.responseModesSupported !== undefined)
      wire.response_modes_supported = [...model.responseModesSupported]
    if (model.grantTypesSupported !== undefined) wire.grant_types_supported = [...model.grantTypesSupported]
    if (model.tokenEndpointAuthMethodsSupported !== undefined)
      wire.token_endpoint_auth_methods_supported = [...model.tokenEndpointAuthMethodsSupported]
    if (model.tokenEndpointAuthSigningAlgValuesSupported !== undefined)
      wire.token_endpoint_auth_signing_alg_values_supported = [
        ...model.tokenEndpointAuthSigningAlgValuesSupported,
      ]
    if (model.serviceDocumentation !== undefined) wire.service_documentation = model.serviceDocumentation
    if (model.uiLocalesSupported !== undefined) wire.ui_locales_supported = [...model.uiLocalesSupported]
    if (model.opPolicyUri !== undefined) wire.op_policy_uri = model.opPolicyUri
    if (model.opTosUri !== undefined) wire.op_tos_uri = model.opTosUri
    if (model.revocationEndpoint !== undefined) wire.revocation_endpoint = model.revocationEndpoint
    if (model.revocationEndpointAuthMethodsSupported !== undefined)
      wire.revocation_endpoint_auth_methods_supported = [...model.revocationEndpointAuthMethodsSupported]
    if (model.introspectionEndpoint !== undefined) wire.introspection_endpoint = model.introspectionEndpoint
    if (model.introspectionEndpointAuthMethodsSupported !== undefined)
      wire.introspection_endpoint_auth_methods_supported = [
        ...model.introspectionEndpointAuthMethodsSupported,
      ]
    if (model.codeChallengeMethodsSupported !== undefined)
      wire.code_challenge_methods_supported = [...model.codeChallengeMethodsSupported]
    if (model.userinfoEndpoint !== undefined) wire.userinfo_endpoint = model.userinfoEndpoint
    if (model.subjectTypesSupported !== undefined)
      wire.subject_types_supported = [...model.subjectTypesSupported]
    if (model.idTokenSigningAlgValuesSupported !== undefined)
      wire.id_token_signing_alg_values_supported = [...model.idTokenSigningAlgValuesSupported]
    if (model.claimsSupported !== undefined) wire.claims_supported = [...model.claimsSupported]
    if (model.authorizationResponseIssParameterSupported !== undefined)
      wire.authorization_response_iss_parameter_supported = model.authorizationResponseIssParameterSupported
    return wire
  },
)
