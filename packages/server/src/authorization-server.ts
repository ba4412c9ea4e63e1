import {
  groupScopesByCategory,
  type IntrospectionResponseWire,
  type PushedAuthorizationResponse,
  type ScopeCatalogueWire,
  type ValidatedOAuthTokenResponse,
} from '@pipeshub/models'
import type { JWK } from 'jose'
import { authenticateAdministrator } from './administrator-authentication.js'
import { type AppManagement, createAppManagement } from './app-management.js'
import {
  type AuthorizationRequest,
  denyAuthorization,
  validateAuthorizationRequest,
} from './authorization-request.js'
import type { ClientJwksUriOptions } from './client-jwks-uri.js'
import {
  type ClientRegistrationInput,
  type RegisteredClient,
  registerServerClient,
} from './client-registration.js'
import { setClientDisabled } from './client-status.js'
import { type ConsentedApps, createConsentedApps } from './consented-apps.js'
import {
  type ClientRegistrationEndpoint,
  createClientRegistrationEndpoint,
  type DynamicRegistrationOptions,
} from './dynamic-client-registration.js'
import {
  createDeviceAuthorizationEndpoint,
  type DeviceAuthorizationEndpoint,
} from './endpoints/device-authorization.js'
import { discoveryDocument } from './endpoints/discovery.js'
import { createEndSessionEndpoint, type EndSessionEndpoint } from './endpoints/end-session.js'
import { createIntrospectionEndpoint } from './endpoints/introspection.js'
import { createJwksEndpoint } from './endpoints/jwks.js'
import { type EndpointPaths, endpointPaths } from './endpoints/paths.js'
import type { ResourceRequest } from './endpoints/presented-access-token.js'
import { createPushedAuthorizationRequestEndpoint } from './endpoints/pushed-authorization-request.js'
import { createRevocationEndpoint } from './endpoints/revocation.js'
import { createTokenEndpoint } from './endpoints/token.js'
import { createUserInfoEndpoint } from './endpoints/userinfo.js'
import { type IssueAuthorizationCodeInput, issueAuthorizationCode } from './grants/authorization-code.js'
import { type IssueRefreshTokenInput, issueRefreshToken } from './grants/refresh-token.js'
import { createTokenMinter } from './grants/token-minting.js'
import { purgeExpired, rotateSigningKeys } from './maintenance.js'
import {
  createPersonalAccessTokenEndpoint,
  type PersonalAccessTokenEndpoint,
  type PersonalAccessTokenOptions,
} from './personal-access-tokens.js'
import type { RequestCredentials, RequestParameters } from './request-parameters.js'
import type { ResourcePolicy } from './resource-indicators.js'
import type { SecurityEventListener } from './security-events.js'
import {
  createServerContext,
  type DPoPOptions,
  type RefreshTokenPolicy,
  type VerifiedBearerToken,
} from './server-context.js'
import type { SigningKeyManager } from './signing-keys.js'
import type { SigningAlgorithm, SigningKeyRecord, Store, UserRecord } from './store/types.js'
import type { IssuedAccessTokenClaims } from './tokens.js'
import { setUserDisabled } from './user-status.js'

