import { describe, expectTypeOf, it } from 'vitest'
import type {
  AccessTokenClaims,
  AuthorizationCodeTokenRequest,
  AuthorizationCodeTokenRequestWire,
  AuthorizationServerMetadata,
  ClientCredentialsTokenRequest,
  DeviceAuthorizationRequest,
  DeviceAuthorizationResponse,
  DeviceCodeTokenRequest,
  EndSessionRequest,
  IdTokenClaims,
  IntrospectionResponse,
  IntrospectionResponseWire,
  JsonWebKeySet,
  JsonWebKeyWire,
  OAuthErrorCode,
  OAuthErrorResponse,
  OAuthTokenResponse,
  OAuthTokenResponseWire,
  RefreshTokenRequest,
  RevocationRequest,
  TokenRequest,
  TokenRequestWire,
  UserInfoResponse,
  ValidatedOAuthTokenResponse,
  WireSchemaName,
} from './index.js'
import {
  accessTokenClaimsCodec,
  authorizationCodeTokenRequestCodec,
  authorizationServerMetadataCodec,
  clientCredentialsTokenRequestCodec,
  decodeTokenResponse,
  deviceAuthorizationRequestCodec,
  deviceAuthorizationResponseCodec,
  deviceCodeTokenRequestCodec,
  encodeTokenResponse,
  endSessionRequestCodec,
  errorResponseCodec,
  idTokenClaimsCodec,
  introspectionRequestCodec,
  introspectionResponseCodec,
  jsonWebKeySetCodec,
  refreshTokenRequestCodec,
  revocationRequestCodec,
  tokenResponseCodec,
  userInfoResponseCodec,
} from './index.js'

/**
 * PipesHub's generated SDK model (`@pipeshub/sdk/models`, seed/OAuthTokenResponse.md), written out as
 * Speakeasy generates it: every member optional, `| undefined` allowed.
 */
type SeedOAuthTokenResponse = {
  accessToken?: string | undefined
  tokenType?: string | undefined
  expiresIn?: number | undefined
  refreshToken?: string | undefined
  scope?: string | undefined
  idToken?: string | undefined
}

describe('seed parity of OAuthTokenResponse', () => {
  it('is the SDK model field for field', () => {
    expectTypeOf<OAuthTokenResponse>().toEqualTypeOf<SeedOAuthTokenResponse>()
  })

  it('accepts the seed page example and assigns both ways', () => {
    const seed: SeedOAuthTokenResponse = { tokenType: 'Bearer', expiresIn: 3600 }
    const ours: OAuthTokenResponse = seed
    const back: SeedOAuthTokenResponse = ours
    const full: OAuthTokenResponse = {
      accessToken: 'at',
      tokenType: 'Bearer',
      expiresIn: 3600,
      refreshToken: 'rt',
      scope: 'openid',
      idToken: 'a.b.c',
    }
    expectTypeOf(back).toEqualTypeOf<SeedOAuthTokenResponse>()
    expectTypeOf(full).toExtend<SeedOAuthTokenResponse>()
    expectTypeOf<SeedOAuthTokenResponse>().toExtend<OAuthTokenResponse>()
  })

  it('decodes to a model that guarantees what RFC 6749 §5.1 requires', () => {
    expectTypeOf(decodeTokenResponse).returns.toEqualTypeOf<ValidatedOAuthTokenResponse>()
    expectTypeOf<ValidatedOAuthTokenResponse['accessToken']>().toEqualTypeOf<string>()
    expectTypeOf<ValidatedOAuthTokenResponse['tokenType']>().toEqualTypeOf<string>()
    expectTypeOf<ValidatedOAuthTokenResponse>().toExtend<OAuthTokenResponse>()
    expectTypeOf(decodeTokenResponse).parameter(0).toEqualTypeOf<unknown>()
    expectTypeOf(encodeTokenResponse).parameter(0).toEqualTypeOf<ValidatedOAuthTokenResponse>()
    expectTypeOf(encodeTokenResponse).returns.toEqualTypeOf<OAuthTokenResponseWire>()
  })

  it('types the wire object with the RFC member names', () => {
    expectTypeOf<OAuthTokenResponseWire>().toEqualTypeOf<{
      access_token: string
      token_type: string
      expires_in?: number
      refresh_token?: string
      scope?: string
      id_token?: string
    }>()
  })
})

