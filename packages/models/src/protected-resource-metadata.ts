import Type, { type Static } from 'typebox'
import { SCOPE_TOKEN_PATTERN } from './grammar.js'
import { ResourceIndicator } from './resource-indicator.js'

// RFC 9728 §2: only `resource` is required. Clients read other resource servers' documents too, so
// extensions are allowed and ignored, as in the authorization server metadata.

const url = (description: string) => Type.String({ format: 'uri', description })

/** RFC 9728 §2 OAuth 2.0 protected resource metadata, camelCase. */
export interface ProtectedResourceMetadata {
  /** The protected resource's resource identifier: an https URL without fragment (RFC 9728 §1.2). */
  resource: string
  /** Issuer identifiers of the authorization servers that issue tokens for this resource. */
  authorizationServers?: string[] | undefined
  /** URL of the resource's own JWK Set (for signed responses). */
  jwksUri?: string | undefined
  /** Scope values used in authorization requests for this resource. */
  scopesSupported?: string[] | undefined
  /** How access tokens may be presented: `header`, `body`, `query` (RFC 6750). */
  bearerMethodsSupported?: string[] | undefined
  /** JWS algorithms the resource signs responses with. */
  resourceSigningAlgValuesSupported?: string[] | undefined
  /** Human-readable name of the resource. */
  resourceName?: string | undefined
  /** URL of developer documentation of the resource. */
  resourceDocumentation?: string | undefined
  /** URL of the resource's data-use policy. */
  resourcePolicyUri?: string | undefined
  /** URL of the resource's terms of service. */
  resourceTosUri?: string | undefined
  /** Whether the resource supports mutual-TLS certificate-bound access tokens (RFC 8705). */
  tlsClientCertificateBoundAccessTokens?: boolean | undefined
  /** Whether the resource always requires DPoP-bound access tokens (RFC 9449). */
  dpopBoundAccessTokensRequired?: boolean | undefined
}

export const ProtectedResourceMetadataWire = Type.Object(
  {
    resource: ResourceIndicator(
      "The protected resource's resource identifier: the URL clients name it by, no fragment (RFC 9728 §2).",
    ),
    authorization_servers: Type.Optional(
      Type.Array(Type.String({ format: 'uri', pattern: '^[^?#]+$' }), {
        description: 'Issuer identifiers of the authorization servers for this resource (RFC 8414).',
      }),
    ),
    jwks_uri: Type.Optional(url("URL of the protected resource's JWK Set document.")),
    scopes_supported: Type.Optional(
      Type.Array(Type.String({ pattern: SCOPE_TOKEN_PATTERN }), {
        description: 'Scope values used in authorization requests to access this resource.',
      }),
    ),
    bearer_methods_supported: Type.Optional(
      Type.Array(Type.Union([Type.Literal('header'), Type.Literal('body'), Type.Literal('query')]), {
        description: 'Methods of sending a Bearer access token (RFC 6750): header, body, query.',
      }),
    ),
    resource_signing_alg_values_supported: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'JWS algorithms the resource signs its responses with.',
      }),
    ),
    resource_name: Type.Optional(
      Type.String({ minLength: 1, description: 'Human-readable name of the protected resource.' }),
    ),
    resource_documentation: Type.Optional(url('URL of developer documentation of the protected resource.')),
    resource_policy_uri: Type.Optional(url('URL of how the resource uses data a client provides.')),
    resource_tos_uri: Type.Optional(url("URL of the protected resource's terms of service.")),
    tls_client_certificate_bound_access_tokens: Type.Optional(
      Type.Boolean({
        description: 'Support of mutual-TLS client certificate-bound access tokens (RFC 8705).',
      }),
    ),
    dpop_bound_access_tokens_required: Type.Optional(
      Type.Boolean({ description: 'Whether DPoP-bound access tokens (RFC 9449) are always required.' }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/protected-resource-metadata.schema.json',
    title: 'ProtectedResourceMetadata',
    description:
      'OAuth 2.0 protected resource metadata (RFC 9728 §2), served at /.well-known/oauth-protected-resource. Unknown members are allowed and ignored.',
  },
)
export type ProtectedResourceMetadataWire = Static<typeof ProtectedResourceMetadataWire>

export { protectedResourceMetadataUrl } from './resource-indicator-grammar.js'
