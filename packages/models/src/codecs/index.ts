// `@pipeshub/models/codecs`: every response codec the client reads, compiled ahead of time from the
// wire schemas, with no schema library at run time (the entry point a browser bundle imports). The
// package's main entry has the same codecs with their TypeBox schemas attached. The client writes DPoP
// proofs and client assertions, so their claim codecs are here too.
export {
  DEFAULT_DEVICE_POLLING_INTERVAL,
  DEVICE_ACCESS_TOKEN_ERROR_CODES,
  type DeviceAccessTokenErrorCode,
  SLOW_DOWN_INTERVAL_INCREMENT,
} from '../device-polling.js'
export { formatScope, parseScope } from '../grammar.js'
export {
  copyResource,
  isResourceIndicator,
  protectedResourceMetadataUrl,
} from '../resource-indicator-grammar.js'
export {
  type Codec,
  type CompiledValidator,
  codec,
  type DecodeResult,
  type ValidationIssue,
  WireValidationError,
} from '../validation.js'
export { copyAudience } from './audience.js'
export { authorizationServerMetadataCodec } from './authorization-server-metadata.js'
export { clientAssertionClaimsCodec } from './client-assertion-claims.js'
export {
  CLIENT_AUTHENTICATION_METHODS,
  type ClientAuthenticationMethodName,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
} from './client-authentication-methods.js'
export { consentedAppListCodec } from './consented-app.js'
export { deviceAuthorizationResponseCodec } from './device-authorization.js'
export { DPOP_PROOF_JWT_TYPE, DPOP_SCHEME } from './dpop.js'
export { dpopProofClaimsCodec } from './dpop-proof-claims.js'
export { endSessionRequestCodec } from './end-session-request.js'
export { errorResponseCodec } from './error-response.js'
export { idTokenClaimsCodec } from './id-token-claims.js'
export { introspectionResponseCodec } from './introspection-response.js'
export { jsonWebKeyCodec, jsonWebKeySetCodec } from './json-web-key-set.js'
export {
  createdPersonalAccessTokenCodec,
  personalAccessTokenCreateRequestCodec,
  personalAccessTokenListCodec,
} from './personal-access-token.js'
export { PRIVATE_JWK_MEMBERS } from './private-jwk-members.js'
export { protectedResourceMetadataCodec } from './protected-resource-metadata.js'
export { pushedAuthorizationResponseCodec } from './pushed-authorization-response.js'
export { REQUEST_URI_URN_PREFIX } from './request-uri.js'
export { standardClaimsToModel, standardClaimsToWire } from './standard-claims.js'
export { tokenResponseCodec } from './token-response.js'
export { isBearerTokenType, isDPoPTokenType } from './token-type.js'
export { userInfoResponseCodec } from './userinfo-response.js'