describe('the other models', () => {
  it('tells the token requests apart by grantType', () => {
    expectTypeOf<TokenRequest['grantType']>().toEqualTypeOf<
      | 'authorization_code'
      | 'client_credentials'
      | 'refresh_token'
      | 'urn:ietf:params:oauth:grant-type:device_code'
    >()
    expectTypeOf<AuthorizationCodeTokenRequestWire['grant_type']>().toEqualTypeOf<'authorization_code'>()
    expectTypeOf<TokenRequestWire['grant_type']>().toEqualTypeOf<
      | 'authorization_code'
      | 'client_credentials'
      | 'refresh_token'
      | 'urn:ietf:params:oauth:grant-type:device_code'
    >()
    expectTypeOf(
      authorizationCodeTokenRequestCodec.decode,
    ).returns.toEqualTypeOf<AuthorizationCodeTokenRequest>()
    expectTypeOf(
      clientCredentialsTokenRequestCodec.decode,
    ).returns.toEqualTypeOf<ClientCredentialsTokenRequest>()
    expectTypeOf(refreshTokenRequestCodec.decode).returns.toEqualTypeOf<RefreshTokenRequest>()
    expectTypeOf<RefreshTokenRequest['refreshToken']>().toEqualTypeOf<string>()
    expectTypeOf<AuthorizationCodeTokenRequest['codeVerifier']>().toEqualTypeOf<string | undefined>()
    expectTypeOf(deviceCodeTokenRequestCodec.decode).returns.toEqualTypeOf<DeviceCodeTokenRequest>()
    expectTypeOf<DeviceCodeTokenRequest['deviceCode']>().toEqualTypeOf<string>()
  })

  it('returns the camelCase model from every codec', () => {
    expectTypeOf(revocationRequestCodec.decode).returns.toEqualTypeOf<RevocationRequest>()
    expectTypeOf(introspectionRequestCodec.decode).returns.toHaveProperty('tokenTypeHint')
    expectTypeOf(introspectionResponseCodec.decode).returns.toEqualTypeOf<IntrospectionResponse>()
    expectTypeOf(authorizationServerMetadataCodec.decode).returns.toEqualTypeOf<AuthorizationServerMetadata>()
    expectTypeOf(jsonWebKeySetCodec.decode).returns.toEqualTypeOf<JsonWebKeySet>()
    expectTypeOf(userInfoResponseCodec.decode).returns.toEqualTypeOf<UserInfoResponse>()
    expectTypeOf(accessTokenClaimsCodec.decode).returns.toEqualTypeOf<AccessTokenClaims>()
    expectTypeOf(idTokenClaimsCodec.decode).returns.toEqualTypeOf<IdTokenClaims>()
    expectTypeOf(errorResponseCodec.decode).returns.toEqualTypeOf<OAuthErrorResponse>()
    expectTypeOf(tokenResponseCodec.decode).returns.toEqualTypeOf<ValidatedOAuthTokenResponse>()
    expectTypeOf(deviceAuthorizationRequestCodec.decode).returns.toEqualTypeOf<DeviceAuthorizationRequest>()
    expectTypeOf(deviceAuthorizationResponseCodec.decode).returns.toEqualTypeOf<DeviceAuthorizationResponse>()
    expectTypeOf(endSessionRequestCodec.decode).returns.toEqualTypeOf<EndSessionRequest>()
  })

  it('pins the members the RFCs require', () => {
    expectTypeOf<IntrospectionResponse['active']>().toEqualTypeOf<boolean>()
    expectTypeOf<IntrospectionResponseWire['aud']>().toEqualTypeOf<string | string[] | undefined>()
    expectTypeOf<AuthorizationServerMetadata['issuer']>().toEqualTypeOf<string>()
    expectTypeOf<AuthorizationServerMetadata['responseTypesSupported']>().toEqualTypeOf<string[]>()
    expectTypeOf<AccessTokenClaims['clientId']>().toEqualTypeOf<string>()
    expectTypeOf<AccessTokenClaims['aud']>().toEqualTypeOf<string | string[]>()
    expectTypeOf<IdTokenClaims['sub']>().toEqualTypeOf<string>()
    expectTypeOf<UserInfoResponse['emailVerified']>().toEqualTypeOf<boolean | undefined>()
    expectTypeOf<DeviceAuthorizationResponse['deviceCode']>().toEqualTypeOf<string>()
    expectTypeOf<DeviceAuthorizationResponse['userCode']>().toEqualTypeOf<string>()
    expectTypeOf<DeviceAuthorizationResponse['verificationUri']>().toEqualTypeOf<string>()
    expectTypeOf<DeviceAuthorizationResponse['expiresIn']>().toEqualTypeOf<number>()
    expectTypeOf<DeviceAuthorizationResponse['interval']>().toEqualTypeOf<number | undefined>()
  })

  it('cannot type a private member into a published key', () => {
    expectTypeOf<JsonWebKeyWire['d']>().toEqualTypeOf<undefined>()
    expectTypeOf<JsonWebKeyWire['k']>().toEqualTypeOf<undefined>()
  })

  it('keeps the error code set open but suggests the known codes', () => {
    expectTypeOf<'invalid_grant'>().toExtend<OAuthErrorCode>()
    expectTypeOf<'authorization_pending'>().toExtend<OAuthErrorCode>()
  })

  it('names every wire schema', () => {
    expectTypeOf<WireSchemaName>().toEqualTypeOf<
      | 'OAuthTokenResponse'
      | 'OAuthErrorResponse'
      | 'AuthorizationCodeTokenRequest'
      | 'ClientCredentialsTokenRequest'
      | 'RefreshTokenRequest'
      | 'DeviceCodeTokenRequest'
      | 'TokenRequest'
      | 'RevocationRequest'
      | 'IntrospectionRequest'
      | 'IntrospectionResponse'
      | 'AuthorizationServerMetadata'
      | 'ProtectedResourceMetadata'
      | 'ClientRegistrationRequest'
      | 'ClientRegistrationResponse'
      | 'DeviceAuthorizationRequest'
      | 'DeviceAuthorizationResponse'
      | 'EndSessionRequest'
      | 'JsonWebKey'
      | 'JsonWebKeySet'
      | 'UserInfoResponse'
      | 'AccessTokenClaims'
      | 'IdTokenClaims'
      | 'PushedAuthorizationResponse'
      | 'DPoPProofClaims'
      | 'ClientAssertionClaims'
      | 'PersonalAccessTokenCreateRequest'
      | 'PersonalAccessToken'
      | 'CreatedPersonalAccessToken'
      | 'PersonalAccessTokenList'
      | 'ConsentedApp'
      | 'ConsentedAppList'
    >()
  })
})
