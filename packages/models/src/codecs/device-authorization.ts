// The schema-free codecs of device-authorization: the validators generated from the wire schemas and the mapping.

import type {
  DeviceAuthorizationRequest,
  DeviceAuthorizationRequestWire,
  DeviceAuthorizationResponse,
  DeviceAuthorizationResponseWire,
} from '../device-authorization.js'
import {
  checkDeviceAuthorizationRequest,
  checkDeviceAuthorizationResponse,
  issuesDeviceAuthorizationRequest,
  issuesDeviceAuthorizationResponse,
} from '../generated/validators.js'
import { copyResource } from '../resource-indicator-grammar.js'
import { type Codec, codec } from '../validation.js'

export const deviceAuthorizationRequestCodec: Codec<
  DeviceAuthorizationRequestWire,
  DeviceAuthorizationRequest
> = codec(
  'DeviceAuthorizationRequest',
  { check: checkDeviceAuthorizationRequest, issues: issuesDeviceAuthorizationRequest },
  (wire): DeviceAuthorizationRequest => {
    const model: DeviceAuthorizationRequest = {}
    if (wire.client_id !== undefined) model.clientId = wire.client_id
    if (wire.client_secret !== undefined) model.clientSecret = wire.client_secret
    if (wire.scope !== undefined) model.scope = wire.scope
    if (wire.resource !== undefined) model.resource = copyResource(wire.resource)
    return model
  },
  (model): DeviceAuthorizationRequestWire => {
    const wire: DeviceAuthorizationRequestWire = {}
    if (model.clientId !== undefined) wire.client_id = model.clientId
    if (model.clientSecret !== undefined) wire.client_secret = model.clientSecret
    if (model.scope !== undefined) wire.scope = model.scope
    if (model.resource !== undefined) wire.resource = copyResource(model.resource)
    return wire
  },
)

export const deviceAuthorizationResponseCodec: Codec<
  DeviceAuthorizationResponseWire,
  DeviceAuthorizationResponse
> = codec(
  'DeviceAuthorizationResponse',
  { check: checkDeviceAuthorizationResponse, issues: issuesDeviceAuthorizationResponse },
  (wire): DeviceAuthorizationResponse => {
    const model: DeviceAuthorizationResponse = {
      deviceCode: wire.device_code,
      userCode: wire.user_code,
      verificationUri: wire.verification_uri,
      expiresIn: wire.expires_in,
    }
    if (wire.verification_uri_complete !== undefined)
      model.verificationUriComplete = wire.verification_uri_complete
    if (wire.interval !== undefined) model.interval = wire.interval
    return model
  },
  (model): DeviceAuthorizationResponseWire => {
    const wire: DeviceAuthorizationResponseWire = {
      device_code: model.deviceCode,
      user_code: model.userCode,
      verification_uri: model.verificationUri,
      expires_in: model.expiresIn,
    }
    if (model.verificationUriComplete !== undefined)
      wire.verification_uri_complete = model.verificationUriComplete
    if (model.interval !== undefined) wire.interval = model.interval
    return wire
  },
)
