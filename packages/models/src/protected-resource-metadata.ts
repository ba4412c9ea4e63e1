import Type, { type Static } from 'typebox'
import { SCOPE_TOKEN_PATTERN } from './grammar.js'
import { ResourceIndicator } from './resource-indicator.js'
import { wireCodec } from './wire-codec.js'

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

export const protectedResourceMetadataCodec = wireCodec(
  'ProtectedResourceMetadata',
  ProtectedResourceMetadataWire,
  (wire): ProtectedResourceMetadata => {
    const model: ProtectedResourceMetadata = { resource: wire.resource }
    if (wire.authorization_servers !== undefined) model.authorizationServers = [...wire.authorization_servers]
    if (wire.jwks_uri !== undefined) model.jwksUri = wire.jwks_uri
    if (wire.scopes_supported !== undefined) model.scopesSupported = [...wire.scopes_supported]
    if (wire.bearer_methods_supported !== undefined)
      model.bearerMethodsSupported = [...wire.bearer_methods_supported]
    if (wire.resource_signing_alg_values_supported !== undefined)
      model.resourceSigningAlgValuesSupported = [...wire.resource_signing_alg_values_supported]
    if (wire.resource_name !== undefined) model.resourceName = wire.resource_name
    if (wire.resource_documentation !== undefined) model.resourceDocumentation = wire.resource_documentation
    if (wire.resource_policy_uri !== undefined) model.resourcePolicyUri = wire.resource_policy_uri
    if (wire.resource_tos_uri !== undefined) model.resourceTosUri = wire.resource_tos_uri
    if (wire.tls_client_certificate_bound_access_tokens !== undefined)
      model.tlsClientCertificateBoundAccessTokens = wire.tls_client_certificate_bound_access_tokens
    if (wire.dpop_bound_access_tokens_required !== undefined)
      model.dpopBoundAccessTokensRequired = wire.dpop_bound_access_tokens_required
    return model
  },
  (model): ProtectedResourceMetadataWire => {
    const wire: ProtectedResourceMetadataWire = { resource: model.resource }
    if (model.authorizationServers !== undefined) wire.authorization_servers = [...model.authorizationServers]
    if (model.jwksUri !== undefined) wire.jwks_uri = model.jwksUri
    if (model.scopesSupported !== undefined) wire.scopes_supported = [...model.scopesSupported]
    if (model.bearerMethodsSupported !== undefined)
      wire.bearer_methods_supported = [...model.bearerMethodsSupported] as Array<'header' | 'body' | 'query'>
    if (model.resourceSigningAlgValuesSupported !== undefined)
      wire.resource_signing_alg_values_supported = [...model.resourceSigningAlgValuesSupported]
    if (model.resourceName !== undefined) wire.resource_name = model.resourceName
    if (model.resourceDocumentation !== undefined) wire.resource_documentation = model.resourceDocumentation
    if (model.resourcePolicyUri !== undefined) wire.resource_policy_uri = model.resourcePolicyUri
    if (model.resourceTosUri !== undefined) wire.resource_tos_uri = model.resourceTosUri
    if (model.tlsClientCertificateBoundAccessTokens !== undefined)
      wire.tls_client_certificate_bound_access_tokens = model.tlsClientCertificateBoundAccessTokens
    if (model.dpopBoundAccessTokensRequired !== undefined)
      wire.dpop_bound_access_tokens_required = model.dpopBoundAccessTokensRequired
    return wire
  },
)

/**
 * RFC 9728 §3.1: where a resource publishes its metadata: `/.well-known/oauth-protected-resource`
 * inserted between the host and the path of its resource identifier (a query is kept after the path).
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`
}
