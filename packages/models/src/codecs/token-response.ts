// The schema-free codec of the RFC 6749 §5.1 token response: the validator generated from its wire schema and the mapping.
import { checkOAuthTokenResponse, issuesOAuthTokenResponse } from '../generated/validators.js'
import type { OAuthTokenResponseWire, ValidatedOAuthTokenResponse } from '../token-response.js'
import { type Codec, codec } from '../validation.js'

export const tokenResponseCodec: Codec<OAuthTokenResponseWire, ValidatedOAuthTokenResponse> = codec(
  'OAuthTokenResponse',
  { check: checkOAuthTokenResponse, issues: issuesOAuthTokenResponse },
  (wire): ValidatedOAuthTokenResponse => {
    const model: ValidatedOAuthTokenResponse = { accessToken: wire.access_token, tokenType: wire.token_type }
    if (wire.expires_in !== undefined) model.expiresIn = wire.expires_in
    if (wire.refresh_token !== undefined) model.refreshToken = wire.refresh_token
    if (wire.scope !== undefined) model.scope = wire.scope
    if (wire.id_token !== undefined) model.idToken = wire.id_token
    return model
  },
  (model): OAuthTokenResponseWire => {
    const wire: OAuthTokenResponseWire = { access_token: model.accessToken, token_type: model.tokenType }
    if (model.expiresIn !== undefined) wire.expires_in = model.expiresIn
    if (model.refreshToken !== undefined) wire.refresh_token = model.refreshToken
    if (model.scope !== undefined) wire.scope = model.scope
    if (model.idToken !== undefined) wire.id_token = model.idToken
    return wire
  },
)
