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
import { type CamelCase, renamedMembers } from './renamed-members.js'

const OPTIONAL_MEMBERS = [
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'registration_endpoint',
  'scopes_supported',
  'response_modes_supported',
  'grant_types_supported',
  'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg_values_supported',
  'service_documentation',
  'ui_locales_supported',
  'op_policy_uri',
  'op_tos_uri',
  'revocation_endpoint',
  'revocation_endpoint_auth_methods_supported',
  'introspection_endpoint',
  'introspection_endpoint_auth_methods_supported',
  'code_challenge_methods_supported',
  'userinfo_endpoint',
  'subject_types_supported',
  'id_token_signing_alg_values_supported',
  'claims_supported',
  'authorization_response_iss_parameter_supported',
  'dpop_signing_alg_values_supported',
  'pushed_authorization_request_endpoint',
  'require_pushed_authorization_requests',
  'device_authorization_endpoint',
  'end_session_endpoint',
  'request_parameter_supported',
  'request_uri_parameter_supported',
] as const satisfies readonly (keyof AuthorizationServerMetadataWire)[]

// Every optional member is named in the model as CamelCase names it (a round trip proves none is missing).
type ModelNames = CamelCase<(typeof OPTIONAL_MEMBERS)[number]>
const modelNamesExist: readonly (keyof AuthorizationServerMetadata)[] = [] as ModelNames[]
void modelNamesExist

const optionalMembers = renamedMembers(OPTIONAL_MEMBERS)

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
    optionalMembers.toModel(wire, model)
    return model
  },
  (model): AuthorizationServerMetadataWire => {
    const wire: AuthorizationServerMetadataWire = {
      issuer: model.issuer,
      response_types_supported: [...model.responseTypesSupported],
    }
    optionalMembers.toWire(model, wire)
    return wire
  },
)
