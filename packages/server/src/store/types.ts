/**
 * The storage contract of the authorization server. Every adapter (memory, SQLite, PostgreSQL) passes
 * the same conformance suite. Times are epoch seconds. Single-use of authorization codes and rotation of
 * refresh tokens are atomic inside the adapter, so that several server instances can share one store.
 */

export type GrantType = import('../grants/registry.js').GrantType
export type ClientAuthenticationMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'none'
export type SigningAlgorithm = 'ES256' | 'EdDSA' | 'RS256'

export interface ClientRecord {
  /** A UUID. */
  clientId: string
  /** `hashSecret` of the client secret; `null` for a public client (authentication method `none`). */
  secretHash: string | null
  name: string
  /** Registered redirect URIs, compared by exact string match. */
  redirectUris: string[]
  /**
   * OpenID Connect RP-Initiated Logout 1.0 §3.1 `post_logout_redirect_uris`: where the end-session
   * endpoint may send the browser after logout, compared by exact string. Absent means none
   * (migration 16).
   */
  postLogoutRedirectUris?: string[] | undefined
  grantTypes: GrantType[]
  /** Scopes the client may request. */
  scopes: string[]
  /**
   * Web origins (`https://app.example.com`, scheme, host and port only) of browser apps of this client:
   * the token, revocation and userinfo endpoints answer CORS requests from these origins only.
   */
  webOrigins: string[]
  /** Accept `code_challenge_method=plain` (PipesHub compatibility); S256 is always accepted. */
  allowPlainPkce: boolean
  /** Access-token lifetime in seconds, 300-86400; `null` for the server default. */
  accessTokenLifetime: number | null
  /** Refresh-token lifetime in seconds, 3600-31536000; `null` for the server default. */
  refreshTokenLifetime: number | null
  createdAt: number
  /**
   * When the client was disabled, `null` while enabled. A disabled client fails client authentication
   * (`invalid_client`), its authorization requests are refused, and its access and refresh tokens stop
   * being active; enabling it again restores the tokens that have not expired meanwhile.
   */
  disabledAt: number | null
  /**
   * `id_token_signed_response_alg` (OIDC Dynamic Client Registration §2): the algorithm of this client's
   * ID tokens; `null` for the default, RS256.
   */
  idTokenSignedResponseAlg: SigningAlgorithm | null
  /** What the app does, for the consent page and app management; absent or `null` when none. */
  description?: string | null | undefined
  /** https URL of the app's logo; absent or `null` when none. */
  logoUrl?: string | null | undefined
  /** https URL of the app's home page; absent or `null` when none. */
  homepageUrl?: string | null | undefined
  /** https URL of the app's privacy policy; absent or `null` when none. */
  privacyPolicyUrl?: string | null | undefined
  /**
   * When an administrator revoked every token of the app: its access tokens issued at or before this
   * time are inactive (client_credentials ones too); absent or `null` when never.
   */
  tokensRevokedAt?: number | null | undefined
  /**
   * RFC 9126 §6: the client's authorization requests must be pushed (`require_pushed_authorization_requests`
   * client metadata); false: as the server's setting says. Migration 15.
   */
  requirePushedAuthorizationRequests: boolean
  /**
   * The client's public keys (RFC 7591 `jwks`): with them and no secret it authenticates with
   * `private_key_jwt` (RFC 7523 §2.2); `null` for other clients. Migration 15.
   */
  jwks: ClientJwks | null
  /**
   * `token_endpoint_auth_signing_alg` (RFC 7591 §2): the one algorithm its client assertions may use;
   * `null`: any asymmetric algorithm the server supports.
   */
  tokenEndpointAuthSigningAlg: string | null
  /**
   * RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request of this client must carry a DPoP
   * proof, so that all its access tokens are DPoP-bound. Absent means false.
   */
  dpopBoundAccessTokens?: boolean | undefined
  /**
   * RFC 7591 `jwks_uri`: where the client publishes its public keys, fetched when it authenticates
   * with `private_key_jwt` (so it rotates them without re-registering); https, or http on a loopback
   * address. Never together with `jwks`. Absent for other clients. Migration 19.
   */
  jwksUri?: string | undefined
}

