// The schema-free codec of the RFC 9126 §2.2 pushed authorization response: the validator generated from its wire schema and the mapping.
import {
  checkPushedAuthorizationResponse,
  issuesPushedAuthorizationResponse,
} from '../generated/validators.js'
import type {
  PushedAuthorizationResponse,
  PushedAuthorizationResponseWire,
} from '../pushed-authorization-response.js'
import { type Codec, codec } from '../validation.js'

export const pushedAuthorizationResponseCodec: Codec<
  PushedAuthorizationResponseWire,
  PushedAuthorizationResponse
> = codec(
  'PushedAuthorizationResponse',
  { check: checkPushedAuthorizationResponse, issues: issuesPushedAuthorizationResponse },
  (wire): PushedAuthorizationResponse => ({ requestUri: wire.request_uri, expiresIn: wire.expires_in }),
  (model): PushedAuthorizationResponseWire => ({
    request_uri: model.requestUri,
    expires_in: model.expiresIn,
  }),
)
