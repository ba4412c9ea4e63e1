import { AccessTokenClaimsWire } from './access-token-claims.js'
import { AuthorizationServerMetadataWire } from './authorization-server-metadata.js'
import { ClientAssertionClaimsWire } from './client-assertion-claims.js'
import { ClientRegistrationRequestWire, ClientRegistrationResponseWire } from './client-metadata.js'
import { ConsentedAppListWire, ConsentedAppWire } from './consented-app.js'
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
  PersonalAccessTokenWire,
} from './personal-access-token.js'
import { ProtectedResourceMetadataWire } from './protected-resource-metadata.js'
import { PushedAuthorizationResponseWire } from './pushed-authorization-response.js'
import { RevocationRequestWire } from './revocation-request.js'
import {
  AuthorizationCodeTokenRequestWire,
  ClientCredentialsTokenRequestWire,
  DeviceCodeTokenRequestWire,
  RefreshTokenRequestWire,
  TokenRequestWire,
} from './token-request.js'
import { OAuthTokenResponseWire } from './token-response.js'
import { UserInfoResponseWire } from './userinfo-response.js'

export type WireSchemas = {
  readonly OAuthTokenResponse: typeof OAuthTokenResponseWire
  readonly OAuthErrorResponse: typeof OAuthErrorResponseWire
  readonly AuthorizationCodeTokenRequest: typeof AuthorizationCodeTokenRequestWire
  readonly ClientCredentialsTokenRequest: typeof ClientCredentialsTokenRequestWire
  readonly RefreshTokenRequest: typeof RefreshTokenRequestWire
  readonly DeviceCodeTokenRequest: typeof DeviceCodeTokenRequestWire
  readonly TokenRequest: typeof TokenRequestWire
  readonly RevocationRequest: typeof RevocationRequestWire
  readonly IntrospectionRequest: typeof IntrospectionRequestWire
  readonly IntrospectionResponse: typeof IntrospectionResponseWire
  readonly AuthorizationServerMetadata: typeof AuthorizationServerMetadataWire
  readonly ProtectedResourceMetadata: typeof ProtectedResourceMetadataWire
  readonly ClientRegistrationRequest: typeof ClientRegistrationRequestWire
  readonly ClientRegistrationResponse: typeof ClientRegistrationResponseWire
  readonly DeviceAuthorizationRequest: typeof DeviceAuthorizationRequestWire
  readonly DeviceAuthorizationResponse: typeof DeviceAuthorizationResponseWire
  readonly EndSessionRequest: typeof EndSessionRequestWire
  readonly JsonWebKey: typeof JsonWebKeyWire
  readonly JsonWebKeySet: typeof JsonWebKeySetWire
  readonly UserInfoResponse: typeof UserInfoResponseWire
  readonly AccessTokenClaims: typeof AccessTokenClaimsWire
  readonly IdTokenClaims: typeof IdTokenClaimsWire
  readonly PushedAuthorizationResponse: typeof PushedAuthorizationResponseWire
  readonly DPoPProofClaims: typeof DPoPProofClaimsWire
  readonly ClientAssertionClaims: typeof ClientAssertionClaimsWire
  readonly PersonalAccessTokenCreateRequest: typeof PersonalAccessTokenCreateRequestWire
  readonly PersonalAccessToken: typeof PersonalAccessTokenWire
  readonly CreatedPersonalAccessToken: typeof CreatedPersonalAccessTokenWire
  readonly PersonalAccessTokenList: typeof PersonalAccessTokenListWire
  readonly ConsentedApp: typeof ConsentedAppWire
  readonly ConsentedAppList: typeof ConsentedAppListWire
}

/**
 * Every wire schema, by message name (its `title`). Contract matchers, the OpenAPI document and the
 * published JSON Schema files iterate this record, so a message added here reaches all of them.
 */
export const wireSchemas: WireSchemas = {
  OAuthTokenResponse: OAuthTokenResponseWire,
  OAuthErrorResponse: OAuthErrorResponseWire,
  AuthorizationCodeTokenRequest: AuthorizationCodeTokenRequestWire,
  ClientCredentialsTokenRequest: ClientCredentialsTokenRequestWire,
  RefreshTokenRequest: RefreshTokenRequestWire,
  DeviceCodeTokenRequest: DeviceCodeTokenRequestWire,
  TokenRequest: TokenRequestWire,
  RevocationRequest: RevocationRequestWire,
  IntrospectionRequest: IntrospectionRequestWire,
  IntrospectionResponse: IntrospectionResponseWire,
  AuthorizationServerMetadata: AuthorizationServerMetadataWire,
  ProtectedResourceMetadata: ProtectedResourceMetadataWire,
  ClientRegistrationRequest: ClientRegistrationRequestWire,
  ClientRegistrationResponse: ClientRegistrationResponseWire,
  DeviceAuthorizationRequest: DeviceAuthorizationRequestWire,
  DeviceAuthorizationResponse: DeviceAuthorizationResponseWire,
  EndSessionRequest: EndSessionRequestWire,
  JsonWebKey: JsonWebKeyWire,
  JsonWebKeySet: JsonWebKeySetWire,
  UserInfoResponse: UserInfoResponseWire,
  AccessTokenClaims: AccessTokenClaimsWire,
  IdTokenClaims: IdTokenClaimsWire,
  PushedAuthorizationResponse: PushedAuthorizationResponseWire,
  DPoPProofClaims: DPoPProofClaimsWire,
  ClientAssertionClaims: ClientAssertionClaimsWire,
  PersonalAccessTokenCreateRequest: PersonalAccessTokenCreateRequestWire,
  PersonalAccessToken: PersonalAccessTokenWire,
  CreatedPersonalAccessToken: CreatedPersonalAccessTokenWire,
  PersonalAccessTokenList: PersonalAccessTokenListWire,
  ConsentedApp: ConsentedAppWire,
  ConsentedAppList: ConsentedAppListWire,
}

export type WireSchemaName = keyof WireSchemas