/** A client's JSON Web Key Set (RFC 7517 §5): public keys only. */
export interface ClientJwks {
  keys: Array<Record<string, unknown>>
}

export interface UserRecord {
  /** The stable `sub` claim. */
  subject: string
  /** Unique login name (`preferred_username`). */
  username: string
  /** `hashSecret` of the password, `null` when the user cannot log in with a password. */
  passwordHash: string | null
  name: string | null
  /** OIDC `given_name` (the `profile` scope); absent or `null` when unknown. */
  givenName?: string | null | undefined
  /** OIDC `family_name` (the `profile` scope); absent or `null` when unknown. */
  familyName?: string | null | undefined
  email: string | null
  emailVerified: boolean
  createdAt: number
  /** When the profile last changed (OIDC `updated_at`); absent or `null` means never since `createdAt`. */
  updatedAt?: number | null | undefined
  /**
   * When the user was disabled (epoch seconds); absent or `null` while enabled (migration 11 adds the
   * column). A disabled user's codes and refresh tokens answer `invalid_grant` and their access tokens
   * are not active; the host's login must refuse them.
   */
  disabledAt?: number | null | undefined
}

export interface AuthorizationCodeRecord {
  /** SHA-256 (base64url) of the code; the code itself is never stored. */
  codeHash: string
  clientId: string
  subject: string
  redirectUri: string
  scope: string[]
  codeChallenge: string | null
  codeChallengeMethod: 'S256' | 'plain' | null
  nonce: string | null
  /** When the end-user authenticated (OIDC `auth_time`). */
  authTime: number
  /** RFC 8707 resource indicators the end-user authorized; `[]` for the server's default audience. */
  resources: string[]
  expiresAt: number
  createdAt: number
  /** Set once, atomically, by `consume`. */
  consumedAt: number | null
  /** What the redemption issued, so that a reuse can revoke it (RFC 6749 §4.1.2). */
  issuedAccessTokenJti: string | null
  issuedAccessTokenExpiresAt: number | null
  issuedFamilyId: string | null
  /**
   * RFC 9449 §10 `dpop_jkt` of the authorization request: the code is redeemed only with a DPoP proof of
   * this key. Absent or `null`: not bound.
   */
  dpopJkt?: string | null | undefined
}

/** What the redemption of a code will issue; recorded in the same atomic step that consumes it. */
export interface CodeIssuance {
  accessTokenJti: string
  accessTokenExpiresAt: number
  familyId: string
  /** The refresh token the redemption issues (in `familyId`), stored in the same atomic step. */
  refreshToken?: RefreshTokenRecord | null
}

export type ConsumeCodeResult =
  | { outcome: 'consumed'; code: AuthorizationCodeRecord }
  | { outcome: 'already_consumed'; code: AuthorizationCodeRecord }
  | { outcome: 'not_found' }

/** Where a device authorization (RFC 8628) stands: waiting for the end-user, decided, or redeemed. */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'consumed'

/** An RFC 8628 device authorization: its device code, its user code and the end-user's decision. */
export interface DeviceCodeRecord {
  /** SHA-256 (base64url) of the device code; the code itself is never stored. */
  deviceCodeHash: string
  /** SHA-256 (base64url) of the normalized user code (`XXXXXXXX`, no dash); unique among stored codes. */
  userCodeHash: string
  clientId: string
  /** The scope requested, then (once approved) the scope the end-user granted. */
  scope: string[]
  /** RFC 8707 resource indicators requested; `[]` for the server's default audience. */
  resources: string[]
  /** Seconds the device waits between polls: the `interval` answered, raised by 5 at each `slow_down`. */
  interval: number
  expiresAt: number
  createdAt: number
  /** The previous poll of the token endpoint, `null` before the first. */
  lastPolledAt: number | null
  status: DeviceAuthorizationStatus
  /** The end-user who approved (or denied), once decided. */
  subject: string | null
  authTime: number | null
  decidedAt: number | null
  consumedAt: number | null
  /** The refresh-token family the redemption started, once consumed. */
  issuedFamilyId: string | null
}

