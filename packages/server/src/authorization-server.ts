import { createHash, randomUUID } from 'node:crypto'
import { userInfoResponseCodec, type ValidatedOAuthTokenResponse } from '@pipeshub/models'
import type { JWK } from 'jose'
import {
  type AuthorizationRequest,
  AuthorizationRequestError,
  buildRedirect,
  parsePrompt,
} from './authorization-request.js'
import {
  type AuthenticatedClient,
  authenticateClient,
  type ClientCredentialsInput,
  claimedClientId,
} from './client-authentication.js'
import { type ClientRegistrationInput, type RegisteredClient, registerClient } from './client-registration.js'
import {
  type ClientRegistrationEndpoint,
  createClientRegistrationEndpoint,
  type DynamicRegistrationOptions,
} from './dynamic-client-registration.js'
import { OAuthError, storageFailure } from './errors.js'
import { hasForbiddenCharacter } from './parameter-characters.js'
import { audienceFor, createResourcePolicies, type ResourcePolicy } from './resource-indicators.js'
import { assertScopesAllowed, PIPESHUB_SCOPES, parseScopeParameter, USER_ONLY_SCOPES } from './scopes.js'
import { createSecretVerifier, generateOpaqueToken, hashOpaqueToken } from './secrets.js'
import type { SecurityEvent, SecurityEventListener } from './security-events.js'
import { createSigningKeyManager, type SigningKeyManager } from './signing-keys.js'
import type {
  ClientRecord,
  RefreshTokenRecord,
  SigningAlgorithm,
  SigningKeyRecord,
  Store,
} from './store/types.js'
import {
  type AccessTokenClaims,
  looksLikeJwt,
  newJti,
  signAccessToken,
  signIdToken,
  verifyAccessToken,
} from './tokens.js'

/**
 * Request parameters after decoding: one value per name; an empty value counts as absent. The repeatable
 * RFC 8707 `resource` carries its values separated by single spaces (`RESOURCE_SEPARATOR`).
 */
export type RequestParameters = Readonly<Record<string, string | undefined>>

export interface EndpointPaths {
  authorization: string
  token: string
  revocation: string
  introspection: string
  userinfo: string
  jwks: string
  openidConfiguration: string
  oauthAuthorizationServer: string
  /** RFC 7591 registration endpoint; a client's configuration endpoint (RFC 7592) is `<it>/<client_id>`. */
  registration: string
}

/** When a refresh token is issued with a user's grant. */
export type RefreshTokenPolicy = 'offline_access' | 'always' | 'never'

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
   * Require `state` in every authorization request (default false: a request with an S256
   * `code_challenge` may leave it out, RFC 9700 §2.1.1; without PKCE `state` is always required).
   */
  requireState?: boolean
  /**
   * Told about failed client authentications, refresh-token and code reuse, key rotations and clients
   * disabled or enabled (`SecurityEvent`), for logs and alerts. A listener that throws is ignored.
   */
  onSecurityEvent?: SecurityEventListener
  /** Clock in epoch seconds (default: `Date.now()`), injectable for tests. */
  now?: () => number
}

export interface IssueAuthorizationCodeInput {
  request: AuthorizationRequest
  /** The authenticated end-user. */
  subject: string
  /** Granted scopes, a subset of the requested ones (default: all requested). */
  scope?: readonly string[]
  /** When the end-user authenticated, epoch seconds. */
  authTime: number
  /** A fixed code value (at least 16 characters) for seeding and contract provider states; random otherwise. */
  code?: string
}

export interface IssueRefreshTokenInput {
  clientId: string
  subject: string
  scope: readonly string[]
  /** When the end-user authenticated (default: now). */
  authTime?: number
  /** A fixed token value (at least 16 characters) for seeding and contract provider states; random otherwise. */
  refreshToken?: string
  /** RFC 8707 resources of the grant, each a configured resource (default: none, the default audience). */
  resources?: readonly string[]
}

/** RFC 7662 §2.2 response, snake_case. */
export interface IntrospectionResult {
  active: boolean
  scope?: string
  client_id?: string
  username?: string
  /** PipesHub's user id of the resource owner (its SDK reads it); the same value as `sub`. */
  user_id?: string
  token_type?: string
  exp?: number
  iat?: number
  sub?: string
  aud?: string | string[]
  iss?: string
  jti?: string
}