export interface AuthorizationServerOptions {
  /** The issuer identifier (RFC 8414 §2): https URL without query or fragment. */
  issuer: string
  store: Store
  /** Known scopes (default: PipesHub's catalogue). */
  scopes?: readonly string[]
  /** Base URL of the endpoints in discovery (default: the issuer). */
  baseUrl?: string
  /** Prefix of the OAuth endpoints (default `/api/v1`); the well-known documents stay at the root. */
  prefix?: string
  /** `aud` of access tokens that name no resource (default: the issuer). */
  accessTokenAudience?: string
  /**
   * The resource servers clients may name with RFC 8707 `resource`, each with the scopes it accepts and
   * its token lifetime; a token for them carries them as `aud`. Any other resource is `invalid_target`.
   */
  resources?: readonly ResourcePolicy[]
  /**
   * RFC 7591 dynamic client registration (and RFC 7592 management): open, or gated by initial access
   * tokens. Absent: no registration endpoint.
   */
  registration?: DynamicRegistrationOptions
  /**
   * The end-users' personal access tokens (`/api/v1/personal-access-tokens`) and their limits; `false`
   * turns the API off (default: on, 50 live tokens per user, 30 days unless the creation names a lifetime).
   */
  personalAccessTokens?: PersonalAccessTokenOptions | false
  /** Seconds (default 3600); clients may override within 300-86400. */
  accessTokenLifetime?: number
  /** Seconds (default 30 days); clients may override within 1 hour - 1 year. */
  refreshTokenLifetime?: number
  /** Seconds (default 600). */
  authorizationCodeLifetime?: number
  /**
   * Signing algorithm of access tokens (default ES256). ID tokens are RS256 unless the client registered
   * `id_token_signed_response_alg` (OIDC Dynamic Client Registration §2); JWKS holds a key per algorithm.
   */
  signingAlgorithm?: SigningAlgorithm
  /**
   * RFC 8628 §3.2 `verification_uri`: the page where people type a device's user code (default
   * `<baseUrl>/device`, the token server's page); the host application serves it, reading and deciding
   * pending authorizations with `deviceAuthorization.find` and `.decide`.
   */
  deviceVerificationUri?: string
  /** Seconds a device code and its user code live (default 600, 60-3600). */
  deviceCodeLifetime?: number
  /** Seconds a device waits between polls (RFC 8628 §3.2 `interval`, default 5, 1-60). */
  devicePollingInterval?: number
  /** Seconds a rotated-in key is published before it signs (default 3600). */
  keyPublicationDelay?: number
  /**
   * Seconds during which a confidential client may present a refresh token it already rotated again, for
   * a retry whose answer was lost (Auth0's "reuse interval", Okta's grace period): it gets a working
   * successor and the successor issued before is revoked, so one refresh token of the family stays
   * live. Default 0 (off); public clients never get it. Outside it, a reuse revokes the family.
   */
  refreshTokenReuseInterval?: number
  /** Default `offline_access` (PipesHub): refresh tokens only when `offline_access` is granted to a user. */
  refreshTokenPolicy?: RefreshTokenPolicy
  /**
   * Client ids of resource servers that may introspect any access token (RFC 7662 section 4). Every other
   * client learns only about tokens issued to itself; other tokens answer `{"active":false}`.
   */
  introspectionClients?: readonly string[]
  /**
   * Client ids whose end-user access tokens (with `openid`) may act on the user's account: the personal
   * access token API and the consents API. Default none: a token of any other client, a third-party app
   * the user allowed, answers 403 `insufficient_scope`, so that it cannot see or revoke the user's other
   * apps nor mint personal access tokens that outlive its own grant. Name the host's own frontend here.
   */
  accountClients?: readonly string[]
  /**
   * Require `state` in every authorization request (default false: a request with an S256
   * `code_challenge` may leave it out, RFC 9700 §2.1.1; without PKCE `state` is always required).
   */
  requireState?: boolean
  /**
   * RFC 9126 §5: refuse every authorization request that was not pushed to the pushed authorization
   * request endpoint (default false; a client can require it for itself, `requirePushedAuthorizationRequests`).
   */
  requirePushedAuthorizationRequests?: boolean
  /** Seconds a pushed request's `request_uri` is valid for, 5-600 (default 60, RFC 9126 §2.2 `expires_in`). */
  pushedAuthorizationRequestLifetime?: number
  /**
   * Told about failed client authentications, refresh-token and code reuse, key rotations and clients
   * disabled or enabled (`SecurityEvent`), for logs and alerts. A listener that throws is ignored.
   */
  onSecurityEvent?: SecurityEventListener
  /**
   * Whether an end-user is an administrator of the organisation (default: nobody is). Only
   * administrators may grant PipesHub's admin-only scopes (`ADMIN_ONLY_SCOPES`, such as `org:admin`);
   * for anyone else an authorization code carrying one is refused.
   */
  isAdministrator?: (user: UserRecord) => boolean | Promise<boolean>
  /**
   * DPoP (RFC 9449): proofs are always accepted at the token and userinfo endpoints; these set the
   * server nonce (off by default) and the freshness of proofs.
   */
  dpop?: DPoPOptions
  /**
   * How the keys of `private_key_jwt` clients registered with a `jwks_uri` are fetched: `timeout`
   * (5000 ms), `cooldown` before an unknown `kid` fetches again (30000 ms), `cacheMaxAge` (600000 ms).
   */
  clientJwksUri?: ClientJwksUriOptions
  /** Clock in epoch seconds (default: `Date.now()`), injectable for tests. */
  now?: () => number
}