/** The end-user's decision on a pending device authorization. */
export type DeviceAuthorizationDecision =
  | { approved: true; subject: string; authTime: number; scope: readonly string[] }
  /** A denial; who denied is recorded when known (a page may let anyone refuse a code shown to them). */
  | { approved: false; subject?: string | null; authTime?: number | null }

export type DeviceCodePollResult =
  | { outcome: 'not_found' }
  /** The poll came sooner than `interval` after the previous one (or the issuance) of a pending code. */
  | { outcome: 'slow_down'; deviceCode: DeviceCodeRecord }
  | { outcome: 'polled'; deviceCode: DeviceCodeRecord }

/** A refresh-token family: every token rotated from one grant. Revoking it revokes them all. */
export interface RefreshTokenFamilyRecord {
  familyId: string
  clientId: string
  subject: string
  authTime: number
  createdAt: number
  revokedAt: number | null
  /**
   * RFC 8707 resource indicators of the grant (from its authorization code); every refresh may ask for
   * any subset of them. `[]` for the server's default audience.
   */
  resources: string[]
}

export interface RefreshTokenRecord {
  tokenHash: string
  familyId: string
  clientId: string
  subject: string
  scope: string[]
  /** Original `auth_time` of the end-user, kept across rotations for ID tokens. */
  authTime: number
  expiresAt: number
  createdAt: number
  /** Set once, atomically, when the token is exchanged for its successor. */
  rotatedAt: number | null
  /** The access token issued with this refresh token (revoked when the family is). */
  accessTokenJti: string | null
  accessTokenExpiresAt: number | null
  /**
   * RFC 9449 §5: the thumbprint of the DPoP key a public client's refresh token is bound to; only a
   * proof of that key may use it. Absent or `null`: not bound.
   */
  dpopJkt?: string | null | undefined
}

/** How `RefreshTokenStore.rotate` treats a token that was already rotated. */
export interface RotateRefreshTokenOptions {
  /**
   * The reuse interval (a confidential client's retry whose answer was lost): a token rotated at or after
   * this time, whose successor is still unused, may be rotated again. Its successor is then revoked
   * (with the access token issued alongside it) and replaced by `next`, so one token of the family stays
   * live. Without it, and for a token whose successor was used, the outcome is `already_rotated`.
   */
  reusableSince?: number
}

export type RotateRefreshTokenResult =
  | { outcome: 'rotated' }
  /** The token exists but was already rotated: a replay. */
  | { outcome: 'already_rotated'; token: RefreshTokenRecord }
  /** Unknown, expired, or its family revoked. */
  | { outcome: 'inactive' }

export interface SigningKeyRecord {
  kid: string
  alg: SigningAlgorithm
  /** Private JWK, JSON. */
  privateJwk: string
  /** Public JWK, JSON (with `kid`, `alg`, `use: "sig"`). */
  publicJwk: string
  createdAt: number
  /** Signs only from this time on; published in JWKS from `createdAt`. */
  activatesAt: number
  /** Removed from JWKS (and deleted) after this time; `null` while current. */
  expiresAt: number | null
}

export interface ConsentRecord {
  subject: string
  clientId: string
  scope: string[]
  /**
   * RFC 8707 resources the end-user allowed the app tokens for; empty: the default audience only. A
   * request naming another resource asks again (see `consentCovers`).
   */
  resources: string[]
  grantedAt: number
}

/** A consent with what the end-user recognises its app by, as `ConsentStore.list` answers it. */
export interface ConsentedApp extends ConsentRecord {
  /** The app's name, logo and home page as stored now (the app may have changed since the consent). */
  clientName: string
  logoUrl: string | null
  homepageUrl: string | null
}

/** A login session of the host application (cookie value -> subject). */
export interface SessionRecord {
  sessionId: string
  subject: string
  authTime: number
  expiresAt: number
}

/**
 * A secret the server makes for itself and every instance sharing the store must use alike (the key of
 * the login pages' CSRF tokens): created once, never changed, never listed.
 */
export interface ServerSecretRecord {
  name: string
  /** The secret itself (random bytes, base64url). */
  value: string
  createdAt: number
}

