// The schema-free codec of the RFC 8414 authorization server metadata: the validator generated from its wire schema and the mapping.

import type {
  AuthorizationServerMetadata,
  AuthorizationServerMetadataWire,
} from '../authorization-server-metadata.js'
import {
  checkAuthorizationServerMetadata,
  issuesAuthorizationServerMetadata,
} from '../generated/validators.js'
import { type Codec, codec } from '../validation.js'

export const authorizationServerMetadataCodec: Codec<
  AuthorizationServerMetadataWire,
  AuthorizationServerMetadata
> = codec(
  'AuthorizationServerMetadata',
  { check: checkAuthorizationServerMetadata, issues: issuesAuthorizationServerMetadata },
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
    if (wire.dpop_signing_alg_values_supported !== undefined)
      model.dpopSigningAlgValuesSupported = [...wire.dpop_signing_alg_values_supported]
    if (wire.pushed_authorization_request_endpoint !== undefined)
      model.pushedAuthorizationRequestEndpoint = wire.pushed_authorization_request_endpoint
    if (wire.require_pushed_authorization_requests !== undefined)
      model.requirePushedAuthorizationRequests = wire.require_pushed_authorization_requests
    if (wire.device_authorization_endpoint !== undefined)
      model.deviceAuthorizationEndpoint = wire.device_authorization_endpoint
    if (wire.end_session_endpoint !== undefined) model.endSessionEndpoint = wire.end_session_endpoint
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
    if (model.dpopSigningAlgValuesSupported !== undefined)
      wire.dpop_signing_alg_values_supported = [...model.dpopSigningAlgValuesSupported]
    if (model.pushedAuthorizationRequestEndpoint !== undefined)
      wire.pushed_authorization_request_endpoint = model.pushedAuthorizationRequestEndpoint
    if (model.requirePushedAuthorizationRequests !== undefined)
      wire.require_pushed_authorization_requests = model.requirePushedAuthorizationRequests
    if (model.deviceAuthorizationEndpoint !== undefined)
      wire.device_authorization_endpoint = model.deviceAuthorizationEndpoint
    if (model.endSessionEndpoint !== undefined) wire.end_session_endpoint = model.endSessionEndpoint
    return wire
  },
)
