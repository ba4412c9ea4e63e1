// The schema-free codec of the OIDC UserInfo response: the validator generated from its wire schema and the mapping.
import { checkUserInfoResponse, issuesUserInfoResponse } from '../generated/validators.js'
import type { StandardClaimsWire } from '../standard-claims.js'
import type { UserInfoResponse, UserInfoResponseWire } from '../userinfo-response.js'
import { type Codec, codec } from '../validation.js'
import { standardClaimsToModel, standardClaimsToWire } from './standard-claims.js'

export const userInfoResponseCodec: Codec<UserInfoResponseWire, UserInfoResponse> = codec(
  'UserInfoResponse',
  { check: checkUserInfoResponse, issues: issuesUserInfoResponse },
  (wire): UserInfoResponse => {
    const model: UserInfoResponse = { sub: wire.sub }
    if (wire.user_id !== undefined) model.userId = wire.user_id
    standardClaimsToModel(wire, model)
    return model
  },
  (model): UserInfoResponseWire => {
    const wire: UserInfoResponseWire & StandardClaimsWire = { sub: model.sub }
    if (model.userId !== undefined) wire.user_id = model.userId
    standardClaimsToWire(model, wire)
    return wire
  },
)
