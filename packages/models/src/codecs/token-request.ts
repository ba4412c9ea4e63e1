// The schema-free codecs of token-request: the validators generated from the wire schemas and the mapping.

import {
  checkAuthorizationCodeTokenRequest,
  checkClientCredentialsTokenRequest,
  checkDeviceCodeTokenRequest,
  checkRefreshTokenRequest,
  issuesAuthorizationCodeTokenRequest,
  issuesClientCredentialsTokenRequest,
  issuesDeviceCodeTokenRequest,
  issuesRefreshTokenRequest,
} from '../generated/validators.js'
import { copyResource } from '../resource-indicator-grammar.js'
import type {
  AuthorizationCodeTokenRequest,
  AuthorizationCodeTokenRequestWire,
  ClientCredentialsTokenRequest,
  ClientCredentialsTokenRequestWire,
  DeviceCodeTokenRequest,
  DeviceCodeTokenRequestWire,
  RefreshTokenRequest,
  RefreshTokenRequestWire,
} from '../token-request.js'
import { type Codec, codec } from '../validation.js'

export const authorizationCodeTokenRequestCodec: Codec<
  AuthorizationCodeTokenRequestWire,
  AuthorizationCodeTokenRequest
> = codec(
  'AuthorizationCodeTokenRequest',
  { check: checkAuthorizationCodeTokenRequest, issues: issuesAuthorizationCodeTokenRequest },
  (wire): AuthorizationCodeTokenRequest => {
    const model: AuthorizationCodeTokenRequest = { grantType: wire.grant_type, code: wire.code }
    if (wire.redirect_uri !== undefined) model.redirectUri = wire.redirect_uri
    if (wire.code_verifier !== undefined) model.codeVerifier = wire.code_verifier
    if (wire.client_id !== undefined) model.clientId = wire.client_id
    if (wire.client_secret !== undefined) model.clientSecret = wire.client_secret
    if (wire.resource !== undefined) model.resource = copyResource(wire.resource)
    return model
  },
  (model): AuthorizationCodeTokenRequestWire => {
    const wire: AuthorizationCodeTokenRequestWire = { grant_type: model.grantType, code: model.code }
    if (model.redirectUri !== undefined) wire.redirect_uri = model.redirectUri
    if (model.codeVerifier !== undefined) wire.code_verifier = model.codeVerifier
    if (model.clientId !== undefined) wire.client_id = model.clientId
    if (model.clientSecret !== undefined) wire.client_secret = model.clientSecret
    if (model.resource !== undefined) wire.resource = copyResource(model.resource)
    return wire
  },
)

export const clientCredentialsTokenRequestCodec: Codec<
  ClientCredentialsTokenRequestWire,
  ClientCredentialsTokenRequest
> = codec(
  'ClientCredentialsTokenRequest',
  { check: checkClientCredentialsTokenRequest, issues: issuesClientCredentialsTokenRequest },
  (wire): ClientCredentialsTokenRequest => {
    const model: ClientCredentialsTokenRequest = { grantType: wire.grant_type }
    if (wire.scope !== undefined) model.scope = wire.scope
    if (wire.client_id !== undefined) model.clientId = wire.client_id
    if (wire.client_secret !== undefined) model.clientSecret = wire.client_secret
    if (wire.resource !== undefined) model.resource = copyResource(wire.resource)
    return model
  },
  (model): ClientCredentialsTokenRequestWire => {
    const wire: ClientCredentialsTokenRequestWire = { grant_type: model.grantType }
    if (model.scope !== undefined) wire.scope = model.scope
    if (model.clientId !== undefined) wire.client_id = model.clientId
    if (model.clientSecret !== undefined) wire.client_secret = model.clientSecret
    if (model.resource !== undefined) wire.resource = copyResource(model.resource)
    return wire
  },
)

export const refreshTokenRequestCodec: Codec<RefreshTokenRequestWire, RefreshTokenRequest> = codec(
  'RefreshTokenRequest',
  { check: checkRefreshTokenRequest, issues: issuesRefreshTokenRequest },
  (wire): RefreshTokenRequest => {
    const model: RefreshTokenRequest = { grantType: wire.grant_type, refreshToken: wire.refresh_token }
    if (wire.scope !== undefined) model.scope = wire.scope
    if (wire.client_id !== undefined) model.clientId = wire.client_id
    if (wire.client_secret !== undefined) model.clientSecret = wire.client_secret
    if (wire.resource !== undefined) model.resource = copyResource(wire.resource)
    return model
  },
  (model): RefreshTokenRequestWire => {
    const wire: RefreshTokenRequestWire = { grant_type: model.grantType, refresh_token: model.refreshToken }
    if (model.scope !== undefined) wire.scope = model.scope
    if (model.clientId !== undefined) wire.client_id = model.clientId
    if (model.clientSecret !== undefined) wire.client_secret = model.clientSecret
    if (model.resource !== undefined) wire.resource = copyResource(model.resource)
    return wire
  },
)

export const deviceCodeTokenRequestCodec: Codec<DeviceCodeTokenRequestWire, DeviceCodeTokenRequest> = codec(
  'DeviceCodeTokenRequest',
  { check: checkDeviceCodeTokenRequest, issues: issuesDeviceCodeTokenRequest },
  (wire): DeviceCodeTokenRequest => {
    const model: DeviceCodeTokenRequest = { grantType: wire.grant_type, deviceCode: wire.device_code }
    if (wire.client_id !== undefined) model.clientId = wire.client_id
    if (wire.client_secret !== undefined) model.clientSecret = wire.client_secret
    return model
  },
  (model): DeviceCodeTokenRequestWire => {
    const wire: DeviceCodeTokenRequestWire = { grant_type: model.grantType, device_code: model.deviceCode }
    if (model.clientId !== undefined) wire.client_id = model.clientId
    if (model.clientSecret !== undefined) wire.client_secret = model.clientSecret
    return wire
  },
)