/**
 * A personal access token of an end-user: a bearer token for their own scripts and tools, carrying
 * scopes the user holds. Only the hash of its value is kept; revoking it deletes it.
 */
export interface PersonalAccessTokenRecord {
  /** A UUID: how the owner names the token to revoke it (never the value). */
  id: string
  /** SHA-256 (base64url) of the token value. */
  tokenHash: string
  subject: string
  name: string
  scope: string[]
  createdAt: number
  expiresAt: number
}

/** The outcome of `PersonalAccessTokenStore.create`. */
export type CreatePersonalAccessTokenResult = 'created' | 'limit_reached' | 'unknown_user'

export interface PersonalAccessTokenStore {
  /**
   * Atomically: stores `token` if its subject is a known user holding fewer than `maxLive` tokens
   * unexpired at `token.createdAt`. Of concurrent calls for one user, no more than `maxLive` tokens
   * ever end up live.
   */
  create(token: PersonalAccessTokenRecord, maxLive: number): Promise<CreatePersonalAccessTokenResult>
  getByHash(tokenHash: string): Promise<PersonalAccessTokenRecord | undefined>
  /** The subject's tokens unexpired at `now`, oldest first. */
  list(subject: string, now: number): Promise<PersonalAccessTokenRecord[]>
  /** Deletes the subject's token `id`; false when unknown or another user's. */
  revoke(subject: string, id: string): Promise<boolean>
  deleteExpired(now: number): Promise<number>
}

export interface ClientStore {
  /** Throws when `clientId` exists. */
  create(client: ClientRecord): Promise<void>
  get(clientId: string): Promise<ClientRecord | undefined>
  list(): Promise<ClientRecord[]>
  /** Replaces the stored client; false when unknown. */
  update(client: ClientRecord): Promise<boolean>
  delete(clientId: string): Promise<boolean>
}

/** RFC 7591/7592: what the registration of a dynamically registered client keeps. */
export interface ClientRegistrationRecord {
  clientId: string
  /** SHA-256 (base64url) of the registration access token; the token itself is never stored. */
  accessTokenHash: string
  /** The client metadata as registered (RFC 7591 §2), a JSON object, as text. */
  metadata: string
  createdAt: number
  updatedAt: number
}

/**
 * Registrations of dynamically registered clients. Each call changes the client and its registration
 * in one atomic step, so no client is left without its registration or the other way round.
 */
export interface ClientRegistrationStore {
  /** Stores a new client with its registration; throws when the client id exists. */
  create(client: ClientRecord, registration: ClientRegistrationRecord): Promise<void>
  get(clientId: string): Promise<ClientRegistrationRecord | undefined>
  /** Replaces the client and its registration; false when the registration is unknown. */
  update(client: ClientRecord, registration: ClientRegistrationRecord): Promise<boolean>
  /**
   * Deletes the registration and disables its client at `now` (its tokens stop being active at once,
   * RFC 7592 §2.3); false when the registration is unknown.
   */
  delete(clientId: string, now: number): Promise<boolean>
}

export interface UserStore {
  /** Throws when the subject or username exists. */
  create(user: UserRecord): Promise<void>
  get(subject: string): Promise<UserRecord | undefined>
  findByUsername(username: string): Promise<UserRecord | undefined>
  list(): Promise<UserRecord[]>
  update(user: UserRecord): Promise<boolean>
  delete(subject: string): Promise<boolean>
}

/**
 * A stored code or refresh token and whether the end-user it was issued to is disabled
 * (`UserRecord.disabledAt` set; false for a subject that is no stored user), read in one step so that
 * a grant does not read the user apart.
 */
export interface WithUserStatus<R> {
  readonly record: R
  readonly userDisabled: boolean
}

export interface AuthorizationCodeStore {
  create(code: AuthorizationCodeRecord): Promise<void>
  get(codeHash: string): Promise<AuthorizationCodeRecord | undefined>
  /** `get` and the status of the code's user, in one read. */
  getWithUserStatus(codeHash: string): Promise<WithUserStatus<AuthorizationCodeRecord> | undefined>
  /**
   * Atomically marks the code consumed and records what its redemption issues, if and only if it was
   * not consumed before. Exactly one of any number of concurrent calls gets `consumed`. The issuance's
   * refresh-token family (and its refresh token, if any) is created in the same step, with the code's
   * `resources`, so a reuse can revoke it, and a failure leaves the code unconsumed.
   */
  consume(codeHash: string, now: number, issuance: CodeIssuance): Promise<ConsumeCodeResult>
  deleteExpired(now: number): Promise<number>
}

