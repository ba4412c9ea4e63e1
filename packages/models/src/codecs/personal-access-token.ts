// The schema-free codecs of the personal-access-token API: the validators generated from their wire
// schemas and the mapping.
import {
  checkCreatedPersonalAccessToken,
  checkPersonalAccessTokenCreateRequest,
  checkPersonalAccessTokenList,
  issuesCreatedPersonalAccessToken,
  issuesPersonalAccessTokenCreateRequest,
  issuesPersonalAccessTokenList,
} from '../generated/validators.js'
import type {
  CreatedPersonalAccessToken,
  CreatedPersonalAccessTokenWire,
  PersonalAccessToken,
  PersonalAccessTokenCreateRequest,
  PersonalAccessTokenCreateRequestWire,
  PersonalAccessTokenList,
  PersonalAccessTokenListWire,
  PersonalAccessTokenWire,
} from '../personal-access-token.js'
import { type Codec, codec } from '../validation.js'

const toModel = (wire: PersonalAccessTokenWire): PersonalAccessToken => ({
  id: wire.id,
  name: wire.name,
  scope: wire.scope,
  createdAt: wire.created_at,
  expiresAt: wire.expires_at,
})

const toWire = (model: PersonalAccessToken): PersonalAccessTokenWire => ({
  id: model.id,
  name: model.name,
  scope: model.scope,
  created_at: model.createdAt,
  expires_at: model.expiresAt,
})

export const personalAccessTokenCreateRequestCodec: Codec<
  PersonalAccessTokenCreateRequestWire,
  PersonalAccessTokenCreateRequest
> = codec(
  'PersonalAccessTokenCreateRequest',
  { check: checkPersonalAccessTokenCreateRequest, issues: issuesPersonalAccessTokenCreateRequest },
  (wire) => ({
    name: wire.name,
    scope: wire.scope,
    ...(wire.expires_in === undefined ? {} : { expiresIn: wire.expires_in }),
  }),
  (model) => ({
    name: model.name,
    scope: model.scope,
    ...(model.expiresIn === undefined ? {} : { expires_in: model.expiresIn }),
  }),
)

export const createdPersonalAccessTokenCodec: Codec<
  CreatedPersonalAccessTokenWire,
  CreatedPersonalAccessToken
> = codec(
  'CreatedPersonalAccessToken',
  { check: checkCreatedPersonalAccessToken, issues: issuesCreatedPersonalAccessToken },
  (wire) => ({ ...toModel(wire), token: wire.token }),
  (model) => ({ ...toWire(model), token: model.token }),
)

export const personalAccessTokenListCodec: Codec<PersonalAccessTokenListWire, PersonalAccessTokenList> =
  codec(
    'PersonalAccessTokenList',
    { check: checkPersonalAccessTokenList, issues: issuesPersonalAccessTokenList },
    (wire) => ({ personalAccessTokens: wire.personal_access_tokens.map(toModel) }),
    (model) => ({ personal_access_tokens: model.personalAccessTokens.map(toWire) }),
  )
