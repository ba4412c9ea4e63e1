// The schema-free codec of the RFC 6749 §5.2 error response: the validator generated from its wire schema and the mapping.

import type { OAuthErrorResponse, OAuthErrorResponseWire } from '../error-response.js'
import { checkOAuthErrorResponse, issuesOAuthErrorResponse } from '../generated/validators.js'
import { type Codec, codec } from '../validation.js'

export const errorResponseCodec: Codec<OAuthErrorResponseWire, OAuthErrorResponse> = codec(
  'OAuthErrorResponse',
  { check: checkOAuthErrorResponse, issues: issuesOAuthErrorResponse },
  (wire): OAuthErrorResponse => {
    const model: OAuthErrorResponse = { error: wire.error }
    if (wire.error_description !== undefined) model.errorDescription = wire.error_description
    if (wire.error_uri !== undefined) model.errorUri = wire.error_uri
    return model
  },
  (model): OAuthErrorResponseWire => {
    const wire: OAuthErrorResponseWire = { error: model.error }
    if (model.errorDescription !== undefined) wire.error_description = model.errorDescription
    if (model.errorUri !== undefined) wire.error_uri = model.errorUri
    return wire
  },
)
