// The schema-free codecs of client-metadata: the validators generated from the wire schemas and the mapping.

import type {
  ClientMetadata,
  ClientRegistrationRequestWire,
  ClientRegistrationResponse,
  ClientRegistrationResponseWire,
} from '../client-metadata.js'
import {
  checkClientRegistrationRequest,
  checkClientRegistrationResponse,
  issuesClientRegistrationRequest,
  issuesClientRegistrationResponse,
} from '../generated/validators.js'
import { type Codec, codec } from '../validation.js'

type MetadataWire = ClientRegistrationRequestWire

function metadataToModel(wire: MetadataWire): ClientMetadata {
  const model: ClientMetadata = {}
  if (wire.redirect_uris !== undefined) model.redirectUris = [...wire.redirect_uris]
  if (wire.post_logout_redirect_uris !== undefined)
    model.postLogoutRedirectUris = [...wire.post_logout_redirect_uris]
  if (wire.token_endpoint_auth_method !== undefined)
    model.tokenEndpointAuthMethod = wire.token_endpoint_auth_method
  if (wire.grant_types !== undefined) model.grantTypes = [...wire.grant_types]
  if (wire.response_types !== undefined) model.responseTypes = [...wire.response_types]
  if (wire.client_name !== undefined) model.clientName = wire.client_name
  if (wire.client_uri !== undefined) model.clientUri = wire.client_uri
  if (wire.logo_uri !== undefined) model.logoUri = wire.logo_uri
  if (wire.scope !== undefined) model.scope = wire.scope
  if (wire.contacts !== undefined) model.contacts = [...wire.contacts]
  if (wire.tos_uri !== undefined) model.tosUri = wire.tos_uri
  if (wire.policy_uri !== undefined) model.policyUri = wire.policy_uri
  if (wire.software_id !== undefined) model.softwareId = wire.software_id
  if (wire.software_version !== undefined) model.softwareVersion = wire.software_version
  if (wire.dpop_bound_access_tokens !== undefined) model.dpopBoundAccessTokens = wire.dpop_bound_access_tokens
  if (wire.jwks !== undefined) model.jwks = structuredClone(wire.jwks)
  if (wire.jwks_uri !== undefined) model.jwksUri = wire.jwks_uri
  if (wire.token_endpoint_auth_signing_alg !== undefined)
    model.tokenEndpointAuthSigningAlg = wire.token_endpoint_auth_signing_alg
  return model
}

function metadataToWire(model: ClientMetadata): MetadataWire {
  const wire: MetadataWire = {}
  if (model.redirectUris !== undefined) wire.redirect_uris = [...model.redirectUris]
  if (model.postLogoutRedirectUris !== undefined)
    wire.post_logout_redirect_uris = [...model.postLogoutRedirectUris]
  if (model.tokenEndpointAuthMethod !== undefined)
    wire.token_endpoint_auth_method = model.tokenEndpointAuthMethod
  if (model.grantTypes !== undefined) wire.grant_types = [...model.grantTypes]
  if (model.responseTypes !== undefined) wire.response_types = [...model.responseTypes]
  if (model.clientName !== undefined) wire.client_name = model.clientName
  if (model.clientUri !== undefined) wire.client_uri = model.clientUri
  if (model.logoUri !== undefined) wire.logo_uri = model.logoUri
  if (model.scope !== undefined) wire.scope = model.scope
  if (model.contacts !== undefined) wire.contacts = [...model.contacts]
  if (model.tosUri !== undefined) wire.tos_uri = model.tosUri
  if (model.policyUri !== undefined) wire.policy_uri = model.policyUri
  if (model.softwareId !== undefined) wire.software_id = model.softwareId
  if (model.softwareVersion !== undefined) wire.software_version = model.softwareVersion
  if (model.dpopBoundAccessTokens !== undefined) wire.dpop_bound_access_tokens = model.dpopBoundAccessTokens
  if (model.jwks !== undefined) wire.jwks = structuredClone(model.jwks) as NonNullable<MetadataWire['jwks']>
  if (model.jwksUri !== undefined) wire.jwks_uri = model.jwksUri
  if (model.tokenEndpointAuthSigningAlg !== undefined)
    wire.token_endpoint_auth_signing_alg = model.tokenEndpointAuthSigningAlg
  return wire
}

export const clientRegistrationRequestCodec: Codec<ClientRegistrationRequestWire, ClientMetadata> = codec(
  'ClientRegistrationRequest',
  { check: checkClientRegistrationRequest, issues: issuesClientRegistrationRequest },
  metadataToModel,
  metadataToWire,
)

export const clientRegistrationResponseCodec: Codec<
  ClientRegistrationResponseWire,
  ClientRegistrationResponse
> = codec(
  'ClientRegistrationResponse',
  { check: checkClientRegistrationResponse, issues: issuesClientRegistrationResponse },
  (wire): ClientRegistrationResponse => {
    const model: ClientRegistrationResponse = { clientId: wire.client_id, ...metadataToModel(wire) }
    if (wire.client_secret !== undefined) model.clientSecret = wire.client_secret
    if (wire.client_id_issued_at !== undefined) model.clientIdIssuedAt = wire.client_id_issued_at
    if (wire.client_secret_expires_at !== undefined)
      model.clientSecretExpiresAt = wire.client_secret_expires_at
    if (wire.registration_access_token !== undefined)
      model.registrationAccessToken = wire.registration_access_token
    if (wire.registration_client_uri !== undefined) model.registrationClientUri = wire.registration_client_uri
    return model
  },
  (model): ClientRegistrationResponseWire => {
    const wire: ClientRegistrationResponseWire = { client_id: model.clientId, ...metadataToWire(model) }
    if (model.clientSecret !== undefined) wire.client_secret = model.clientSecret
    if (model.clientIdIssuedAt !== undefined) wire.client_id_issued_at = model.clientIdIssuedAt
    if (model.clientSecretExpiresAt !== undefined) wire.client_secret_expires_at = model.clientSecretExpiresAt
    if (model.registrationAccessToken !== undefined)
      wire.registration_access_token = model.registrationAccessToken
    if (model.registrationClientUri !== undefined) wire.registration_client_uri = model.registrationClientUri
    return wire
  },
)
