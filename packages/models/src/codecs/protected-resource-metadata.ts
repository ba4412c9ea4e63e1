// The schema-free codec of protected-resource-metadata: the validator generated from the wire schema and the mapping.

import { checkProtectedResourceMetadata, issuesProtectedResourceMetadata } from '../generated/validators.js'
import type {
  ProtectedResourceMetadata,
  ProtectedResourceMetadataWire,
} from '../protected-resource-metadata.js'
import { type Codec, codec } from '../validation.js'

export const protectedResourceMetadataCodec: Codec<ProtectedResourceMetadataWire, ProtectedResourceMetadata> =
  codec(
    'ProtectedResourceMetadata',
    { check: checkProtectedResourceMetadata, issues: issuesProtectedResourceMetadata },
    (wire): ProtectedResourceMetadata => {
      const model: ProtectedResourceMetadata = { resource: wire.resource }
      if (wire.authorization_servers !== undefined)
        model.authorizationServers = [...wire.authorization_servers]
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
      if (model.authorizationServers !== undefined)
        wire.authorization_servers = [...model.authorizationServers]
      if (model.jwksUri !== undefined) wire.jwks_uri = model.jwksUri
      if (model.scopesSupported !== undefined) wire.scopes_supported = [...model.scopesSupported]
      if (model.bearerMethodsSupported !== undefined)
        wire.bearer_methods_supported = [...model.bearerMethodsSupported] as Array<
          'header' | 'body' | 'query'
        >
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
