// The schema-free codec of the OIDC ID token claims: the validator generated from its wire schema and the mapping.
import { checkIdTokenClaims, issuesIdTokenClaims } from '../generated/validators.js'
import type { IdTokenClaims, IdTokenClaimsWire } from '../id-token-claims.js'
import type { StandardClaimsWire } from '../standard-claims.js'
import { type Codec, codec } from '../validation.js'
import { copyAudience } from './audience.js'
import { standardClaimsToModel, standardClaimsToWire } from './standard-claims.js'

export const idTokenClaimsCodec: Codec<IdTokenClaimsWire, IdTokenClaims> = codec(
  'IdTokenClaims',
  { check: checkIdTokenClaims, issues: issuesIdTokenClaims },
  (wire): IdTokenClaims => {
    const model: IdTokenClaims = {
      iss: wire.iss,
      sub: wire.sub,
      aud: copyAudience(wire.aud),
      exp: wire.exp,
      iat: wire.iat,
    }
    if (wire.auth_time !== undefined) model.authTime = wire.auth_time
    if (wire.nonce !== undefined) model.nonce = wire.nonce
    if (wire.acr !== undefined) model.acr = wire.acr
    if (wire.amr !== undefined) model.amr = [...wire.amr]
    if (wire.azp !== undefined) model.azp = wire.azp
    if (wire.at_hash !== undefined) model.atHash = wire.at_hash
    if (wire.c_hash !== undefined) model.cHash = wire.c_hash
    standardClaimsToModel(wire, model)
    return model
  },
  (model): IdTokenClaimsWire => {
    const wire: IdTokenClaimsWire & StandardClaimsWire = {
      iss: model.iss,
      sub: model.sub,
      aud: copyAudience(model.aud),
      exp: model.exp,
      iat: model.iat,
    }
    if (model.authTime !== undefined) wire.auth_time = model.authTime
    if (model.nonce !== undefined) wire.nonce = model.nonce
    if (model.acr !== undefined) wire.acr = model.acr
    if (model.amr !== undefined) wire.amr = [...model.amr]
    if (model.azp !== undefined) wire.azp = model.azp
    if (model.atHash !== undefined) wire.at_hash = model.atHash
    if (model.cHash !== undefined) wire.c_hash = model.cHash
    standardClaimsToWire(model, wire)
    return wire
  },
)
