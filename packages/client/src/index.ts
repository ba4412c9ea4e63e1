export type {
  AuthorizationServerMetadata,
  DeviceAuthorizationResponse,
  IdTokenClaims,
  IntrospectionResponse,
  OAuthTokenResponse,
  PushedAuthorizationResponse,
  UserInfoResponse,
  ValidatedOAuthTokenResponse,
  ValidationIssue,
} from '@pipeshub/models'
export type { AuthorizationCallback } from './authorization-callback.js'
export {
  CLIENT_ASSERTION_LIFETIME_SECONDS,
  type PrivateKeyJwtOptions,
} from './client-assertion.js'
export {
  basicAuthorizationHeader,
  type ClientAuthenticationMethod,
  formUrlEncode,
} from './client-authentication.js'
export { CodeFlowClient } from './code-flow-client.js'
export type { DevicePollingEvent, DevicePollingOptions } from './device-polling.js'
export { type DiscoveredMetadata, type DiscoveryOptions, discover, type ServerMetadata } from './discovery.js'
export {
  accessTokenHashForDPoP,
  DPOP_ALGORITHM_PREFERENCE,
  DPoPKey,
  type DPoPProofRequest,
  dpopAlgorithmFor,
  dpopTargetUri,
} from './dpop.js'
export { type EndSessionParameters, endSessionUrl } from './end-session.js'
export {
  AuthorizationCallbackError,
  type AuthorizationCallbackFailure,
  DeviceAuthorizationDeniedError,
  DeviceAuthorizationExpiredError,
  HttpError,
  IdTokenValidationError,
  NetworkError,
  OAuthClientError,
  OAuthError,
  ReauthorizationRequiredError,
  RefreshTokenPersistenceError,
  ResponseValidationError,
  StateMismatchError,
  TimeoutError,
} from './errors.js'
export type { ExtensionGrantOptions, ExtensionGrantParameters } from './extension-grant.js'
export type { CallOptions, FetchLike } from './http.js'
export { DEFAULT_ID_TOKEN_ALGORITHMS } from './id-token.js'
export {
  type AccessTokenCredential,
  type AuthorizationCallbackParameters,
  type AuthorizationCodeParameters,
  type AuthorizationRequest,
  type AuthorizationRequestParameters,
  type ClientCredentialsParameters,
  type CodeFlowClientOptions,
  type DeviceAuthorizationParameters,
  type IdTokenValidationParameters,
  type IntrospectionParameters,
  OAuthClient,
  type OAuthClientOptions,
  type ProtectedResourceRequest,
  type PushedAuthorizationRequest,
  type PushedAuthorizationRequestParameters,
  type RefreshParameters,
  type RevocationParameters,
  type Scope,
  type TokenTypeHint,
  type UserInfoParameters,
} from './oauth-client.js'
export { codeChallengeS256, generateCodeVerifier, randomToken } from './pkce.js'
export {
  type DiscoveredResourceMetadata,
  discoverAuthorizationServerForResource,
  discoverResourceMetadata,
  type ResourceDiscovery,
  type ResourceDiscoveryOptions,
  resourceMetadataFromChallenge,
} from './protected-resource.js'
export type { WithRaw } from './raw.js'
export { appendResource, type Resource } from './resource.js'
export { parseRetryAfter, type RetryOptions } from './retry.js'
export {
  createTokenManager,
  TokenManager,
  type TokenManagerGrant,
  type TokenManagerOptions,
} from './token-manager.js'
export type { TokenResponse } from './token-response.js'
export type { TransportOptions } from './transport-options.js'
export { type AuthenticationChallenge, parseWwwAuthenticate } from './www-authenticate.js'
