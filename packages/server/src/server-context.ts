import { invalidTokenError } from './bearer.js'
import {
  type AuthenticatedClient,
  authenticateClient,
  type ClientCredentialsInput,
  claimedClientId,
} from './client-authentication.js'
import { type ClientJwksUriOptions, createClientJwksUriKeys } from './client-jwks-uri.js'
import { createDPoPNonces, signingKeyNonceSecrets } from './dpop/nonce.js'
import { createDPoPProofVerifier, type DPoPProofVerifier } from './dpop/proof.js'
import { OAuthError, storageFailure, stored } from './errors.js'
import { isPersonalAccessToken, verifyPersonalAccessToken } from './personal-access-tokens.js'
import { param, type RequestCredentials, type RequestParameters } from './request-parameters.js'
import { createResourcePolicies, type ResourcePolicies, type ResourcePolicy } from './resource-indicators.js'
import { ADMIN_ONLY_SCOPES, PIPESHUB_SCOPES } from './scopes.js'
import { createSecretVerifier } from './secrets.js'
import type { SecurityEvent, SecurityEventListener } from './security-events.js'
import { createSigningKeyManager, type SigningKeyManager } from './signing-keys.js'
import type {
  ClientRecord,
  PersonalAccessTokenRecord,
  SigningAlgorithm,
  Store,
  UserRecord,
} from './store/types.js'
import { type IssuedAccessTokenClaims, verifyAccessToken } from './tokens.js'
import { isUserDisabled } from './user-status.js'

/** A Bearer token this server issued and that is active: an access token (JWT) or a personal access token. */
export type VerifiedBearerToken =
  | { type: 'access_token'; subject: string; scope: string[]; claims: IssuedAccessTokenClaims }
  | { type: 'personal_access_token'; subject: string; scope: string[]; token: PersonalAccessTokenRecord }

/** When a refresh token is issued with a user's grant. */
export type RefreshTokenPolicy = 'offline_access' | 'always' | 'never'

/** RFC 9449 (DPoP) settings of the server. */
export interface DPoPOptions {
  /**
   * Require a server-provided nonce in every DPoP proof (RFC 9449 §8, default false): a proof without
   * a current one answers `use_dpop_nonce` with the nonce in `DPoP-Nonce`.
   */
  requireNonce?: boolean | undefined
  /**
   * The secret nonces are made with (at least 32 characters), the same in every instance. Default: one
   * derived from the signing keys in the store, which every instance shares already.
   */
  nonceSecret?: string | undefined
  /** Seconds a nonce stays current (default 300); a nonce is accepted for one to two periods. */
  noncePeriod?: number | undefined
  /** Seconds a proof is accepted after its `iat` (default 300). */
  proofLifetime?: number | undefined
  /** Seconds a proof's `iat` may be ahead of the server's clock (default 60). */
  clockSkew?: number | undefined
}

/** The settings every grant and endpoint reads, with the defaults filled in. */
export interface ServerSettings {
  /** `aud` of access tokens that name no resource. */
  readonly audience: string
  /** Every audience a token issued here may carry: introspection and revocation know them all. */
  readonly everyAudience: readonly string[]
  /** Signing algorithm of access tokens. */
  readonly alg: SigningAlgorithm
  readonly authorizationCodeLifetime: number
  /** RFC 8628: lifetime of a device code and its user code, seconds. */
  readonly deviceCodeLifetime: number
  /** RFC 8628 §3.2 `interval`: seconds a device waits between polls. */
  readonly devicePollingInterval: number
  readonly refreshTokenPolicy: RefreshTokenPolicy
  readonly refreshTokenReuseInterval: number
  readonly introspectionClients: ReadonlySet<string>
  /** Clients whose end-user access tokens may manage the user's account (personal access tokens, consents). */
  readonly accountClients: ReadonlySet<string>
  readonly requireState: boolean
  /** RFC 9126 §5: every authorization request must be pushed. */
  readonly requirePushedAuthorizationRequests: boolean
  /** Seconds a pushed request's `request_uri` is valid for (`expires_in`, RFC 9126 §2.2). */
  readonly pushedAuthorizationRequestLifetime: number
  /**
   * Seconds a pushed request stays usable once the user agent brought its `request_uri`: the login and
   * consent re-post it, and the code is issued (which consumes it) at the end.
   */
  readonly pushedAuthorizationInteractionLifetime: number
  accessTokenLifetime(client: ClientRecord): number
  refreshTokenLifetime(client: ClientRecord): number
}

