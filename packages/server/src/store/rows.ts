import type {
  AuthorizationCodeRecord,
  ClientJwks,
  ClientRecord,
  ClientRegistrationRecord,
  ConsentedApp,
  ConsentRecord,
  DeviceCodeRecord,
  GrantType,
  LiveToken,
  PersonalAccessTokenRecord,
  PushedAuthorizationRequestRecord,
  RefreshTokenFamilyRecord,
  RefreshTokenRecord,
  ServerSecretRecord,
  SessionRecord,
  SigningAlgorithm,
  SigningKeyAbsence,
  SigningKeyRecord,
  UserRecord,
} from './types.js'

/** Mapping between SQL rows (snake_case columns) and records, shared by the SQL adapters. */
export type Row = Record<string, unknown>

const num = (value: unknown): number => (typeof value === 'bigint' ? Number(value) : Number(value))
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : num(value)
const str = (value: unknown): string => String(value)
const strOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value)
const bool = (value: unknown): boolean => value === true || value === 1 || value === 1n || value === '1'
export const splitScope = (value: unknown): string[] =>
  value === '' || value == null ? [] : String(value).split(' ')
export const joinScope = (scope: readonly string[]): string => scope.join(' ')

export function clientFromRow(row: Row): ClientRecord {
  return {
    clientId: str(row.client_id),
    secretHash: strOrNull(row.secret_hash),
    name: str(row.name),
    redirectUris: JSON.parse(str(row.redirect_uris)) as string[],
    grantTypes: JSON.parse(str(row.grant_types)) as GrantType[],
    scopes: splitScope(row.scopes),
    allowPlainPkce: bool(row.allow_plain_pkce),
    accessTokenLifetime: numOrNull(row.access_token_lifetime),
    refreshTokenLifetime: numOrNull(row.refresh_token_lifetime),
    createdAt: num(row.created_at),
    disabledAt: numOrNull(row.disabled_at),
    webOrigins: JSON.parse(str(row.web_origins)) as string[],
    idTokenSignedResponseAlg: strOrNull(row.id_token_signed_response_alg) as SigningAlgorithm | null,
    requirePushedAuthorizationRequests: bool(row.require_pushed_authorization_requests),
    jwks: row.jwks === null || row.jwks === undefined ? null : (JSON.parse(str(row.jwks)) as ClientJwks),
    tokenEndpointAuthSigningAlg: strOrNull(row.token_endpoint_auth_signing_alg),
    // Absent when unset, as a record written without them has them.
    ...(row.description == null ? {} : { description: str(row.description) }),
    ...(row.logo_url == null ? {} : { logoUrl: str(row.logo_url) }),
    ...(row.homepage_url == null ? {} : { homepageUrl: str(row.homepage_url) }),
    ...(row.privacy_policy_url == null ? {} : { privacyPolicyUrl: str(row.privacy_policy_url) }),
    ...(row.tokens_revoked_at == null ? {} : { tokensRevokedAt: num(row.tokens_revoked_at) }),
    // Optional: present only when set, so a record reads back as it was written.
    ...(bool(row.dpop_bound_access_tokens) ? { dpopBoundAccessTokens: true } : {}),
    ...postLogoutRedirectUrisFromColumn(row.post_logout_redirect_uris),
    ...(row.jwks_uri == null ? {} : { jwksUri: str(row.jwks_uri) }),
  }
}

/** Absent when none, as a record written without them has them. */
function postLogoutRedirectUrisFromColumn(value: unknown): Pick<ClientRecord, 'postLogoutRedirectUris'> {
  const uris = value == null ? [] : (JSON.parse(str(value)) as string[])
  return uris.length === 0 ? {} : { postLogoutRedirectUris: uris }
}

export function clientParams(c: ClientRecord) {
  return [
    c.clientId,
    c.secretHash,
    c.name,
    JSON.stringify(c.redirectUris),
    JSON.stringify(c.grantTypes),
    joinScope(c.scopes),
    c.allowPlainPkce,
    c.accessTokenLifetime,
    c.refreshTokenLifetime,
    c.createdAt,
    c.disabledAt,
    JSON.stringify(c.webOrigins),
    c.idTokenSignedResponseAlg,
    c.requirePushedAuthorizationRequests,
    c.jwks === null ? null : JSON.stringify(c.jwks),
    c.tokenEndpointAuthSigningAlg,
    c.description ?? null,
    c.logoUrl ?? null,
    c.homepageUrl ?? null,
    c.privacyPolicyUrl ?? null,
    c.tokensRevokedAt ?? null,
    c.dpopBoundAccessTokens === true,
    JSON.stringify(c.postLogoutRedirectUris ?? []),
    c.jwksUri ?? null,
  ] as const
}