/** RFC 8628 device authorizations. Every state change is one atomic step, whatever the concurrency. */
export interface DeviceCodeStore {
  /** Throws `StorageError` when the device code or the user code is already stored. */
  create(deviceCode: DeviceCodeRecord): Promise<void>
  get(deviceCodeHash: string): Promise<DeviceCodeRecord | undefined>
  /** The pending, unexpired authorization of a user code (the verification page's lookup). */
  findPendingByUserCode(userCodeHash: string, now: number): Promise<DeviceCodeRecord | undefined>
  /**
   * Records the end-user's decision if and only if the authorization is still pending and unexpired at
   * `now`: exactly one of any number of concurrent decisions wins. Answers the decided record, or
   * `undefined` when there was nothing pending to decide.
   */
  decide(
    userCodeHash: string,
    now: number,
    decision: DeviceAuthorizationDecision,
  ): Promise<DeviceCodeRecord | undefined>
  /**
   * Records a poll of the token endpoint at `now`. A pending code polled sooner than `interval - 1`
   * seconds after its previous poll (or its issuance; the second of slack absorbs whole-second clocks)
   * answers `slow_down` and its interval grows by 5 seconds for every later poll (RFC 8628 §3.5).
   */
  poll(deviceCodeHash: string, now: number): Promise<DeviceCodePollResult>
  /**
   * Marks an approved code consumed, and creates the issuance's refresh-token family (and refresh token)
   * in the same atomic step, if and only if it was approved and not consumed: exactly one of any number
   * of concurrent calls gets `true`. A failure leaves the code approved.
   */
  consume(deviceCodeHash: string, now: number, issuance: CodeIssuance): Promise<boolean>
  deleteExpired(now: number): Promise<number>
}

export interface RefreshTokenStore {
  /** Creates the family when absent. */
  createFamily(family: RefreshTokenFamilyRecord): Promise<void>
  getFamily(familyId: string): Promise<RefreshTokenFamilyRecord | undefined>
  create(token: RefreshTokenRecord): Promise<void>
  get(tokenHash: string): Promise<RefreshTokenRecord | undefined>
  /** `get` and the status of the token's user, in one read. */
  getWithUserStatus(tokenHash: string): Promise<WithUserStatus<RefreshTokenRecord> | undefined>
  /**
   * Atomically: if `tokenHash` is active (not rotated, not expired at `now`, family not revoked), mark it
   * rotated and insert `next` (none when the new grant drops `offline_access`). Exactly one of any number
   * of concurrent calls gets `rotated`. With `options.reusableSince`, a token rotated since then is
   * rotated again as described there; whatever the concurrency, one token of the family stays live.
   */
  rotate(
    tokenHash: string,
    now: number,
    next: RefreshTokenRecord | null,
    options?: RotateRefreshTokenOptions,
  ): Promise<RotateRefreshTokenResult>
  /** Marks the family revoked; returns the unexpired access-token jtis issued in it. */
  revokeFamily(familyId: string, now: number): Promise<Array<{ jti: string; expiresAt: number }>>
  deleteExpired(now: number): Promise<number>
}

/**
 * When `SigningKeyStore.createIfAbsent` inserts: only if no key of the new key's `alg`, unexpired at
 * `now`, matches every bound given here.
 */
export interface SigningKeyAbsence {
  now: number
  /** A key that signs at this time (`activatesAt <= activeAt`) counts as present: "no signer yet". */
  activeAt?: number
  /** A key created after this time counts as present: "no key newer than the rotation period". */
  createdAfter?: number
}

/** How `SigningKeyStore.rotate` retires the keys `next` replaces. */
export interface SigningKeyRetirement {
  now: number
  /** When the replaced keys leave JWKS: after the last token they signed has expired. */
  expiresAt: number
  /** Rotate only when no key matching these bounds exists (a scheduled rotation). */
  absence?: SigningKeyAbsence
}

