// The schema-free codec of end-session-request: the validator generated from the wire schema and the mapping.

import type { EndSessionRequest, EndSessionRequestWire } from '../end-session-request.js'
import { checkEndSessionRequest, issuesEndSessionRequest } from '../generated/validators.js'
import { type Codec, codec } from '../validation.js'

export const endSessionRequestCodec: Codec<EndSessionRequestWire, EndSessionRequest> = codec(
  'EndSessionRequest',
  { check: checkEndSessionRequest, issues: issuesEndSessionRequest },
  (wire): EndSessionRequest => {
    const model: EndSessionRequest = {}
    if (wire.id_token_hint !== undefined) model.idTokenHint = wire.id_token_hint
    if (wire.logout_hint !== undefined) model.logoutHint = wire.logout_hint
    if (wire.client_id !== undefined) model.clientId = wire.client_id
    if (wire.post_logout_redirect_uri !== undefined)
      model.postLogoutRedirectUri = wire.post_logout_redirect_uri
    if (wire.state !== undefined) model.state = wire.state
    if (wire.ui_locales !== undefined) model.uiLocales = wire.ui_locales
    return model
  },
  (model): EndSessionRequestWire => {
    const wire: EndSessionRequestWire = {}
    if (model.idTokenHint !== undefined) wire.id_token_hint = model.idTokenHint
    if (model.logoutHint !== undefined) wire.logout_hint = model.logoutHint
    if (model.clientId !== undefined) wire.client_id = model.clientId
    if (model.postLogoutRedirectUri !== undefined) wire.post_logout_redirect_uri = model.postLogoutRedirectUri
    if (model.state !== undefined) wire.state = model.state
    if (model.uiLocales !== undefined) wire.ui_locales = model.uiLocales
    return wire
  },
)
