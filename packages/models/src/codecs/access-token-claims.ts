// The schema-free codecs of access-token-claims: the validators generated from the wire schemas and the mapping.
import type { AccessTokenClaims, AccessTokenClaimsWire } from '../access-token-claims.js'
import { checkAccessTokenClaims, issuesAccessTokenClaims } from '../generated/validators.js'
import { type Codec, codec } from '../validation.js'
import { copyAudience } from './audience.js'
import { copyConfirmation } from './confirmation.js'

export const accessTokenClaimsCodec: Codec<AccessTokenClaimsWire, AccessTokenClaims> = codec(
  'AccessTokenClaims',
  { check: checkAccessTokenClaims, issues: issuesAccessTokenClaims },
  (wire): AccessTokenClaims => {
    const model: AccessTokenClaims = {
      iss: wire.iss,
      sub: wire.sub,
      aud: copyAudience(wire.aud),
      exp: wire.exp,
      iat: wire.iat,
      jti: wire.jti,
      clientId: wire.client_id,
    }
    if (wire.scope !== undefined) model.scope = wire.scope
    if (wire.auth_time !== undefined) model.authTime = wire.auth_time
    if (wire.acr !== undefined) model.acr = wire.acr
    if (wire.amr !== undefined) model.amr = [...wire.amr]
    if (wire.cnf !== undefined) model.cnf = copyConfirmation(wire.cnf)
    return model
  },
  (model): AccessTokenClaimsWire => {
    const wire: AccessTokenClaimsWire = {
      iss: model.iss,
      sub: model.sub,
      aud: copyAudience(model.aud),
      exp: model.exp,
      iat: model.iat,
      jti: model.jti,
      client_id: model.clientId,
    }
    if (model.scope !== undefined) wire.scope = model.scope
    if (model.authTime !== undefined) wire.auth_time = model.authTime
    if (model.acr !== undefined) wire.acr = model.acr
    if (model.amr !== undefined) wire.amr = [...model.amr]
    if (model.cnf !== undefined) wire.cnf = copyConfirmation(model.cnf)
    return wire
  },
)