export interface SigningKeyStore {
  list(): Promise<SigningKeyRecord[]>
  create(key: SigningKeyRecord): Promise<void>
  /**
   * Inserts `key` only when no matching key exists (`SigningKeyAbsence`), atomically across every
   * instance sharing the store, so instances starting or rotating at the same moment agree on one key.
   * True when this call inserted it.
   */
  createIfAbsent(key: SigningKeyRecord, absence: SigningKeyAbsence): Promise<boolean>
  /**
   * One key rotation, in one transaction: inserts `next` (when `retirement.absence` is given, only if no
   * matching key exists, as `createIfAbsent`), gives every other key of `next.alg` that has no expiry
   * the expiry `retirement.expiresAt`, and deletes every key expired at `retirement.now`. A failure
   * leaves the keys as they were. True when `next` was inserted.
   */
  rotate(next: SigningKeyRecord, retirement: SigningKeyRetirement): Promise<boolean>
  /** Sets `expiresAt` of a key; false when unknown. */
  expire(kid: string, expiresAt: number): Promise<boolean>
  delete(kid: string): Promise<boolean>
}

export interface ConsentStore {
  get(subject: string, clientId: string): Promise<ConsentRecord | undefined>
  /** Inserts or replaces. */
  put(consent: ConsentRecord): Promise<void>
  delete(subject: string, clientId: string): Promise<boolean>
  /**
   * The end-user's consents to apps that still exist (a deleted client's consent is not listed), oldest
   * first, with each app's name, logo and home page.
   */
  list(subject: string): Promise<ConsentedApp[]>
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>
  /** The session when it exists and has not expired at `now`. */
  get(sessionId: string, now: number): Promise<SessionRecord | undefined>
  delete(sessionId: string): Promise<boolean>
  deleteExpired(now: number): Promise<number>
}

/** Access-token `jti`s revoked before they expire (RFC 7009); entries can be purged once expired. */
export interface RevokedAccessTokenStore {
  revoke(jti: string, expiresAt: number): Promise<void>
  isRevoked(jti: string): Promise<boolean>
  deleteExpired(now: number): Promise<number>
}

export interface ServerSecretStore {
  /**
   * The secret stored under `candidate.name`; when there is none yet, stores `candidate` and answers it.
   * Atomic across every instance sharing the store: of concurrent first calls, each answers the one
   * record stored, and a later call never replaces it.
   */
  getOrCreate(candidate: ServerSecretRecord): Promise<ServerSecretRecord>
}

/**
 * JWT IDs (RFC 7519 §4.1.7 `jti`) that may be used once: DPoP proofs (RFC 9449 §11.1), client
 * assertions (RFC 7523 §3). Shared by every instance using the store, so a JWT replayed against another
 * instance is refused too. `kind` keeps the namespaces of different JWTs apart.
 */
export interface UsedJwtIdStore {
  /**
   * Records the use of `jti` of `kind`, remembered until `expiresAt` (when a JWT carrying it is no
   * longer accepted anyway). True when this is its first use; false when it was used before and not
   * purged yet. Atomic across instances: of any number of concurrent calls, exactly one answers true.
   */
  use(kind: string, jti: string, expiresAt: number): Promise<boolean>
  /** Forgets the uses whose `expiresAt` is at or before `now`; answers how many. */
  deleteExpired(now: number): Promise<number>
}

/**
 * An authorization request pushed to the pushed authorization request endpoint (RFC 9126 §2), kept until
 * the user agent brings its `request_uri` and the code is issued, or until it expires.
 */
export interface PushedAuthorizationRequestRecord {
  /** SHA-256 (base64url) of the `request_uri`; the URI itself is never stored. */
  requestUriHash: string
  clientId: string
  /** The pushed authorization request parameters (client authentication parameters left out). */
  parameters: Record<string, string>
  /** Until the user agent first brings it: the `expires_in` the client was told; then the interaction's. */
  expiresAt: number
  createdAt: number
  /** When the user agent first brought the `request_uri`; `null` until then. */
  firstUsedAt: number | null
}