export interface AuthorizationServer {
  readonly issuer: string
  readonly store: Store
  readonly paths: EndpointPaths
  readonly signingKeys: SigningKeyManager
  /** The RFC 7591/7592 endpoints when `registration` is configured. */
  readonly registration: ClientRegistrationEndpoint | undefined
  /**
   * RFC 8628: the device authorization endpoint (`authorize`), and what the verification page calls:
   * `find` a pending authorization by its user code, `decide` it once.
   */
  readonly deviceAuthorization: DeviceAuthorizationEndpoint
  /**
   * OpenID Connect RP-Initiated Logout 1.0: validates logout requests (`validate`) and builds the
   * post-logout redirect (`redirectUrl`); ending the browser session is the host's `endSession` hook.
   */
  readonly endSession: EndSessionEndpoint
  /** The personal-access-token API, unless `personalAccessTokens: false`. */
  readonly personalAccessTokens: PersonalAccessTokenEndpoint | undefined
  /** The token endpoint (RFC 6749 §3.2): answers the model; the HTTP layer encodes it to the wire. */
  token(params: RequestParameters, credentials: RequestCredentials): Promise<ValidatedOAuthTokenResponse>
  /**
   * The pushed authorization request endpoint (RFC 9126 §2): authenticates the client as the token
   * endpoint does, validates the request as the authorization endpoint does, and answers its
   * single-use `request_uri`.
   */
  pushAuthorizationRequest(
    params: RequestParameters,
    credentials: RequestCredentials,
  ): Promise<PushedAuthorizationResponse>
  /** RFC 7009 revocation; unknown tokens are ignored, another client's token answers `invalid_request`. */
  revoke(params: RequestParameters, credentials: RequestCredentials): Promise<void>
  /** RFC 7662 introspection, for authenticated clients. */
  introspect(params: RequestParameters, credentials: RequestCredentials): Promise<IntrospectionResponseWire>
  /**
   * OIDC UserInfo for an access token carrying `openid`: `Bearer`, or `DPoP` with the request's proof
   * (`request.dpop`, `request.method`) for a DPoP-bound token (RFC 9449 §7).
   */
  userinfo(authorization: string | undefined, request?: ResourceRequest): Promise<Record<string, unknown>>
  /**
   * The nonce to send in `DPoP-Nonce` with token and userinfo responses when `dpop.requireNonce` is set
   * (RFC 9449 §8), else `undefined`.
   */
  dpopNonce(): Promise<string | undefined>
  /**
   * Verifies an access token issued here (signature, typ, iss, aud, exp, not revoked). The `aud` must
   * hold `audience`: by default the server's own audience; a resource server passes its resource indicator.
   */
  verifyAccessToken(token: string, options?: { audience?: string }): Promise<IssuedAccessTokenClaims>
  /**
   * As `verifyAccessToken`, and an end-user's personal access token (`phpat_...`) is accepted too, for
   * the server's own audience only; answers which kind it is, its subject and scopes.
   */
  verifyBearerToken(token: string, options?: { audience?: string }): Promise<VerifiedBearerToken>
  /** RFC 8414 / OpenID Connect Discovery metadata (one document for both well-known paths). */
  metadata(): Record<string, unknown>
  /** The JWKS document (RFC 7517 §5). */
  jwks(): Promise<{ keys: JWK[] }>
  /** Validates an authorization request; throws `AuthorizationRequestError`. */
  validateAuthorizationRequest(params: RequestParameters): Promise<AuthorizationRequest>
  /** Stores a code for an approved request and answers the redirect URL carrying `code`, `state`, `iss`. */
  issueAuthorizationCode(input: IssueAuthorizationCodeInput): Promise<string>
  /** Whether the end-user `subject` is an administrator of the organisation (`isAdministrator`). */
  isAdministrator(subject: string): Promise<boolean>
  /**
   * The scopes of `scope` the end-user `subject` may not grant (the admin-only ones, unless an
   * administrator): a consent page leaves them out or refuses the request; `issueAuthorizationCode`
   * refuses them.
   */
  refusedScopes(subject: string, scope: readonly string[]): Promise<string[]>
  /**
   * The apps the end-user allowed and taking one back (`/api/v1/oauth2/consents`, and the host's own
   * pages for a signed-in user).
   */
  readonly consentedApps: ConsentedApps
  /** PipesHub's OAuth app management (what `/api/v1/oauth-clients` and the admin CLI call). */
  readonly appManagement: AppManagement
  /**
   * The administrator a request's `Authorization` header authenticates for app management: a Bearer
   * access token of this server carrying `org:admin`, of an end-user who `isAdministrator`. Answers the
   * subject; throws `invalid_request` (401), `invalid_token` (401), `insufficient_scope` or
   * `access_denied` (403). A DPoP-bound token comes as `DPoP` with a proof in `request.dpop` for
   * `request.method` and `<baseUrl><request.path>` (RFC 9449 §7).
   */
  authenticateAdministrator(
    authorization: string | undefined,
    request?: ResourceRequest & { path: string },
  ): Promise<string>
  /** Every scope the server knows, described and grouped by category (`GET <oauthClients>/scopes`). */
  scopeCatalogue(): ScopeCatalogueWire
  /** The redirect URL refusing a request (`access_denied` by default). */
  denyAuthorization(request: AuthorizationRequest, error?: string, description?: string): string
  registerClient(input: ClientRegistrationInput): Promise<RegisteredClient>
  /**
   * Disables a client: it fails client authentication (`invalid_client`), its authorization requests are
   * refused and its tokens stop being active. False when the client is unknown.
   */
  disableClient(clientId: string): Promise<boolean>
  /** Enables a disabled client again; its unexpired tokens become active again. False when unknown. */
  enableClient(clientId: string): Promise<boolean>
  /**
   * Disables an end-user by subject: their authorization codes and refresh tokens answer `invalid_grant`,
   * their access tokens stop being active (introspection, userinfo). The host's login must refuse them
   * (`UserRecord.disabledAt`). False when the user is unknown.
   */
  disableUser(subject: string): Promise<boolean>
  /** Enables a disabled user again; their unexpired tokens work again. False when unknown. */
  enableUser(subject: string): Promise<boolean>
  /**
   * Stores a refresh token (in a new family) for a client and user as if a grant had issued it: for
   * seeding, migrations from another server and contract provider states. Answers the token value.
   */
  issueRefreshToken(input: IssueRefreshTokenInput): Promise<string>
  /** Deletes expired codes, refresh tokens, sessions and revoked-token entries; answers how many. */
  purgeExpired(): Promise<number>
  /**
   * Publishes a new key for each algorithm in use; each starts signing after `keyPublicationDelay`.
   * Answers the new keys, the access-token algorithm first.
   */
  rotateSigningKeys(): Promise<SigningKeyRecord[]>
  /**
   * Rotates each algorithm in use only when none of its keys was created in the last `maxAge` seconds;
   * safe to run on a schedule in every instance sharing a store (one of them rotates each algorithm).
   * Answers the new keys (empty when nothing was due).
   */
  rotateSigningKeysIfDue(maxAge: number): Promise<SigningKeyRecord[]>
  now(): number
}

