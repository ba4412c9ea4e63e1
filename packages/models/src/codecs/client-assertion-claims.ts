// The schema-free codec of the RFC 7523 §3 client assertion claims: the validator generated from its wire schema and the mapping.
import type { ClientAssertionClaims, ClientAssertionClaimsWire } from '../client-assertion-claims.js'
import { checkClientAssertionClaims, issuesClientAssertionClaims } from '../generated/validators.js'
import { type Codec, codec } from '../validation.js'
import { copyAudience } from './audience.js'

export const clientAssertionClaimsCodec: Codec<ClientAssertionClaimsWire, ClientAssertionClaims> = codec(
  'ClientAssertionClaims',
  { check: checkClientAssertionClaims, issues: issuesClientAssertionClaims },
  (wire): ClientAssertionClaims => {
    const model: ClientAssertionClaims = {
      iss: wire.iss,
      sub: wire.sub,
      aud: copyAudience(wire.aud),
      exp: wire.exp,
      jti: wire.jti,
    }
    if (wire.iat !== undefined) model.iat = wire.iat
    if (wire.nbf !== undefined) model.nbf = wire.nbf
    return model
  },
  (model): ClientAssertionClaimsWire => {
    const wire: ClientAssertionClaimsWire = {
      iss: model.iss,
      sub: model.sub,
      aud: copyAudience(model.aud),
      exp: model.exp,
      jti: model.jti,
    }
    if (model.iat !== undefined) wire.iat = model.iat
    if (model.nbf !== undefined) wire.nbf = model.nbf
    return wire
  },
)
