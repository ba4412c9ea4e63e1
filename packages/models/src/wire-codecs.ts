// The codecs of the package's main entry: the schema-free codecs (./codecs) with the TypeBox wire
// schema each was compiled from attached, for the server's serialization, OpenAPI and contracts.

import { AccessTokenClaimsWire } from './access-token-claims.js'
import { AuthorizationServerMetadataWire } from './authorization-server-metadata.js'
import { ClientAssertionClaimsWire } from './client-assertion-claims.js'
import { ClientRegistrationRequestWire, ClientRegistrationResponseWire } from './client-metadata.js'
import * as codecs from './codecs/index.js'
import * as requestCodecs from './codecs/requests.js'
import { ConsentedAppListWire } from './consented-app.js'
import { DeviceAuthorizationRequestWire, DeviceAuthorizationResponseWire } from './device-authorization.js'
import { DPoPProofClaimsWire } from './dpop-proof-claims.js'
import { EndSessionRequestWire } from './end-session-request.js'
import { OAuthErrorResponseWire } from './error-response.js'
import { IdTokenClaimsWire } from './id-token-claims.js'
import { IntrospectionRequestWire } from './introspection-request.js'
import { IntrospectionResponseWire } from './introspection-response.js'
import { JsonWebKeySetWire, JsonWebKeyWire } from './json-web-key-set.js'
import {
  CreatedPersonalAccessTokenWire,
  PersonalAccessTokenCreateRequestWire,
  PersonalAccessTokenListWire,
} from './personal-access-token.js'
import { ProtectedResourceMetadataWire } from './protected-resource-metadata.js'
import { PushedAuthorizationResponseWire } from './pushed-authorization-response.js'
import { RevocationRequestWire } from './revocation-request.js'
import type { TokenRequestGrantType } from './token-request.js'
import {
  AuthorizationCodeTokenRequestWire,
  ClientCredentialsTokenRequestWire,
  DeviceCodeTokenRequestWire,
  RefreshTokenRequestWire,
} from './token-request.js'
import { OAuthTokenResponseWire } from './token-response.js'
import { UserInfoResponseWire } from './userinfo-response.js'
import { withSchema } from './wire-codec.js'

export const accessTokenClaimsCodec = withSchema(requestCodecs.accessTokenClaimsCodec, AccessTokenClaimsWire)
export const introspectionRequestCodec = withSchema(
  requestCodecs.introspectionRequestCodec,
  IntrospectionRequestWire,
)
export const revocationRequestCodec = withSchema(requestCodecs.revocationRequestCodec, RevocationRequestWire)
export const authorizationCodeTokenRequestCodec = withSchema(
  requestCodecs.authorizationCodeTokenRequestCodec,
  AuthorizationCodeTokenRequestWire,
)
export const clientCredentialsTokenRequestCodec = withSchema(
  requestCodecs.clientCredentialsTokenRequestCodec,
  ClientCredentialsTokenRequestWire,
)
export const refreshTokenRequestCodec = withSchema(
  requestCodecs.refreshTokenRequestCodec,
  RefreshTokenRequestWire,
)
export const deviceCodeTokenRequestCodec = withSchema(
  requestCodecs.deviceCodeTokenRequestCodec,
  DeviceCodeTokenRequestWire,
)
export const deviceAuthorizationRequestCodec = withSchema(
  requestCodecs.deviceAuthorizationRequestCodec,
  DeviceAuthorizationRequestWire,
)
export const deviceAuthorizationResponseCodec = withSchema(
  codecs.deviceAuthorizationResponseCodec,
  DeviceAuthorizationResponseWire,
)
export const endSessionRequestCodec = withSchema(codecs.endSessionRequestCodec, EndSessionRequestWire)
export const tokenResponseCodec = withSchema(codecs.tokenResponseCodec, OAuthTokenResponseWire)
export const errorResponseCodec = withSchema(codecs.errorResponseCodec, OAuthErrorResponseWire)
export const idTokenClaimsCodec = withSchema(codecs.idTokenClaimsCodec, IdTokenClaimsWire)
export const userInfoResponseCodec = withSchema(codecs.userInfoResponseCodec, UserInfoResponseWire)
export const jsonWebKeyCodec = withSchema(codecs.jsonWebKeyCodec, JsonWebKeyWire)
export const jsonWebKeySetCodec = withSchema(codecs.jsonWebKeySetCodec, JsonWebKeySetWire)
export const authorizationServerMetadataCodec = withSchema(
  codecs.authorizationServerMetadataCodec,
  AuthorizationServerMetadataWire,
)
export const protectedResourceMetadataCodec = withSchema(
  codecs.protectedResourceMetadataCodec,
  ProtectedResourceMetadataWire,
)
export const clientRegistrationRequestCodec = withSchema(
  requestCodecs.clientRegistrationRequestCodec,
  ClientRegistrationRequestWire,
)
export const clientRegistrationResponseCodec = withSchema(
  requestCodecs.clientRegistrationResponseCodec,
  ClientRegistrationResponseWire,
)
export const introspectionResponseCodec = withSchema(
  codecs.introspectionResponseCodec,
  IntrospectionResponseWire,
)
export const pushedAuthorizationResponseCodec = withSchema(
  codecs.pushedAuthorizationResponseCodec,
  PushedAuthorizationResponseWire,
)
export const dpopProofClaimsCodec = withSchema(codecs.dpopProofClaimsCodec, DPoPProofClaimsWire)
export const clientAssertionClaimsCodec = withSchema(
  codecs.clientAssertionClaimsCodec,
  ClientAssertionClaimsWire,
)
export const personalAccessTokenCreateRequestCodec = withSchema(
  codecs.personalAccessTokenCreateRequestCodec,
  PersonalAccessTokenCreateRequestWire,
)
export const createdPersonalAccessTokenCodec = withSchema(
  codecs.createdPersonalAccessTokenCodec,
  CreatedPersonalAccessTokenWire,
)
export const personalAccessTokenListCodec = withSchema(
  codecs.personalAccessTokenListCodec,
  PersonalAccessTokenListWire,
)
export const consentedAppListCodec = withSchema(codecs.consentedAppListCodec, ConsentedAppListWire)

/** Validates a wire token response and returns the camelCase model; throws `WireValidationError`. */
export const decodeTokenResponse = tokenResponseCodec.decode
/** Maps a token response model to its wire object; throws `WireValidationError` on an invalid model. */
export const encodeTokenResponse = tokenResponseCodec.encode

const codecByGrantType = {
  authorization_code: authorizationCodeTokenRequestCodec,
  client_credentials: clientCredentialsTokenRequestCodec,
  refresh_token: refreshTokenRequestCodec,
  'urn:ietf:params:oauth:grant-type:device_code': deviceCodeTokenRequestCodec,
} as const

/**
 * The codec for a parsed request's `grant_type`, or `undefined` for a missing or unsupported grant type
 * (RFC 6749 §5.2 `unsupported_grant_type` or `invalid_request`, the server's call). Dispatching on the
 * grant type first gives errors that name the fields of that grant, not of every union member.
 */
export function tokenRequestCodecFor(
  grantType: unknown,
):
  | typeof authorizationCodeTokenRequestCodec
  | typeof clientCredentialsTokenRequestCodec
  | typeof refreshTokenRequestCodec
  | typeof deviceCodeTokenRequestCodec
  | undefined {
  return typeof grantType === 'string' && Object.hasOwn(codecByGrantType, grantType)
    ? codecByGrantType[grantType as TokenRequestGrantType]
    : undefined
}