/**
 * What the grants and endpoints of one server share: its identity, store, clock, scopes, resources,
 * keys, settings, and the checks every endpoint makes the same way (client authentication, access-token
 * verification). Built once per server by `createServerContext`.
 */
export interface ServerContext {
  readonly issuer: string
  readonly store: Store
  readonly now: () => number
  /** Every scope the server knows, in catalogue order. */
  readonly scopes: readonly string[]
  readonly scopeRegistry: ReadonlySet<string>
  readonly resourcePolicies: ResourcePolicies
  readonly signingKeys: SigningKeyManager
  readonly settings: ServerSettings
  /** RFC 9449 §4.3: checks the DPoP proofs of token and resource requests. */
  readonly dpop: DPoPProofVerifier
  /** Tells the `onSecurityEvent` listener; a listener that throws changes no answer. */
  emit(event: SecurityEvent): void
  /** RFC 6749 §2.3 client authentication of a token, revocation or introspection request. */
  authenticate(params: RequestParameters, credentials: RequestCredentials): Promise<AuthenticatedClient>
  /**
   * Verifies an access token issued here and still active (not revoked, its client not disabled);
   * `audiences`: its `aud` must hold one of them (default: the server's own audience).
   */
  verifyAccessToken(token: string, audiences?: string | readonly string[]): Promise<IssuedAccessTokenClaims>
  /**
   * As `verifyAccessToken`, and a personal access token is accepted too when `audiences` holds the
   * server's own audience (personal access tokens are for this server's API, not other resources).
   */
  verifyBearerToken(token: string, audiences?: string | readonly string[]): Promise<VerifiedBearerToken>
  /** Whether the end-user `subject` is an administrator of the organisation (`isAdministrator` option). */
  isAdministrator(subject: string): Promise<boolean>
  /** The scopes of `scope` the end-user `subject` may not grant: the admin-only ones, unless an administrator. */
  refusedScopes(subject: string, scope: readonly string[]): Promise<string[]>
}

/** The options `createServerContext` reads (the server's options, see `AuthorizationServerOptions`). */
export interface ServerContextOptions {
  issuer: string
  store: Store
  scopes?: readonly string[] | undefined
  accessTokenAudience?: string | undefined
  resources?: readonly ResourcePolicy[] | undefined
  accessTokenLifetime?: number | undefined
  refreshTokenLifetime?: number | undefined
  authorizationCodeLifetime?: number | undefined
  deviceCodeLifetime?: number | undefined
  devicePollingInterval?: number | undefined
  signingAlgorithm?: SigningAlgorithm | undefined
  keyPublicationDelay?: number | undefined
  refreshTokenReuseInterval?: number | undefined
  refreshTokenPolicy?: RefreshTokenPolicy | undefined
  introspectionClients?: readonly string[] | undefined
  accountClients?: readonly string[] | undefined
  requireState?: boolean | undefined
  requirePushedAuthorizationRequests?: boolean | undefined
  pushedAuthorizationRequestLifetime?: number | undefined
  onSecurityEvent?: SecurityEventListener | undefined
  dpop?: DPoPOptions | undefined
  isAdministrator?: ((user: UserRecord) => boolean | Promise<boolean>) | undefined
  now?: (() => number) | undefined
  /**
   * What a client assertion's `aud` may be besides the issuer: the URLs of the endpoints that
   * authenticate clients (RFC 7523 §3; RFC 9126 §2 adds the pushed authorization request endpoint).
   */
  assertionAudiences?: readonly string[] | undefined
  clientJwksUri?: ClientJwksUriOptions | undefined
}