export const REGISTRATION_COLUMNS = 'client_id, access_token_hash, metadata, created_at, updated_at'

export function registrationFromRow(row: Row): ClientRegistrationRecord {
  return {
    clientId: str(row.client_id),
    accessTokenHash: str(row.access_token_hash),
    metadata: str(row.metadata),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  }
}

export function registrationParams(r: ClientRegistrationRecord) {
  return [r.clientId, r.accessTokenHash, r.metadata, r.createdAt, r.updatedAt] as const
}

export function userFromRow(row: Row): UserRecord {
  return {
    subject: str(row.subject),
    username: str(row.username),
    passwordHash: strOrNull(row.password_hash),
    name: strOrNull(row.name),
    email: strOrNull(row.email),
    emailVerified: bool(row.email_verified),
    createdAt: num(row.created_at),
    // Optional members: present only when stored, so a record reads back as it was written.
    ...(row.given_name == null ? {} : { givenName: str(row.given_name) }),
    ...(row.family_name == null ? {} : { familyName: str(row.family_name) }),
    ...(row.updated_at == null ? {} : { updatedAt: num(row.updated_at) }),
    ...(row.disabled_at == null ? {} : { disabledAt: num(row.disabled_at) }),
  }
}

/** The values of `USER_COLUMNS`, in order. */
export function userParams(u: UserRecord) {
  return [
    u.subject,
    u.username,
    u.passwordHash,
    u.name,
    u.email,
    u.emailVerified,
    u.createdAt,
    u.givenName ?? null,
    u.familyName ?? null,
    u.updatedAt ?? null,
    u.disabledAt ?? null,
  ] as const
}

export function codeFromRow(row: Row): AuthorizationCodeRecord {
  const method = strOrNull(row.code_challenge_method)
  return {
    codeHash: str(row.code_hash),
    clientId: str(row.client_id),
    subject: str(row.subject),
    redirectUri: str(row.redirect_uri),
    scope: splitScope(row.scope),
    codeChallenge: strOrNull(row.code_challenge),
    codeChallengeMethod: method === 'S256' || method === 'plain' ? method : null,
    nonce: strOrNull(row.nonce),
    authTime: num(row.auth_time),
    resources: JSON.parse(str(row.resources)) as string[],
    expiresAt: num(row.expires_at),
    createdAt: num(row.created_at),
    consumedAt: numOrNull(row.consumed_at),
    issuedAccessTokenJti: strOrNull(row.issued_access_token_jti),
    issuedAccessTokenExpiresAt: numOrNull(row.issued_access_token_expires_at),
    issuedFamilyId: strOrNull(row.issued_family_id),
    ...(row.dpop_jkt == null ? {} : { dpopJkt: str(row.dpop_jkt) }),
  }
}

export function codeParams(c: AuthorizationCodeRecord) {
  return [
    c.codeHash,
    c.clientId,
    c.subject,
    c.redirectUri,
    joinScope(c.scope),
    c.codeChallenge,
    c.codeChallengeMethod,
    c.nonce,
    c.authTime,
    c.expiresAt,
    c.createdAt,
    c.consumedAt,
    c.issuedAccessTokenJti,
    c.issuedAccessTokenExpiresAt,
    c.issuedFamilyId,
    JSON.stringify(c.resources),
    c.dpopJkt ?? null,
  ] as const
}