export interface AuthorizationServer {
  readonly issuer: string
  readonly store: Store
  readonly paths: EndpointPaths
  readonly signingKeys: SigningKeyManager
  /** The RFC 7591/7592 endpoints when `registration` is configured. */
  readonly registration: ClientRegistrationEndpoint | undefined
  /** The token endpoint (RFC 6749 §3.2): answers the model; the HTTP layer encodes it to the wire. */
  token(
    params: RequestParameters,
    credentials: { authorization?: string | undefined },
  ): Promise<ValidatedOAuthTokenResponse>
  /** RFC 7009 revocation; unknown tokens are ignored, another client's token answers `invalid_request`. */
  revoke(params: RequestParameters, credentials: { authorization?: string | undefined }): Promise<void>
  /** RFC 7662 introspection, for authenticated clients. */
  introspect(
    params: RequestParameters,
    credentials: { authorization?: string | undefined },
  ): Promise<IntrospectionResult>
  /** OIDC UserInfo for a `Bearer` access token carrying `openid`. */
  userinfo(authorization: string | undefined): Promise<Record<string, unknown>>
  /**
   * Verifies an access token issued here (signature, typ, iss, aud, exp, not revoked). The `aud` must
   * hold `audience`: by default the server's own audience; a resource server passes its resource indicator.
   */
  verifyAccessToken(token: string, options?: { audience?: string }): Promise<AccessTokenClaims>
  /** RFC 8414 / OpenID Connect Discovery metadata (one document for both well-known paths). */
  metadata(): Record<string, unknown>
  /** The JWKS document (RFC 7517 §5). */
  jwks(): Promise<{ keys: JWK[] }>
  /** Validates an authorization request; throws `AuthorizationRequestError`. */
  validateAuthorizationRequest(params: RequestParameters): Promise<AuthorizationRequest>
  /** Stores a code for an approved request and answers the redirect URL carrying `code`, `state`, `iss`. */
  issueAuthorizationCode(input: IssueAuthorizationCodeInput): Promise<string>
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

export const DEFAULT_PREFIX = '/api/v1'

/** OIDC Dynamic Client Registration §2: ID tokens are RS256 unless the client registered another. */
export const DEFAULT_ID_TOKEN_ALGORITHM: SigningAlgorithm = 'RS256'

/** The ID-token algorithms a client may register (`id_token_signing_alg_values_supported`). */
export const ID_TOKEN_SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA']

export function endpointPaths(prefix = DEFAULT_PREFIX): EndpointPaths {
  const p = prefix.replace(/\/+$/, '')
  return {
    authorization: `${p}/oauth2/authorize`,
    token: `${p}/oauth2/token`,
    revocation: `${p}/oauth2/revoke`,
    introspection: `${p}/oauth2/introspect`,
    userinfo: `${p}/oauth2/userinfo`,
    jwks: '/.well-known/jwks.json',
    openidConfiguration: '/.well-known/openid-configuration',
    oauthAuthorizationServer: '/.well-known/oauth-authorization-server',
    registration: `${p}/oauth2/register`,
  }
}

const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/
const MAX_PARAMETER_LENGTH = 4096

function param(params: RequestParameters, name: string): string | undefined {
  const value = params[name]
  if (value === undefined || value === '') return undefined
  if (value.length > MAX_PARAMETER_LENGTH && name !== 'scope') {
    throw new OAuthError('invalid_request', `${name} is too long`)
  }
  return value
}

/**
 * Refuses a request any of whose parameters holds a control character (RFC 6749 Appendix A), before
 * anything reads it: such a value can match nothing stored, and some stores cannot even look it up.
 */
function checkCharacters(params: RequestParameters): void {
  for (const [name, value] of Object.entries(params)) {
    // `scope` has its own, stricter grammar check, which answers invalid_scope (RFC 6749 section 3.3).
    if (name !== 'scope' && value !== undefined && hasForbiddenCharacter(value)) {
      throw new OAuthError('invalid_request', `parameter ${name.slice(0, 40)} contains a control character`)
    }
  }
}

function required(params: RequestParameters, name: string): string {
  const value = param(params, name)
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required`)
  return value
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

/** Runs a store call; any failure that is not already an OAuth error becomes a retryable 503. */
async function stored<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw storageFailure(error)
  }
}

export function createAuthorizationServer(options: AuthorizationServerOptions): AuthorizationServer {
  const issuer = options.issuer.replace(/\/+$/, '')
  const store = options.store
  const now = options.now ?? (() => Math.floor(Date.now() / 1000))
  const scopes = options.scopes ?? PIPESHUB_SCOPES
  const registry = new Set(scopes)
  const paths = endpointPaths(options.prefix)
  const baseUrl = (options.baseUrl ?? issuer).replace(/\/+$/, '')
  const audience = options.accessTokenAudience ?? issuer
  const resourcePolicies = createResourcePolicies(options.resources)
  // Introspection and revocation know every token issued here, whichever resource it is for.
  const everyAudience = [audience, ...resourcePolicies.resources]
  const defaultAccessLifetime = options.accessTokenLifetime ?? 3600
  const defaultRefreshLifetime = options.refreshTokenLifetime ?? 30 * 86_400
  const codeLifetime = options.authorizationCodeLifetime ?? 600
  const alg = options.signingAlgorithm ?? 'ES256'
  // Every ID token is signed with one of these; a JWKS publishes the server's algorithm and the default.
  const publishedAlgorithms = [...new Set<SigningAlgorithm>([alg, DEFAULT_ID_TOKEN_ALGORITHM])]
  const refreshPolicy = options.refreshTokenPolicy ?? 'offline_access'
  const reuseInterval = options.refreshTokenReuseInterval ?? 0
  if (!Number.isInteger(reuseInterval) || reuseInterval < 0 || reuseInterval > 300) {
    throw new RangeError('refreshTokenReuseInterval must be an integer from 0 to 300 seconds')
  }
  const introspectionClients = new Set(options.introspectionClients ?? [])
  const signingKeys = createSigningKeyManager({
    store,
    alg,
    now,
    publicationDelay: options.keyPublicationDelay ?? 3600,
    // Longest token signed by a key: the longest access/ID token lifetime a client may have.
    retention: Math.max(86_400, defaultAccessLifetime),
  })

  const emit = (event: SecurityEvent) => {
    try {
      options.onSecurityEvent?.(event)
    } catch {
      // Observability must not change an answer.
    }
  }
  const verifySecretCached = createSecretVerifier()
  const accessLifetime = (client: ClientRecord) => client.accessTokenLifetime ?? defaultAccessLifetime
  const refreshLifetime = (client: ClientRecord) => client.refreshTokenLifetime ?? defaultRefreshLifetime

  const authenticate = async (
    params: RequestParameters,
    credentials: { authorization?: string | undefined },
  ) => {
    const input: ClientCredentialsInput = {
      authorization: credentials.authorization === '' ? undefined : credentials.authorization,
      clientId: param(params, 'client_id'),
      clientSecret: param(params, 'client_secret'),
    }
    try {
      return await authenticateClient(store, input, verifySecretCached)
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'invalid_client') {
        emit({
          type: 'client_authentication_failed',
          clientId: claimedClientId(input),
          reason: error.errorDescription ?? 'invalid_client',
        })
      }
      throw storageFailure(error)
    }
  }

  const wantsRefreshToken = (client: ClientRecord, scope: readonly string[]) => {
    if (!client.grantTypes.includes('refresh_token')) return false
    if (refreshPolicy === 'never') return false
    if (refreshPolicy === 'always') return true
    return scope.includes('offline_access')
  }

  /**
   * The refresh token a grant earns (when `wantsRefreshToken`), with the record that stores it: a new
   * member of `family`, bound to the client and to the access token issued with it.
   */
  const mintRefreshToken = (
    client: ClientRecord,
    family: Pick<RefreshTokenRecord, 'familyId' | 'subject' | 'scope' | 'authTime'>,
    accessToken: { jti: string; expiresAt: number },
    t: number,
  ): { refreshToken: string | undefined; record: RefreshTokenRecord | null } => {
    if (!wantsRefreshToken(client, family.scope)) return { refreshToken: undefined, record: null }
    const refreshToken = generateOpaqueToken()
    return {
      refreshToken,
      record: {
        ...family,
        tokenHash: hashOpaqueToken(refreshToken),
        clientId: client.clientId,
        // Each rotation gets a full lifetime (PipesHub): a grant in use stays alive, an idle one expires.
        expiresAt: t + refreshLifetime(client),
        createdAt: t,
        rotatedAt: null,
        accessTokenJti: accessToken.jti,
        accessTokenExpiresAt: accessToken.expiresAt,
      },
    }
  }

  const signingFailure = (error: unknown) => storageFailure(error)

  interface IssueInput {
    client: ClientRecord
    subject: string
    scope: string[]
    jti: string
    iat: number
    exp: number
    authTime: number | undefined
    idToken: { nonce: string | null; authTime: number } | undefined
    /** RFC 8707 resources the access token is for: its `aud` (none: the default audience). */
    resources: readonly string[]
  }

  const issueTokens = async (input: IssueInput): Promise<{ accessToken: string; idToken?: string }> => {
    const claims: AccessTokenClaims = {
      iss: issuer,
      sub: input.subject,
      aud: audienceFor(input.resources, audience),
      client_id: input.client.clientId,
      iat: input.iat,
      exp: input.exp,
      jti: input.jti,
      scope: input.scope.join(' '),
    }
    if (input.authTime !== undefined) claims.auth_time = input.authTime
    try {
      const accessToken = await signAccessToken(signingKeys, claims)
      if (!input.idToken) return { accessToken }
      const idToken = await signIdToken(
        signingKeys,
        {
          iss: issuer,
          sub: input.subject,
          aud: input.client.clientId,
          exp: input.exp,
          iat: input.iat,
          auth_time: input.idToken.authTime,
          azp: input.client.clientId,
          ...(input.idToken.nonce === null ? {} : { nonce: input.idToken.nonce }),
        },
        accessToken,
        input.client.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_ALGORITHM,
      )
      return { accessToken, idToken }
    } catch (error) {
      throw signingFailure(error)
    }
  }

  const response = (
    accessToken: string,
    expiresIn: number,
    scope: readonly string[],
    refreshToken: string | undefined,
    idToken: string | undefined,
  ): ValidatedOAuthTokenResponse => {
    const body: ValidatedOAuthTokenResponse = { accessToken, tokenType: 'Bearer', expiresIn }
    if (refreshToken !== undefined) body.refreshToken = refreshToken
    if (scope.length > 0) body.scope = scope.join(' ')
    if (idToken !== undefined) body.idToken = idToken
    return body
  }

  const requireGrant = (client: ClientRecord, grant: ClientRecord['grantTypes'][number]) => {
    if (!client.grantTypes.includes(grant)) {
      throw new OAuthError('unauthorized_client', `this client may not use the ${grant} grant`)
    }
  }

  const revokeIssued = async (
    jti: string | null,
    jtiExpiresAt: number | null,
    familyId: string | null,
    t: number,
  ) => {
    if (jti !== null && jtiExpiresAt !== null && jtiExpiresAt > t)
      await store.revokedAccessTokens.revoke(jti, jtiExpiresAt)
    if (familyId !== null) {
      for (const issued of await store.refreshTokens.revokeFamily(familyId, t)) {
        await store.revokedAccessTokens.revoke(issued.jti, issued.expiresAt)
      }
    }
  }

  const clientCredentialsGrant = async (
    params: RequestParameters,
    { client, method }: AuthenticatedClient,
  ) => {
    if (method === 'none' || client.secretHash === null) {
      throw new OAuthError('unauthorized_client', 'client_credentials is for confidential clients only')
    }
    requireGrant(client, 'client_credentials')
    const requested = parseScopeParameter(param(params, 'scope'))
    // PipesHub drops the scopes that need an end-user instead of refusing the request.
    const scope = (requested ?? client.scopes).filter((s) => !USER_ONLY_SCOPES.includes(s))
    assertScopesAllowed(scope, registry, client.scopes)
    // A token for nothing is no answer to a request for something (RFC 6749 section 3.3: fail the request).
    if (scope.length === 0) {
      throw new OAuthError(
        'invalid_scope',
        requested === undefined
          ? 'the client has no scope it may request without an end-user'
          : 'none of the requested scopes can be granted without an end-user',
      )
    }
    const resources = resourcePolicies.parse(params.resource)
    resourcePolicies.assertScopesAccepted(resources, scope)
    const t = now()
    const lifetime = resourcePolicies.lifetime(resources, accessLifetime(client))
    const { accessToken } = await issueTokens({
      client,
      subject: client.clientId,
      scope,
      jti: newJti(),
      iat: t,
      exp: t + lifetime,
      authTime: undefined,
      idToken: undefined,
      resources,
    })
    return response(accessToken, lifetime, scope, undefined, undefined)
  }

  const authorizationCodeGrant = async (params: RequestParameters, { client }: AuthenticatedClient) => {
    const code = required(params, 'code')
    const redirectUri = required(params, 'redirect_uri')
    const verifier = param(params, 'code_verifier')
    if (verifier !== undefined && !CODE_VERIFIER.test(verifier)) {
      throw new OAuthError('invalid_request', 'code_verifier must be 43-128 characters of [A-Za-z0-9-._~]')
    }
    const requestedResources = resourcePolicies.parse(params.resource)
    requireGrant(client, 'authorization_code')
    const codeHash = hashOpaqueToken(code)
    const t = now()
    const record = await stored(() => store.authorizationCodes.get(codeHash))
    const invalidGrant = (description: string) => new OAuthError('invalid_grant', description)
    if (!record || record.clientId !== client.clientId)
      throw invalidGrant('the authorization code is invalid')
    if (record.consumedAt !== null) {
      await stored(() =>
        revokeIssued(
          record.issuedAccessTokenJti,
          record.issuedAccessTokenExpiresAt,
          record.issuedFamilyId,
          t,
        ),
      )
      emit({ type: 'authorization_code_reuse_detected', clientId: client.clientId })
      throw invalidGrant('the authorization code was already used')
    }
    if (record.expiresAt <= t) throw invalidGrant('the authorization code expired')
    if (record.redirectUri !== redirectUri)
      throw invalidGrant('redirect_uri does not match the authorization request')
    if (record.codeChallenge === null) {
      if (verifier !== undefined)
        throw invalidGrant('code_verifier sent for a code issued without code_challenge')
    } else {
      if (verifier === undefined) throw invalidGrant('code_verifier is required')
      const computed = record.codeChallengeMethod === 'plain' ? verifier : s256(verifier)
      if (computed !== record.codeChallenge) throw invalidGrant('code_verifier does not match code_challenge')
    }
    // RFC 8707 section 2.2: the token may be for some of the authorized resources, never for others.
    const resources = resourcePolicies.narrow(record.resources, requestedResources)
    const lifetime = resourcePolicies.lifetime(resources, accessLifetime(client))
    const jti = newJti()
    const familyId = randomUUID()
    const scope = record.scope
    // Sign before the atomic step, so nothing can fail between consuming the code and answering.
    const { accessToken, idToken } = await issueTokens({
      client,
      subject: record.subject,
      scope,
      jti,
      iat: t,
      exp: t + lifetime,
      authTime: record.authTime,
      idToken: scope.includes('openid') ? { nonce: record.nonce, authTime: record.authTime } : undefined,
      resources,
    })
    const { refreshToken, record: refreshTokenRecord } = mintRefreshToken(
      client,
      { familyId, subject: record.subject, scope, authTime: record.authTime },
      { jti, expiresAt: t + lifetime },
      t,
    )
    const consumed = await stored(() =>
      store.authorizationCodes.consume(codeHash, t, {
        accessTokenJti: jti,
        accessTokenExpiresAt: t + lifetime,
        familyId,
        refreshToken: refreshTokenRecord,
      }),
    )
    if (consumed.outcome === 'not_found') throw invalidGrant('the authorization code is invalid')
    if (consumed.outcome === 'already_consumed') {
      const used = consumed.code
      await stored(() =>
        revokeIssued(used.issuedAccessTokenJti, used.issuedAccessTokenExpiresAt, used.issuedFamilyId, t),
      )
      emit({ type: 'authorization_code_reuse_detected', clientId: client.clientId })
      throw invalidGrant('the authorization code was already used')
    }
    return response(accessToken, lifetime, scope, refreshToken, idToken)
  }

  const refreshTokenGrant = async (params: RequestParameters, { client, method }: AuthenticatedClient) => {
    const presented = required(params, 'refresh_token')
    const requested = parseScopeParameter(param(params, 'scope'))
    const requestedResources = resourcePolicies.parse(params.resource)
    requireGrant(client, 'refresh_token')
    const tokenHash = hashOpaqueToken(presented)
    const t = now()
    const invalidGrant = (description: string) => new OAuthError('invalid_grant', description)
    const record = await stored(() => store.refreshTokens.get(tokenHash))
    if (!record || record.clientId !== client.clientId) throw invalidGrant('the refresh token is invalid')
    // Only a client that proved its secret may retry: a public client's token alone proves nothing.
    const reusableSince =
      reuseInterval > 0 && method !== 'none' && client.secretHash !== null ? t - reuseInterval : undefined
    if (record.rotatedAt !== null && (reusableSince === undefined || record.rotatedAt < reusableSince)) {
      await stored(() => revokeIssued(null, null, record.familyId, t))
      emit({
        type: 'refresh_token_reuse_detected',
        clientId: client.clientId,
        subject: record.subject,
        familyId: record.familyId,
      })
      throw invalidGrant('the refresh token was already used; its token family is revoked')
    }
    if (record.expiresAt <= t) throw invalidGrant('the refresh token expired')
    const scope = requested ?? record.scope
    for (const s of scope) {
      if (!record.scope.includes(s))
        throw new OAuthError('invalid_scope', 'a refresh may only narrow the scope')
    }
    // Without configured resources no grant can have any: skip reading the family on the hot path.
    const granted =
      resourcePolicies.resources.length === 0
        ? []
        : ((await stored(() => store.refreshTokens.getFamily(record.familyId)))?.resources ?? [])
    // RFC 8707 section 2.2: a refresh may ask for any subset of the resources of the grant.
    const resources = resourcePolicies.narrow(granted, requestedResources)
    const lifetime = resourcePolicies.lifetime(resources, accessLifetime(client))
    const jti = newJti()
    // RFC 6749 §6: only the access token narrows; the new refresh token keeps the scope of the one
    // presented, so a narrower request (even one without offline_access) never loses the grant.
    const { refreshToken, record: next } = mintRefreshToken(
      client,
      { familyId: record.familyId, subject: record.subject, scope: record.scope, authTime: record.authTime },
      { jti, expiresAt: t + lifetime },
      t,
    )
    const { accessToken, idToken } = await issueTokens({
      client,
      subject: record.subject,
      scope,
      jti,
      iat: t,
      exp: t + lifetime,
      authTime: record.authTime,
      idToken: scope.includes('openid') ? { nonce: null, authTime: record.authTime } : undefined,
      resources,
    })
    const rotated = await stored(() =>
      store.refreshTokens.rotate(tokenHash, t, next, reusableSince === undefined ? {} : { reusableSince }),
    )
    if (rotated.outcome === 'already_rotated') {
      await stored(() => revokeIssued(null, null, record.familyId, t))
      emit({
        type: 'refresh_token_reuse_detected',
        clientId: client.clientId,
        subject: record.subject,
        familyId: record.familyId,
      })
      throw invalidGrant('the refresh token was already used; its token family is revoked')
    }
    if (rotated.outcome === 'inactive') throw invalidGrant('the refresh token is no longer valid')
    return response(accessToken, lifetime, scope, refreshToken, idToken)
  }

  /** `audiences`: the token's `aud` must hold one of them (default: the server's own audience). */
  const verify = async (
    token: string,
    audiences: string | readonly string[] = audience,
  ): Promise<AccessTokenClaims> => {
    const claims = await verifyAccessToken(signingKeys, token, {
      issuer,
      audience: audiences,
      now: now(),
      alg,
    }).catch((error) => {
      throw error instanceof OAuthError ? error : storageFailure(error)
    })
    if (await stored(() => store.revokedAccessTokens.isRevoked(claims.jti))) {
      throw new OAuthError('invalid_token', 'the access token was revoked', {
        status: 401,
        wwwAuthenticate: 'Bearer error="invalid_token", error_description="the access token was revoked"',
      })
    }
    // A disabled client's tokens stop being active (RFC 7662 §2.2) without being revoked one by one.
    const owner = await stored(() => store.clients.get(claims.client_id))
    if (owner && owner.disabledAt !== null) {
      throw new OAuthError('invalid_token', 'the client of the access token is disabled', {
        status: 401,
        wwwAuthenticate:
          'Bearer error="invalid_token", error_description="the client of the access token is disabled"',
      })
    }
    return claims
  }

  // RFC 7009 §2.1: a token issued to another client is refused with an error, not silently kept.
  const notOwner = () => new OAuthError('invalid_request', 'the token was not issued to this client')

  const setDisabled = async (clientId: string, disabledAt: number | null): Promise<boolean> => {
    const client = await stored(() => store.clients.get(clientId))
    if (!client) return false
    if ((client.disabledAt === null) === (disabledAt === null)) return true
    return stored(() => store.clients.update({ ...client, disabledAt }))
  }

  const registration =
    options.registration === undefined
      ? undefined
      : createClientRegistrationEndpoint(
          { store, now, scopes, registrationUrl: `${baseUrl}${paths.registration}` },
          options.registration,
        )

  const server: AuthorizationServer = {
    issuer,
    store,
    paths,
    signingKeys,
    registration,
    now,

    async token(params, credentials) {
      checkCharacters(params)
      const grantType = required(params, 'grant_type')
      if (!['authorization_code', 'client_credentials', 'refresh_token'].includes(grantType)) {
        throw new OAuthError(
          'unsupported_grant_type',
          'grant_type must be authorization_code, client_credentials or refresh_token',
        )
      }
      const authenticated = await authenticate(params, credentials)
      switch (grantType) {
        case 'client_credentials':
          return clientCredentialsGrant(params, authenticated)
        case 'authorization_code':
          return authorizationCodeGrant(params, authenticated)
        default:
          return refreshTokenGrant(params, authenticated)
      }
    },

    async revoke(params, credentials) {
      checkCharacters(params)
      const token = required(params, 'token')
      const { client } = await authenticate(params, credentials)
      const t = now()
      if (looksLikeJwt(token)) {
        let claims: AccessTokenClaims | undefined
        try {
          claims = await verifyAccessToken(signingKeys, token, {
            issuer,
            audience: everyAudience,
            now: t,
            alg,
          })
        } catch (error) {
          if (!(error instanceof OAuthError)) throw storageFailure(error)
        }
        // RFC 7009 §2.2: an invalid or unknown token needs no action and still answers 200.
        if (!claims) return
        if (claims.client_id !== client.clientId) throw notOwner()
        const exp = claims.exp
        await stored(() => store.revokedAccessTokens.revoke(claims.jti, exp))
        return
      }
      const record = await stored(() => store.refreshTokens.get(hashOpaqueToken(token)))
      if (!record) return
      if (record.clientId !== client.clientId) throw notOwner()
      await stored(() => revokeIssued(null, null, record.familyId, t))
    },

    async introspect(params, credentials) {
      checkCharacters(params)
      const token = required(params, 'token')
      const { client, method } = await authenticate(params, credentials)
      if (method === 'none')
        throw new OAuthError('invalid_client', 'introspection needs an authenticated client', { status: 401 })
      const t = now()
      if (looksLikeJwt(token)) {
        let claims: AccessTokenClaims
        try {
          claims = await verify(token, everyAudience)
        } catch (error) {
          if (error instanceof OAuthError && error.error === 'invalid_token') return { active: false }
          throw error
        }
        // RFC 7662 section 4: a client learns about its own tokens; only the configured resource servers
        // learn about every access token. Anything else is indistinguishable from an unknown token.
        if (claims.client_id !== client.clientId && !introspectionClients.has(client.clientId)) {
          return { active: false }
        }
        const result: IntrospectionResult = {
          active: true,
          ...(claims.scope === '' ? {} : { scope: claims.scope }),
          client_id: claims.client_id,
          token_type: 'Bearer',
          exp: claims.exp,
          iat: claims.iat,
          sub: claims.sub,
          aud: claims.aud,
          iss: claims.iss,
          jti: claims.jti,
        }
        if (claims.sub !== claims.client_id) {
          const user = await stored(() => store.users.get(claims.sub))
          if (user) {
            result.username = user.username
            // PipesHub's SDK reads the user from `user_id` (its value is the subject).
            result.user_id = user.subject
          }
        }
        return result
      }
      const record = await stored(() => store.refreshTokens.get(hashOpaqueToken(token)))
      // A refresh token is only revealed to the client it was issued to.
      if (
        !record ||
        record.clientId !== client.clientId ||
        record.rotatedAt !== null ||
        record.expiresAt <= t
      ) {
        return { active: false }
      }
      const family = await stored(() => store.refreshTokens.getFamily(record.familyId))
      if (!family || family.revokedAt !== null) return { active: false }
      const result: IntrospectionResult = {
        active: true,
        ...(record.scope.length === 0 ? {} : { scope: record.scope.join(' ') }),
        client_id: record.clientId,
        token_type: 'refresh_token',
        exp: record.expiresAt,
        iat: record.createdAt,
        sub: record.subject,
        iss: issuer,
      }
      const user = await stored(() => store.users.get(record.subject))
      if (user) {
        result.username = user.username
        result.user_id = user.subject
      }
      return result
    },

    async userinfo(authorization) {
      // RFC 6750 section 3.1: a request without any authentication (or with another scheme) gets only
      // the challenge, no error code; a Bearer credential that is malformed or fails is invalid_token.
      if (authorization === undefined || !/^Bearer(?: |$)/i.test(authorization)) {
        throw new OAuthError('invalid_request', 'a Bearer access token is required', {
          status: 401,
          wwwAuthenticate: 'Bearer realm="pipeshub"',
          challengeOnly: true,
        })
      }
      const match = /^Bearer[ ]+([\x21-\x7E]+)[ ]*$/i.exec(authorization)
      if (!match?.[1]) {
        throw new OAuthError('invalid_token', 'the Bearer access token is malformed', {
          status: 401,
          wwwAuthenticate: 'Bearer realm="pipeshub", error="invalid_token"',
        })
      }
      const claims = await verify(match[1])
      const granted = claims.scope.split(' ')
      if (!granted.includes('openid')) {
        throw new OAuthError('insufficient_scope', 'the access token lacks the openid scope', {
          status: 403,
          wwwAuthenticate: 'Bearer error="insufficient_scope", scope="openid"',
        })
      }
      const user = await stored(() => store.users.get(claims.sub))
      if (!user) {
        throw new OAuthError('invalid_token', 'the end-user no longer exists', {
          status: 401,
          wwwAuthenticate: 'Bearer error="invalid_token"',
        })
      }
      // `user_id` always: PipesHub's SDK requires it (the same value as `sub`).
      const body: Record<string, unknown> = { sub: user.subject, user_id: user.subject }
      if (granted.includes('profile')) {
        body.preferred_username = user.username
        if (user.name !== null) body.name = user.name
        if (user.givenName != null) body.given_name = user.givenName
        if (user.familyName != null) body.family_name = user.familyName
        body.updated_at = user.updatedAt ?? user.createdAt
      }
      if (granted.includes('email') && user.email !== null) {
        body.email = user.email
        body.email_verified = user.emailVerified
      }
      // A stored value the UserInfo schema refuses (an empty name, say) is left out: one bad field must
      // not fail every answer for this user.
      for (const issue of userInfoResponseCodec.validate(body)) {
        const member = issue.path.split('/')[1]
        if (member !== undefined && member !== '' && member !== 'sub') delete body[member]
      }
      return body
    },

    verifyAccessToken: (token, verifyOptions) => verify(token, verifyOptions?.audience ?? audience),

    metadata() {
      const url = (path: string) => `${baseUrl}${path}`
      return {
        issuer,
        authorization_endpoint: url(paths.authorization),
        token_endpoint: url(paths.token),
        jwks_uri: url(paths.jwks),
        userinfo_endpoint: url(paths.userinfo),
        revocation_endpoint: url(paths.revocation),
        introspection_endpoint: url(paths.introspection),
        ...(registration === undefined ? {} : { registration_endpoint: url(paths.registration) }),
        scopes_supported: [...scopes],
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        // OpenID Connect Discovery §3: request_uri_parameter_supported defaults to true, so say false.
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['public'],
        // OpenID Connect Discovery §3: RS256 must be listed; it is the default of every client.
        id_token_signing_alg_values_supported: [...ID_TOKEN_SIGNING_ALGORITHMS],
        claims_supported: [
          'iss',
          'sub',
          'aud',
          'exp',
          'iat',
          'auth_time',
          'nonce',
          'at_hash',
          'azp',
          'name',
          'preferred_username',
          'email',
          'email_verified',
        ],
        authorization_response_iss_parameter_supported: true,
      }
    },

    async jwks() {
      try {
        // A JWKS without a signing key would let a client cache an empty set: create the first key of
        // the access-token algorithm and of the default ID-token algorithm now.
        await Promise.all(publishedAlgorithms.map((a) => signingKeys.signingKey(a)))
        return { keys: await signingKeys.publicJwks() }
      } catch (error) {
        throw storageFailure(error)
      }
    },

    async validateAuthorizationRequest(params) {
      const state = params.state === '' ? undefined : params.state
      const noRedirect = (error: OAuthError) => new AuthorizationRequestError(error, { issuer, state })
      let clientId: string
      let redirectParam: string | undefined
      try {
        // Not redirected: the redirect would have to carry the bad value back in `state`.
        checkCharacters(params)
        clientId = required(params, 'client_id')
        redirectParam = param(params, 'redirect_uri')
      } catch (error) {
        throw noRedirect(error as OAuthError)
      }
      const client = await stored(() => store.clients.get(clientId))
      if (!client) throw noRedirect(new OAuthError('invalid_request', 'unknown client_id'))
      // RFC 6749 §4.1.2.1: an invalid client is never redirected to.
      if (client.disabledAt !== null)
        throw noRedirect(new OAuthError('invalid_request', 'the client is disabled'))
      let redirectUri: string
      if (redirectParam === undefined) {
        if (client.redirectUris.length !== 1 || !client.redirectUris[0]) {
          throw noRedirect(new OAuthError('invalid_request', 'redirect_uri is required'))
        }
        redirectUri = client.redirectUris[0]
      } else if (client.redirectUris.includes(redirectParam)) {
        redirectUri = redirectParam
      } else {
        throw noRedirect(new OAuthError('invalid_request', 'redirect_uri is not registered for this client'))
      }
      const redirectable = (error: OAuthError) =>
        new AuthorizationRequestError(error, { issuer, state, redirectUri })
      try {
        const responseType = required(params, 'response_type')
        if (responseType !== 'code')
          throw new OAuthError('unsupported_response_type', 'response_type must be code')
        if (!client.grantTypes.includes('authorization_code')) {
          throw new OAuthError('unauthorized_client', 'this client may not use the authorization_code grant')
        }
        // OIDC Core §3.1.2.6: request objects are not supported, and saying so beats ignoring them.
        if (param(params, 'request') !== undefined)
          throw new OAuthError('request_not_supported', 'request objects are not supported')
        if (param(params, 'request_uri') !== undefined)
          throw new OAuthError('request_uri_not_supported', 'request_uri is not supported')
        const responseMode = param(params, 'response_mode')
        if (responseMode !== undefined && responseMode !== 'query')
          throw new OAuthError('invalid_request', 'response_mode must be query')
        if (state !== undefined && state.length > MAX_PARAMETER_LENGTH)
          throw new OAuthError('invalid_request', 'state is too long')
        const prompt = parsePrompt(param(params, 'prompt'))
        const scope = parseScopeParameter(param(params, 'scope'))
        if (scope === undefined) throw new OAuthError('invalid_scope', 'scope is required')
        assertScopesAllowed(scope, registry, client.scopes)
        const resources = resourcePolicies.parse(params.resource)
        resourcePolicies.assertScopesAccepted(resources, scope)
        const codeChallenge = param(params, 'code_challenge') ?? null
        let method = (param(params, 'code_challenge_method') ?? null) as string | null
        if (codeChallenge === null) {
          if (method !== null)
            throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge')
          if (client.secretHash === null)
            throw new OAuthError('invalid_request', 'PKCE (code_challenge) is required for public clients')
        } else {
          // RFC 7636 §4.3: the method defaults to plain.
          method ??= 'plain'
          if (method === 'S256') {
            if (!S256_CHALLENGE.test(codeChallenge))
              throw new OAuthError('invalid_request', 'code_challenge is not a base64url SHA-256 digest')
          } else if (method === 'plain') {
            if (!client.allowPlainPkce)
              throw new OAuthError('invalid_request', 'code_challenge_method must be S256')
            if (!CODE_VERIFIER.test(codeChallenge))
              throw new OAuthError('invalid_request', 'code_challenge is malformed')
          } else {
            throw new OAuthError('invalid_request', 'code_challenge_method must be S256')
          }
        }
        // RFC 6749 §4.1.1 recommends state; RFC 9700 §2.1.1 lets an S256 code_challenge carry the CSRF
        // protection instead (openid-client leaves state out when the server supports PKCE).
        if (state === undefined && (options.requireState === true || method !== 'S256'))
          throw new OAuthError('invalid_request', 'state is required')
        const nonce = param(params, 'nonce') ?? null
        if (nonce !== null && nonce.length > 512) throw new OAuthError('invalid_request', 'nonce is too long')
        const maxAgeParam = param(params, 'max_age')
        // OIDC Core section 3.1.2.1: a non-negative integer number of seconds.
        if (maxAgeParam !== undefined && !/^\d{1,10}$/.test(maxAgeParam))
          throw new OAuthError('invalid_request', 'max_age must be a non-negative integer (seconds)')
        const maxAge = maxAgeParam === undefined ? null : Number(maxAgeParam)
        return {
          client,
          clientId,
          redirectUri,
          scope,
          state,
          codeChallenge,
          codeChallengeMethod: method as 'S256' | 'plain' | null,
          nonce,
          prompt,
          maxAge,
          resources,
        }
      } catch (error) {
        if (error instanceof OAuthError && error.error !== 'temporarily_unavailable')
          throw redirectable(error)
        throw error
      }
    },

    async issueAuthorizationCode(input) {
      const { request } = input
      const scope = input.scope === undefined ? request.scope : [...new Set(input.scope)]
      // A grant of no scope would answer a token response without `scope` to a request that named some.
      if (scope.length === 0)
        throw new OAuthError('invalid_scope', 'no scope is granted: deny the request instead')
      for (const s of scope) {
        if (!request.scope.includes(s)) throw new OAuthError('invalid_scope', `scope ${s} was not requested`)
      }
      if (input.code !== undefined && input.code.length < 16) {
        throw new OAuthError('invalid_request', 'a fixed authorization code needs at least 16 characters')
      }
      const code = input.code ?? generateOpaqueToken()
      const t = now()
      await stored(() =>
        store.authorizationCodes.create({
          codeHash: hashOpaqueToken(code),
          clientId: request.clientId,
          subject: input.subject,
          redirectUri: request.redirectUri,
          scope,
          codeChallenge: request.codeChallenge,
          codeChallengeMethod: request.codeChallengeMethod,
          nonce: request.nonce,
          authTime: input.authTime,
          resources: [...request.resources],
          expiresAt: t + codeLifetime,
          createdAt: t,
          consumedAt: null,
          issuedAccessTokenJti: null,
          issuedAccessTokenExpiresAt: null,
          issuedFamilyId: null,
        }),
      )
      return buildRedirect(request.redirectUri, { code, state: request.state, iss: issuer })
    },

    denyAuthorization(request, error = 'access_denied', description = 'the end-user denied the request') {
      return buildRedirect(request.redirectUri, {
        error,
        error_description: description,
        state: request.state,
        iss: issuer,
      })
    },

    async registerClient(input) {
      const registered = await registerClient(store, { scopeRegistry: scopes, now: now(), ...input })
      // A key of the client's ID-token algorithm is published before its first ID token is signed.
      const idTokenAlg = registered.client.idTokenSignedResponseAlg
      if (idTokenAlg !== null) await stored(() => signingKeys.signingKey(idTokenAlg))
      return registered
    },

    async issueRefreshToken(input) {
      if (input.refreshToken !== undefined && input.refreshToken.length < 16) {
        throw new OAuthError('invalid_request', 'a fixed refresh token needs at least 16 characters')
      }
      const client = await stored(() => store.clients.get(input.clientId))
      if (!client) throw new OAuthError('invalid_client', 'unknown client', { status: 401 })
      assertScopesAllowed(input.scope, registry, client.scopes)
      const resources = resourcePolicies.parse(input.resources)
      resourcePolicies.assertScopesAccepted(resources, input.scope)
      const t = now()
      const refreshToken = input.refreshToken ?? generateOpaqueToken()
      const familyId = randomUUID()
      const authTime = input.authTime ?? t
      await stored(async () => {
        await store.refreshTokens.createFamily({
          familyId,
          clientId: client.clientId,
          subject: input.subject,
          authTime,
          createdAt: t,
          revokedAt: null,
          resources,
        })
        await store.refreshTokens.create({
          tokenHash: hashOpaqueToken(refreshToken),
          familyId,
          clientId: client.clientId,
          subject: input.subject,
          scope: [...new Set(input.scope)],
          authTime,
          expiresAt: t + refreshLifetime(client),
          createdAt: t,
          rotatedAt: null,
          accessTokenJti: null,
          accessTokenExpiresAt: null,
        })
      })
      return refreshToken
    },

    async purgeExpired() {
      const t = now()
      return stored(async () => {
        const counts = await Promise.all([
          store.authorizationCodes.deleteExpired(t),
          store.refreshTokens.deleteExpired(t),
          store.sessions.deleteExpired(t),
          store.revokedAccessTokens.deleteExpired(t),
        ])
        return counts.reduce((a, b) => a + b, 0)
      })
    },

    async disableClient(clientId) {
      const known = await setDisabled(clientId, now())
      if (known) emit({ type: 'client_disabled', clientId })
      return known
    },

    async enableClient(clientId) {
      const known = await setDisabled(clientId, null)
      if (known) emit({ type: 'client_enabled', clientId })
      return known
    },

    async rotateSigningKeysIfDue(maxAge) {
      const keys = await stored(() => signingKeys.rotateIfDue(maxAge))
      for (const key of keys)
        emit({ type: 'signing_key_rotated', kid: key.kid, alg: key.alg, activatesAt: key.activatesAt })
      return keys
    },

    async rotateSigningKeys() {
      const keys = await stored(() => signingKeys.rotate())
      for (const key of keys)
        emit({ type: 'signing_key_rotated', kid: key.kid, alg: key.alg, activatesAt: key.activatesAt })
      return keys
    },
  }
  return server
}
