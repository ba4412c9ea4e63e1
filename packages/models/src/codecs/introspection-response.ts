// The schema-free codec of the RFC 7662 introspection response: the validator generated from its wire schema and the mapping.
import { checkIntrospectionResponse, issuesIntrospectionResponse } from '../generated/validators.js'
import type { IntrospectionResponse, IntrospectionResponseWire } from '../introspection-response.js'
import { type Codec, codec } from '../validation.js'
import { copyAudience } from './audience.js'
import { copyConfirmation } from './confirmation.js'

export const introspectionResponseCodec: Codec<IntrospectionResponseWire, IntrospectionResponse> = codec(
  'IntrospectionResponse',
  { check: checkIntrospectionResponse, issues: issuesIntrospectionResponse },
  (wire): IntrospectionResponse => {
    const model: IntrospectionResponse = { active: wire.active }
    if (wire.scope !== undefined) model.scope = wire.scope
    if (wire.client_id !== undefined) model.clientId = wire.client_id
    if (wire.username !== undefined) model.username = wire.username
    if (wire.token_type !== undefined) model.tokenType = wire.token_type
    if (wire.exp !== undefined) model.exp = wire.exp
    if (wire.iat !== undefined) model.iat = wire.iat
    if (wire.nbf !== undefined) model.nbf = wire.nbf
    if (wire.sub !== undefined) model.sub = wire.sub
    if (wire.user_id !== undefined) model.userId = wire.user_id
    if (wire.aud !== undefined) model.aud = copyAudience(wire.aud)
    if (wire.iss !== undefined) model.iss = wire.iss
    if (wire.jti !== undefined) model.jti = wire.jti
    if (wire.cnf !== undefined) model.cnf = copyConfirmation(wire.cnf)
    return model
  },
  (model): IntrospectionResponseWire => {
    const wire: IntrospectionResponseWire = { active: model.active }
    if (model.scope !== undefined) wire.scope = model.scope
    if (model.clientId !== undefined) wire.client_id = model.clientId
    if (model.username !== undefined) wire.username = model.username
    if (model.tokenType !== undefined) wire.token_type = model.tokenType
    if (model.exp !== undefined) wire.exp = model.exp
    if (model.iat !== undefined) wire.iat = model.iat
    if (model.nbf !== undefined) wire.nbf = model.nbf
    if (model.sub !== undefined) wire.sub = model.sub
    if (model.userId !== undefined) wire.user_id = model.userId
    if (model.aud !== undefined) wire.aud = copyAudience(model.aud)
    if (model.iss !== undefined) wire.iss = model.iss
    if (model.jti !== undefined) wire.jti = model.jti
    if (model.cnf !== undefined) wire.cnf = copyConfirmation(model.cnf)
    return wire
  },
)