export function deviceCodeFromRow(row: Row): DeviceCodeRecord {
  const status = str(row.status)
  return {
    deviceCodeHash: str(row.device_code_hash),
    userCodeHash: str(row.user_code_hash),
    clientId: str(row.client_id),
    scope: splitScope(row.scope),
    resources: JSON.parse(str(row.resources)) as string[],
    interval: num(row.poll_interval),
    expiresAt: num(row.expires_at),
    createdAt: num(row.created_at),
    lastPolledAt: numOrNull(row.last_polled_at),
    status:
      status === 'approved' || status === 'denied' || status === 'consumed' ? status : ('pending' as const),
    subject: strOrNull(row.subject),
    authTime: numOrNull(row.auth_time),
    decidedAt: numOrNull(row.decided_at),
    consumedAt: numOrNull(row.consumed_at),
    issuedFamilyId: strOrNull(row.issued_family_id),
  }
}

/** The parameters of `insertDeviceCode`, in `DEVICE_CODE_COLUMNS` order (`last_poll_slowed` starts 0). */
export function deviceCodeParams(d: DeviceCodeRecord) {
  return [
    d.deviceCodeHash,
    d.userCodeHash,
    d.clientId,
    joinScope(d.scope),
    JSON.stringify(d.resources),
    d.interval,
    d.expiresAt,
    d.createdAt,
    d.lastPolledAt,
    d.status,
    d.subject,
    d.authTime,
    d.decidedAt,
    d.consumedAt,
    d.issuedFamilyId,
  ] as const
}

export function familyFromRow(row: Row): RefreshTokenFamilyRecord {
  return {
    familyId: str(row.family_id),
    clientId: str(row.client_id),
    subject: str(row.subject),
    authTime: num(row.auth_time),
    createdAt: num(row.created_at),
    revokedAt: numOrNull(row.revoked_at),
    resources: JSON.parse(str(row.resources)) as string[],
  }
}

export function familyParams(f: RefreshTokenFamilyRecord) {
  return [
    f.familyId,
    f.clientId,
    f.subject,
    f.authTime,
    f.createdAt,
    f.revokedAt,
    JSON.stringify(f.resources),
  ] as const
}

export function refreshTokenFromRow(row: Row): RefreshTokenRecord {
  return {
    tokenHash: str(row.token_hash),
    familyId: str(row.family_id),
    clientId: str(row.client_id),
    subject: str(row.subject),
    scope: splitScope(row.scope),
    authTime: num(row.auth_time),
    expiresAt: num(row.expires_at),
    createdAt: num(row.created_at),
    rotatedAt: numOrNull(row.rotated_at),
    accessTokenJti: strOrNull(row.access_token_jti),
    accessTokenExpiresAt: numOrNull(row.access_token_expires_at),
    ...(row.dpop_jkt == null ? {} : { dpopJkt: str(row.dpop_jkt) }),
  }
}

export function refreshTokenParams(t: RefreshTokenRecord) {
  return [
    t.tokenHash,
    t.familyId,
    t.clientId,
    t.subject,
    joinScope(t.scope),
    t.authTime,
    t.expiresAt,
    t.createdAt,
    t.rotatedAt,
    t.accessTokenJti,
    t.accessTokenExpiresAt,
    t.dpopJkt ?? null,
  ] as const
}

export function signingKeyFromRow(row: Row): SigningKeyRecord {
  return {
    kid: str(row.kid),
    alg: str(row.alg) as SigningAlgorithm,
    privateJwk: str(row.private_jwk),
    publicJwk: str(row.public_jwk),
    createdAt: num(row.created_at),
    activatesAt: num(row.activates_at),
    expiresAt: numOrNull(row.expires_at),
  }
}

export function signingKeyParams(k: SigningKeyRecord) {
  return [k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt, k.activatesAt, k.expiresAt] as const
}

export function consentFromRow(row: Row): ConsentRecord {
  return {
    subject: str(row.subject),
    clientId: str(row.client_id),
    scope: splitScope(row.scope),
    resources: JSON.parse(str(row.resources)) as string[],
    grantedAt: num(row.granted_at),
  }
}

export function consentedAppFromRow(row: Row): ConsentedApp {
  return {
    ...consentFromRow(row),
    clientName: str(row.name),
    logoUrl: strOrNull(row.logo_url),
    homepageUrl: strOrNull(row.homepage_url),
  }
}

export function sessionFromRow(row: Row): SessionRecord {
  return {
    sessionId: str(row.session_id),
    subject: str(row.subject),
    authTime: num(row.auth_time),
    expiresAt: num(row.expires_at),
  }
}

