// The schema-free codecs of introspection-request: the validators generated from the wire schemas and the mapping.

import { checkIntrospectionRequest, issuesIntrospectionRequest } from '../generated/validators.js'
import type { IntrospectionRequest, IntrospectionRequestWire } from '../introspection-request.js'
import { type Codec, codec } from '../validation.js'

export const introspectionRequestCodec: Codec<IntrospectionRequestWire, IntrospectionRequest> = codec(
  'IntrospectionRequest',
  { check: checkIntrospectionRequest, issues: issuesIntrospectionRequest },
  (wire): IntrospectionRequest => {
    const model: IntrospectionRequest = { token: wire.token }
    if (wire.token_type_hint !== undefined) model.tokenTypeHint = wire.token_type_hint
    return model
  },
  (model): IntrospectionRequestWire => {
    const wire: IntrospectionRequestWire = { token: model.token }
    if (model.tokenTypeHint !== undefined) wire.token_type_hint = model.tokenTypeHint
    return wire
  },
)