/**
 * Pushed authorization requests (RFC 9126), shared by every instance using the store: the instance that
 * answered the push and the one the user agent reaches may differ.
 */
export interface PushedAuthorizationRequestStore {
  create(record: PushedAuthorizationRequestRecord): Promise<void>
  /**
   * The unexpired request of `requestUriHash`. Its first resolution sets `firstUsedAt` to `now` and
   * extends its expiry to `interactionExpiresAt`, so that the end-user's login, which re-posts the
   * `request_uri`, is not bound by the short `expires_in`; later ones change nothing.
   */
  resolve(
    requestUriHash: string,
    now: number,
    interactionExpiresAt: number,
  ): Promise<PushedAuthorizationRequestRecord | undefined>
  /**
   * Deletes the unexpired request of `requestUriHash` (its code is being issued): true for exactly one of
   * any number of concurrent calls, false when it expired, was consumed or never existed.
   */
  consume(requestUriHash: string, now: number): Promise<boolean>
  deleteExpired(now: number): Promise<number>
}

/** Whose grants: every grant of a client, or only those of one end-user at it. */
export interface GrantOwner {
  clientId: string
  /** The end-user; absent for every grant of the client. */
  subject?: string | undefined
}

/**
 * The grants (authorization code redemptions and the refresh-token families they start) of a client or
 * of an end-user at a client, taken as a whole.
 */
export interface GrantStore {
  /**
   * Revokes every grant of `owner` in one atomic step: each refresh-token family (its refresh tokens
   * stop being active), each access token issued by one of its codes or refresh tokens that is
   * unexpired at `now`, and each of its device codes not yet redeemed (RFC 8628: denied, so no poll
   * starts a grant later; a client's revocation covers its pending ones too). Answers how many
   * families were live before.
   */
  revoke(owner: GrantOwner, now: number): Promise<number>
  /**
   * The live tokens of `owner`'s grants at `now`: each refresh token not rotated, and each access
   * token its codes and refresh tokens issued that is not revoked, of a family not revoked, unexpired;
   * by issue time. Access tokens of `client_credentials` are stored nowhere and never listed.
   */
  list(owner: GrantOwner, now: number): Promise<LiveToken[]>
}

/** A token of a grant, as `GrantStore.list` answers it (never the token itself or its hash). */
export interface LiveToken {
  tokenType: 'access_token' | 'refresh_token'
  /** The grant (refresh-token family) the token belongs to. */
  grantId: string
  clientId: string
  subject: string
  scope: string[]
  issuedAt: number
  expiresAt: number
}

/** What a first start stores (demo clients and users): all of it, or nothing. */
export interface SeedRecords {
  clients: readonly ClientRecord[]
  users: readonly UserRecord[]
}

export interface Store {
  readonly clients: ClientStore
  readonly users: UserStore
  readonly authorizationCodes: AuthorizationCodeStore
  readonly deviceCodes: DeviceCodeStore
  readonly refreshTokens: RefreshTokenStore
  readonly signingKeys: SigningKeyStore
  readonly consents: ConsentStore
  readonly sessions: SessionStore
  readonly revokedAccessTokens: RevokedAccessTokenStore
  readonly clientRegistrations: ClientRegistrationStore
  readonly serverSecrets: ServerSecretStore
  readonly grants: GrantStore
  readonly personalAccessTokens: PersonalAccessTokenStore
  readonly usedJwtIds: UsedJwtIdStore
  readonly pushedAuthorizationRequests: PushedAuthorizationRequestStore
  /**
   * One cheap round trip to the storage (`SELECT 1`): resolves when it answers, rejects when it is
   * closed or unreachable. For readiness probes.
   */
  ping(): Promise<void>
  /**
   * Inserts `seed` in one transaction if and only if the store holds no client and no user, under the
   * same cross-instance lock as the first signing key: of several instances starting on one empty
   * store, exactly one seeds. True when this call inserted the records; a failure inserts none of them.
   */
  seedIfEmpty(seed: SeedRecords): Promise<boolean>
  close(): Promise<void>
}
