// The public API of @pipeshub/server, by name. The storage adapters are on their own subpaths
// (`@pipeshub/server/sqlite`, `@pipeshub/server/postgres`); everything not listed here is internal.

export { APP_MANAGEMENT_SCOPE } from './administrator-authentication.js'
export { type AppManagement, oauthAppView } from './app-management.js'
// The authorization server and its options
export {
  type AuthorizationRequest,
  AuthorizationRequestError,
  authenticationTooOld,
  type PromptValue,
} from './authorization-request.js'
export {
  type AuthorizationServer,
  type AuthorizationServerOptions,
  createAuthorizationServer,
} from './authorization-server.js'
export { CLIENT_ASSERTION_ALGORITHMS, MAX_ASSERTION_LIFETIME } from './client-assertion.js'
export type { ClientCredentialsInput } from './client-authentication.js'
export {
  type BasicCredentials,
  claimedClientId,
  type ParsedBasicCredentials,
  parseBasicCredentials,
} from './client-authentication.js'
export {
  ACCESS_TOKEN_LIFETIME_BOUNDS,
  buildClient,
  type ClientMetadataInput,
  type ClientRegistrationInput,
  REFRESH_TOKEN_LIFETIME_BOUNDS,
  type RegisteredClient,
  registerClient,
  updateClient,
} from './client-registration.js'
export { type ConsentRequest, consentCovers, widenedConsent } from './consent-coverage.js'
export type { ConsentedApps } from './consented-apps.js'
export {
  formatUserCode,
  generateUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
} from './device-user-code.js'
export { type DPoPChallengeParameters, dpopChallenge } from './dpop/challenge.js'
export { createDPoPNonces, type DPoPNonceOptions, type DPoPNonces } from './dpop/nonce.js'
export {
  accessTokenThumbprint,
  createDPoPProofVerifier,
  DPOP_SIGNING_ALGORITHMS,
  DPoPProofError,
  type DPoPProofExpectation,
  type DPoPProofVerifier,
  type DPoPProofVerifierOptions,
  type VerifiedDPoPProof,
} from './dpop/proof.js'
export type { ClientRegistrationEndpoint, DynamicRegistrationOptions } from './dynamic-client-registration.js'
export type {
  DeviceAuthorizationEndpoint,
  DeviceAuthorizationOptions,
  DeviceAuthorizationUserDecision,
  PendingDeviceAuthorization,
} from './endpoints/device-authorization.js'
export type {
  EndSessionEndpoint,
  IdTokenHint,
  ValidatedEndSessionRequest,
} from './endpoints/end-session.js'
export { DEFAULT_PREFIX, type EndpointPaths, endpointPaths } from './endpoints/paths.js'
export { OAuthError, type OAuthErrorOptions, StorageError } from './errors.js'
export type { IssueAuthorizationCodeInput } from './grants/authorization-code.js'
export type { IssueRefreshTokenInput } from './grants/refresh-token.js'
export type { GrantType } from './grants/registry.js'
// Fastify: the app, the plugin, what a host sets on its root instance, route schemas for OpenAPI
export {
  type AuthorizationServerApp,
  type AuthorizationServerAppOptions,
  buildAuthorizationServerApp,
} from './http/app.js'
export { requestBasicCredentials } from './http/basic-credentials.js'
export { oauthCorsHeaders } from './http/cors.js'
export {
  oauthClientErrorHandler,
  oauthFrameworkErrors,
  oauthNotFoundHandler,
} from './http/framework-errors.js'
export {
  type AuthorizationHook,
  type AuthorizationHookContext,
  type EndSessionHook,
  type EndSessionHookContext,
  type OAuth2PluginOptions,
  oauth2Plugin,
} from './http/plugin.js'
export {
  type BearerGuardOptions,
  bearerGuard,
  type ProtectedResourcePluginOptions,
  protectedResourceMetadataPath,
  protectedResourcePlugin,
  protectedResourceRouteSchema,
  type ResourceChallenge,
  resourceMetadataChallenge,
} from './http/protected-resource.js'
export { oauthErrorHandler } from './http/responses.js'
export {
  AuthorizationRedirectResponse,
  AuthorizationRequestQuery,
  OAuthErrorResponseBody,
  type OAuthRouteSchema,
  oauthRouteSchemas,
  oauthSecuritySchemes,
} from './http/route-schemas.js'
export {
  isPersonalAccessToken,
  type PersonalAccessTokenEndpoint,
  type PersonalAccessTokenOptions,
} from './personal-access-tokens.js'
export {
  insufficientScopeFor,
  type PresentedToken,
  type PresentedTokenOptions,
  type PresentedTokenRequest,
  verifyPresentedToken,
} from './presented-token.js'
export type { RequestCredentials, RequestParameters } from './request-parameters.js'
export { RESOURCE_SEPARATOR, type ResourcePolicy } from './resource-indicators.js'
export { ADMIN_ONLY_SCOPES, PIPESHUB_SCOPES, USER_ONLY_SCOPES } from './scopes.js'
export {
  CLIENT_SECRET_HASH_COST,
  generateClientSecret,
  type HashSecretOptions,
  hashOpaqueToken,
  hashSecret,
  verifyClientSecret,
  verifySecret,
} from './secrets.js'
export type { SecurityEvent, SecurityEventListener } from './security-events.js'
export type { RefreshTokenPolicy, VerifiedBearerToken } from './server-context.js'
export type { ActiveSigningKey, SigningKeyManager } from './signing-keys.js'
// Storage: the in-memory store and the contract every adapter implements
export { createMemoryStore } from './store/memory.js'
export type {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
  ClientAuthenticationMethod,
  ClientJwks,
  ClientRecord,
  ClientRegistrationRecord,
  ClientRegistrationStore,
  ClientStore,
  CodeIssuance,
  ConsentedApp,
  ConsentRecord,
  ConsentStore,
  ConsumeCodeResult,
  CreatePersonalAccessTokenResult,
  DeviceAuthorizationDecision,
  DeviceAuthorizationStatus,
  DeviceCodePollResult,
  DeviceCodeRecord,
  DeviceCodeStore,
  GrantOwner,
  GrantStore,
  LiveToken,
  PersonalAccessTokenRecord,
  PersonalAccessTokenStore,
  PushedAuthorizationRequestRecord,
  PushedAuthorizationRequestStore,
  RefreshTokenFamilyRecord,
  RefreshTokenRecord,
  RefreshTokenStore,
  RevokedAccessTokenStore,
  RotateRefreshTokenOptions,
  RotateRefreshTokenResult,
  SeedRecords,
  SessionRecord,
  SessionStore,
  SigningAlgorithm,
  SigningKeyAbsence,
  SigningKeyRecord,
  SigningKeyRetirement,
  SigningKeyStore,
  Store,
  UsedJwtIdStore,
  UserRecord,
  UserStore,
  WithUserStatus,
} from './store/types.js'
export type { IssuedAccessTokenClaims } from './tokens.js'