export function createServerContext(options: ServerContextOptions): ServerContext {
  const issuer = options.issuer.replace(/\/+$/, '')
  const store = options.store
  const now = options.now ?? (() => Math.floor(Date.now() / 1000))
  const scopes = options.scopes ?? PIPESHUB_SCOPES
  const audience = options.accessTokenAudience ?? issuer
  const resourcePolicies = createResourcePolicies(options.resources)
  const defaultAccessLifetime = options.accessTokenLifetime ?? 3600
  const defaultRefreshLifetime = options.refreshTokenLifetime ?? 30 * 86_400
  const alg = options.signingAlgorithm ?? 'ES256'
  const reuseInterval = options.refreshTokenReuseInterval ?? 0
  if (!Number.isInteger(reuseInterval) || reuseInterval < 0 || reuseInterval > 300) {
    throw new RangeError('refreshTokenReuseInterval must be an integer from 0 to 300 seconds')
  }
  const deviceCodeLifetime = options.deviceCodeLifetime ?? 600
  if (!Number.isInteger(deviceCodeLifetime) || deviceCodeLifetime < 60 || deviceCodeLifetime > 3600) {
    throw new RangeError('deviceCodeLifetime must be an integer from 60 to 3600 seconds')
  }
  const devicePollingInterval = options.devicePollingInterval ?? 5
  if (!Number.isInteger(devicePollingInterval) || devicePollingInterval < 1 || devicePollingInterval > 60) {
    throw new RangeError('devicePollingInterval must be an integer from 1 to 60 seconds')
  }
  const signingKeys = createSigningKeyManager({
    store,
    alg,
    now,
    publicationDelay: options.keyPublicationDelay ?? 3600,
    // Longest token signed by a key: the longest access/ID token lifetime a client may have.
    retention: Math.max(86_400, defaultAccessLifetime),
  })
  const parLifetime = options.pushedAuthorizationRequestLifetime ?? 60
  if (!Number.isInteger(parLifetime) || parLifetime < 5 || parLifetime > 600) {
    throw new RangeError('pushedAuthorizationRequestLifetime must be an integer from 5 to 600 seconds')
  }
  const settings: ServerSettings = {
    audience,
    everyAudience: [audience, ...resourcePolicies.resources],
    alg,
    authorizationCodeLifetime: options.authorizationCodeLifetime ?? 600,
    deviceCodeLifetime,
    devicePollingInterval,
    refreshTokenPolicy: options.refreshTokenPolicy ?? 'offline_access',
    refreshTokenReuseInterval: reuseInterval,
    introspectionClients: new Set(options.introspectionClients ?? []),
    accountClients: new Set(options.accountClients ?? []),
    requireState: options.requireState === true,
    requirePushedAuthorizationRequests: options.requirePushedAuthorizationRequests === true,
    pushedAuthorizationRequestLifetime: parLifetime,
    pushedAuthorizationInteractionLifetime: 600,
    accessTokenLifetime: (client) => client.accessTokenLifetime ?? defaultAccessLifetime,
    refreshTokenLifetime: (client) => client.refreshTokenLifetime ?? defaultRefreshLifetime,
  }

  const dpopOptions = options.dpop ?? {}
  if (dpopOptions.nonceSecret !== undefined && dpopOptions.nonceSecret.length < 32) {
    throw new RangeError('dpop.nonceSecret must have at least 32 characters')
  }
  const nonceSecret = dpopOptions.nonceSecret
  const dpop = createDPoPProofVerifier({
    usedJwtIds: store.usedJwtIds,
    now,
    proofLifetime: dpopOptions.proofLifetime,
    clockSkew: dpopOptions.clockSkew,
    nonces:
      dpopOptions.requireNonce === true
        ? createDPoPNonces({
            now,
            period: dpopOptions.noncePeriod,
            secrets:
              nonceSecret === undefined
                ? signingKeyNonceSecrets({
                    list: () => store.signingKeys.list(),
                    ensureKey: () => signingKeys.signingKey(),
                    alg,
                    now,
                  })
                : async () => [Buffer.from(nonceSecret, 'utf8')],
          })
        : undefined,
  })

  const emit = (event: SecurityEvent) => {
    try {
      options.onSecurityEvent?.(event)
    } catch {
      // Observability must not change an answer.
    }
  }
  const verifySecretCached = createSecretVerifier()
  const assertionAudiences = [issuer, ...(options.assertionAudiences ?? [])]
  const jwksUriKeys = createClientJwksUriKeys(options.clientJwksUri)
  const isAdministrator = async (subject: string) => {
    const decide = options.isAdministrator
    if (decide === undefined) return false
    const user = await stored(() => store.users.get(subject))
    return user !== undefined && (await decide(user)) === true
  }

  const context: ServerContext = {
    issuer,
    store,
    now,
    scopes,
    scopeRegistry: new Set(scopes),
    resourcePolicies,
    signingKeys,
    settings,
    dpop,
    emit,
    isAdministrator,
    async refusedScopes(subject, scope) {
      const adminOnly = scope.filter((token) => ADMIN_ONLY_SCOPES.includes(token))
      return adminOnly.length === 0 || (await isAdministrator(subject)) ? [] : adminOnly
    },

    async authenticate(params, credentials) {
      const input: ClientCredentialsInput = {
        authorization: credentials.authorization === '' ? undefined : credentials.authorization,
        clientId: param(params, 'client_id'),
        clientSecret: param(params, 'client_secret'),
        clientAssertionType: param(params, 'client_assertion_type'),
        clientAssertion: params.client_assertion === '' ? undefined : params.client_assertion,
        basic: credentials.basic,
      }
      try {
        return await authenticateClient(store, input, verifySecretCached, {
          audiences: assertionAudiences,
          now: now(),
          jwksUriKeys,
        })
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
    },

    async verifyAccessToken(token, audiences = audience) {
      const claims = await stored(() =>
        verifyAccessToken(signingKeys, token, { issuer, audience: audiences, now: now(), alg }),
      )
      if (await stored(() => store.revokedAccessTokens.isRevoked(claims.jti))) {
        throw invalidTokenError('the access token was revoked')
      }
      // A disabled client's tokens stop being active (RFC 7662 §2.2) without being revoked one by one.
      const owner = await stored(() => store.clients.get(claims.client_id))
      // A deleted app's tokens go with it (client_credentials ones are stored nowhere to revoke).
      if (!owner) throw invalidTokenError('the client of the access token no longer exists')
      if (owner.disabledAt !== null) {
        throw invalidTokenError('the client of the access token is disabled')
      }
      // An administrator revoked every token of the app (client_credentials ones are stored nowhere).
      if (owner?.tokensRevokedAt != null && claims.iat <= owner.tokensRevokedAt) {
        throw invalidTokenError('the access token was revoked')
      }
      // So do a disabled end-user's (a client_credentials token's `sub` is its client: no user).
      if (claims.sub !== claims.client_id && (await isUserDisabled(store, claims.sub))) {
        throw new OAuthError('invalid_token', 'the user of the access token is disabled', {
          status: 401,
          wwwAuthenticate:
            'Bearer error="invalid_token", error_description="the user of the access token is disabled"',
        })
      }
      return claims
    },

    async verifyBearerToken(token, audiences = audience) {
      if (isPersonalAccessToken(token)) {
        if (!(typeof audiences === 'string' ? [audiences] : audiences).includes(audience))
          throw invalidTokenError('a personal access token is not for this resource')
        const record = await verifyPersonalAccessToken(store, token, now())
        return { type: 'personal_access_token', subject: record.subject, scope: record.scope, token: record }
      }
      const claims = await context.verifyAccessToken(token, audiences)
      const scope = claims.scope === '' ? [] : claims.scope.split(' ')
      return { type: 'access_token', subject: claims.sub, scope, claims }
    },
  }
  return context
}