export function liveTokenFromRow(row: Row): LiveToken {
  return {
    tokenType: str(row.token_type) as LiveToken['tokenType'],
    grantId: str(row.family_id),
    clientId: str(row.client_id),
    subject: str(row.subject),
    scope: splitScope(row.scope),
    issuedAt: num(row.issued_at),
    expiresAt: num(row.expires_at),
  }
}

export const PUSHED_REQUEST_COLUMNS =
  'request_uri_hash, client_id, parameters, expires_at, created_at, first_used_at'

export function pushedRequestFromRow(row: Row): PushedAuthorizationRequestRecord {
  return {
    requestUriHash: str(row.request_uri_hash),
    clientId: str(row.client_id),
    parameters: JSON.parse(str(row.parameters)) as Record<string, string>,
    expiresAt: num(row.expires_at),
    createdAt: num(row.created_at),
    firstUsedAt: numOrNull(row.first_used_at),
  }
}

export function pushedRequestParams(r: PushedAuthorizationRequestRecord) {
  return [
    r.requestUriHash,
    r.clientId,
    JSON.stringify(r.parameters),
    r.expiresAt,
    r.createdAt,
    r.firstUsedAt,
  ] as const
}

export function serverSecretFromRow(row: Row): ServerSecretRecord {
  return { name: str(row.name), value: str(row.value), createdAt: num(row.created_at) }
}

export const CLIENT_COLUMNS =
  'client_id, secret_hash, name, redirect_uris, grant_types, scopes, allow_plain_pkce, access_token_lifetime, refresh_token_lifetime, created_at, disabled_at, web_origins, id_token_signed_response_alg, require_pushed_authorization_requests, jwks, token_endpoint_auth_signing_alg, description, logo_url, homepage_url, privacy_policy_url, tokens_revoked_at, dpop_bound_access_tokens, post_logout_redirect_uris, jwks_uri'
export const USER_COLUMNS =
  'subject, username, password_hash, name, email, email_verified, created_at, given_name, family_name, updated_at, disabled_at'
export const CODE_COLUMNS =
  'code_hash, client_id, subject, redirect_uri, scope, code_challenge, code_challenge_method, nonce, auth_time, expires_at, created_at, consumed_at, issued_access_token_jti, issued_access_token_expires_at, issued_family_id, resources, dpop_jkt'
export const DEVICE_CODE_COLUMNS =
  'device_code_hash, user_code_hash, client_id, scope, resources, poll_interval, expires_at, created_at, last_polled_at, status, subject, auth_time, decided_at, consumed_at, issued_family_id'
export const FAMILY_COLUMNS = 'family_id, client_id, subject, auth_time, created_at, revoked_at, resources'
export const REFRESH_TOKEN_COLUMNS =
  'token_hash, family_id, client_id, subject, scope, auth_time, expires_at, created_at, rotated_at, access_token_jti, access_token_expires_at, dpop_jkt'
export const SIGNING_KEY_COLUMNS = 'kid, alg, private_jwk, public_jwk, created_at, activates_at, expires_at'

/** Whether `key` is a key that `SigningKeyStore.createIfAbsent` treats as present. */
export function matchesSigningKeyAbsence(
  key: SigningKeyRecord,
  alg: SigningAlgorithm,
  absence: SigningKeyAbsence,
): boolean {
  return (
    key.alg === alg &&
    (key.expiresAt === null || key.expiresAt > absence.now) &&
    (absence.activeAt === undefined || key.activatesAt <= absence.activeAt) &&
    (absence.createdAfter === undefined || key.createdAt > absence.createdAfter)
  )
}

export const PERSONAL_ACCESS_TOKEN_COLUMNS = 'id, token_hash, subject, name, scope, created_at, expires_at'

export function personalAccessTokenFromRow(row: Row): PersonalAccessTokenRecord {
  return {
    id: str(row.id),
    tokenHash: str(row.token_hash),
    subject: str(row.subject),
    name: str(row.name),
    scope: splitScope(row.scope),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
  }
}

export function personalAccessTokenParams(t: PersonalAccessTokenRecord) {
  return [t.id, t.tokenHash, t.subject, t.name, joinScope(t.scope), t.createdAt, t.expiresAt] as const
}