/**
 * The authorization server: its endpoints (`endpoints/`) and grants (`grants/`, dispatched by the token
 * endpoint through the registry) put together over one shared context. It holds no OAuth logic itself.
 */
export function createAuthorizationServer(options: AuthorizationServerOptions): AuthorizationServer {
  const paths = endpointPaths(options.prefix)
  const baseUrl = (options.baseUrl ?? options.issuer).replace(/\/+$/, '')
  const context = createServerContext({
    ...options,
    assertionAudiences: [
      paths.token,
      paths.pushedAuthorizationRequest,
      paths.revocation,
      paths.introspection,
      paths.deviceAuthorization,
    ].map((path) => `${baseUrl}${path}`),
  })
  const { issuer, store, now, scopes, signingKeys } = context
  const registration =
    options.registration === undefined
      ? undefined
      : createClientRegistrationEndpoint(
          { store, now, scopes, registrationUrl: `${baseUrl}${paths.registration}` },
          options.registration,
        )

  return {
    issuer,
    store,
    paths,
    signingKeys,
    registration,
    personalAccessTokens:
      options.personalAccessTokens === false
        ? undefined
        : createPersonalAccessTokenEndpoint(
            context,
            options.personalAccessTokens,
            `${baseUrl}${paths.personalAccessTokens}`,
          ),
    now,
    token: createTokenEndpoint(
      { ...context, tokens: createTokenMinter(context) },
      `${baseUrl}${paths.token}`,
    ),
    pushAuthorizationRequest: createPushedAuthorizationRequestEndpoint(
      context,
      `${baseUrl}${paths.pushedAuthorizationRequest}`,
    ),
    deviceAuthorization: createDeviceAuthorizationEndpoint(context, {
      verificationUri: options.deviceVerificationUri ?? `${baseUrl}/device`,
    }),
    endSession: createEndSessionEndpoint(context),
    revoke: createRevocationEndpoint(context),
    introspect: createIntrospectionEndpoint(context),
    userinfo: createUserInfoEndpoint(context, `${baseUrl}${paths.userinfo}`),
    dpopNonce: () => context.dpop.nonce(),
    jwks: createJwksEndpoint(context),
    metadata: () => discoveryDocument(context, paths, baseUrl, registration !== undefined),
    verifyAccessToken: (token, verifyOptions) => context.verifyAccessToken(token, verifyOptions?.audience),
    verifyBearerToken: (token, verifyOptions) => context.verifyBearerToken(token, verifyOptions?.audience),
    validateAuthorizationRequest: (params) => validateAuthorizationRequest(context, params),
    issueAuthorizationCode: (input) => issueAuthorizationCode(context, input),
    isAdministrator: (subject) => context.isAdministrator(subject),
    appManagement: createAppManagement(context),
    consentedApps: createConsentedApps(context, `${baseUrl}${paths.consents}`),
    authenticateAdministrator: (authorization, request = { method: 'GET', path: paths.oauthClients }) =>
      authenticateAdministrator(context, authorization, {
        method: request.method,
        dpop: request.dpop,
        url: `${baseUrl}${request.path}`,
      }),
    scopeCatalogue: () => ({ categories: groupScopesByCategory(scopes) }),
    refusedScopes: (subject, scope) => context.refusedScopes(subject, scope),
    denyAuthorization: (request, error, description) =>
      denyAuthorization(issuer, request, error, description),
    issueRefreshToken: (input) => issueRefreshToken(context, input),
    registerClient: (input) => registerServerClient(context, input),
    disableClient: (clientId) => setClientDisabled(context, clientId, true),
    enableClient: (clientId) => setClientDisabled(context, clientId, false),
    disableUser: (subject) => setUserDisabled(context, subject, true),
    enableUser: (subject) => setUserDisabled(context, subject, false),
    purgeExpired: () => purgeExpired(context),
    rotateSigningKeys: () => rotateSigningKeys(context),
    rotateSigningKeysIfDue: (maxAge) => rotateSigningKeys(context, maxAge),
  }
}
