// The request and access-token codecs, which only the server reads: not in the client's entry point.
export { accessTokenClaimsCodec } from './access-token-claims.js'
export { clientRegistrationRequestCodec, clientRegistrationResponseCodec } from './client-metadata.js'
export { deviceAuthorizationRequestCodec } from './device-authorization.js'
export { introspectionRequestCodec } from './introspection-request.js'
export { revocationRequestCodec } from './revocation-request.js'
export {
  authorizationCodeTokenRequestCodec,
  clientCredentialsTokenRequestCodec,
  deviceCodeTokenRequestCodec,
  refreshTokenRequestCodec,
} from './token-request.js'
