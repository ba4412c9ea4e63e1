// The schema-free codecs of revocation-request: the validators generated from the wire schemas and the mapping.

import { checkRevocationRequest, issuesRevocationRequest } from '../generated/validators.js'
import type { RevocationRequest, RevocationRequestWire } from '../revocation-request.js'
import { type Codec, codec } from '../validation.js'

export const revocationRequestCodec: Codec<RevocationRequestWire, RevocationRequest> = codec(
  'RevocationRequest',
  { check: checkRevocationRequest, issues: issuesRevocationRequest },
  (wire): RevocationRequest => {
    const model: RevocationRequest = { token: wire.token }
    if (wire.token_type_hint !== undefined) model.tokenTypeHint = wire.token_type_hint
    return model
  },
  (model): RevocationRequestWire => {
    const wire: RevocationRequestWire = { token: model.token }
    if (model.tokenTypeHint !== undefined) wire.token_type_hint = model.tokenTypeHint
    return wire
  },
)
