// The schema-free codec of the OIDC ID token claims: the validator generated from its wire schema and the mapping.
import { checkIdTokenClaims, issuesIdTokenClaims } from '../generated/validators.js'
import type { IdTokenClaims, IdTokenClaimsWire } from '../id-token-claims.js'
import type { StandardClaimsWire } from '../standard-claims.js'
import { type Codec, codec } from '../validation.js'
import { copyAudience } from './audience.js'
import { type CamelCase, renamedMembers } from './renamed-members.js'
import { standardClaimsToModel, standardClaimsToWire } from './standard-claims.js'

const OPTIONAL_CLAIMS = [
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'c_hash',
] as const satisfies readonly (keyof IdTokenClaimsWire)[]

// Every optional claim is named in the model as CamelCase names it (a round trip proves none is missing).
const modelNamesExist: readonly (keyof IdTokenClaims)[] = [] as CamelCase<(typeof OPTIONAL_CLAIMS)[number]>[]
void modelNamesExist

const optionalClaims = renamedMembers(OPTIONAL_CLAIMS)

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
    optionalClaims.toModel(wire, model)
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
    optionalClaims.toWire(model, wire)
    standardClaimsToWire(model, wire)
    return wire
  },
)
