// The schema-free codec of the RFC 9449 §4.2 DPoP proof claims: the validator generated from its wire schema and the mapping.
import type { DPoPProofClaims, DPoPProofClaimsWire } from '../dpop-proof-claims.js'
import { checkDPoPProofClaims, issuesDPoPProofClaims } from '../generated/validators.js'
import { type Codec, codec } from '../validation.js'

export const dpopProofClaimsCodec: Codec<DPoPProofClaimsWire, DPoPProofClaims> = codec(
  'DPoPProofClaims',
  { check: checkDPoPProofClaims, issues: issuesDPoPProofClaims },
  (wire): DPoPProofClaims => {
    const model: DPoPProofClaims = { jti: wire.jti, htm: wire.htm, htu: wire.htu, iat: wire.iat }
    if (wire.ath !== undefined) model.ath = wire.ath
    if (wire.nonce !== undefined) model.nonce = wire.nonce
    return model
  },
  (model): DPoPProofClaimsWire => {
    const wire: DPoPProofClaimsWire = { jti: model.jti, htm: model.htm, htu: model.htu, iat: model.iat }
    if (model.ath !== undefined) wire.ath = model.ath
    if (model.nonce !== undefined) wire.nonce = model.nonce
    return wire
  },
)
