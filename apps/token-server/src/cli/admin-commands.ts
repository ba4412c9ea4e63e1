import {
  type ClientRecord,
  type ConsentedApps,
  hashSecret,
  type Store,
  type UserRecord,
  updateClient,
} from '@pipeshub/server'

/** The admin view of a client (never its secret hash), as `clients list --json` and `clients show` print it. */
export function clientView(client: ClientRecord) {
  return {
    client_id: client.clientId,
    name: client.name,
    type:
      client.secretHash === null && client.jwks === null && client.jwksUri === undefined
        ? 'public'
        : 'confidential',
    token_endpoint_auth_method:
      client.jwks !== null || client.jwksUri !== undefined
        ? 'private_key_jwt'
        : client.secretHash === null
          ? 'none'
          : 'client_secret_basic',
    ...(client.jwksUri === undefined ? {} : { jwks_uri: client.jwksUri }),
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    status: client.disabledAt === null ? 'active' : 'disabled',
    grant_types: client.grantTypes,
    redirect_uris: client.redirectUris,
    web_origins: client.webOrigins,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    scopes: client.scopes,
    access_token_lifetime: client.accessTokenLifetime,
    refresh_token_lifetime: client.refreshTokenLifetime,
    dpop_bound_access_tokens: client.dpopBoundAccessTokens === true,
    created_at: new Date(client.createdAt * 1000).toISOString(),
  }
}

/** The admin view of a user (never the password hash). */
export function userView(user: UserRecord) {
  return {
    subject: user.subject,
    username: user.username,
    name: user.name,
    email: user.email,
    email_verified: user.emailVerified,
    status: user.disabledAt == null ? 'active' : 'disabled',
    can_sign_in: user.passwordHash !== null && user.disabledAt == null,
    created_at: new Date(user.createdAt * 1000).toISOString(),
  }
}

/** What `clients update` may change; absent members stay. */
export interface ClientChanges {
  name?: string | undefined
  redirectUris?: string[] | undefined
  webOrigins?: string[] | undefined
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1 `post_logout_redirect_uris`. */
  postLogoutRedirectUris?: string[] | undefined
  scopes?: string[] | undefined
  accessTokenLifetime?: number | null | undefined
  refreshTokenLifetime?: number | null | undefined
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`. */
  dpopBoundAccessTokens?: boolean | undefined
}

export async function showClient(store: Store, clientId: string) {
  const client = await store.clients.get(clientId)
  if (client === undefined) throw new Error(`no client ${clientId}`)
  return clientView(client)
}

export async function changeClient(store: Store, clientId: string, changes: ClientChanges) {
  if (Object.values(changes).every((value) => value === undefined)) {
    throw new Error(
      'nothing to change: give --name, --redirect-uri, --web-origin, --post-logout-redirect-uri, --scope, a lifetime or --dpop-bound-access-tokens',
    )
  }
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined))
  const updated = await updateClient(store, clientId, defined)
  if (updated === undefined) throw new Error(`no client ${clientId}`)
  return clientView(updated)
}

async function userNamed(store: Store, username: string): Promise<UserRecord> {
  const user = await store.users.findByUsername(username)
  if (user === undefined) throw new Error(`no user ${username}`)
  return user
}

export async function listUsers(store: Store) {
  return (await store.users.list()).sort((a, b) => a.createdAt - b.createdAt).map(userView)
}

export async function deleteUser(store: Store, username: string): Promise<void> {
  const user = await userNamed(store, username)
  await store.users.delete(user.subject)
}

/** Sets a new password (at least 8 characters), stored as a slow hash. */
export async function setPassword(store: Store, username: string, password: string): Promise<void> {
  if (password.length < 8) throw new Error('the password needs at least 8 characters')
  if (password.length > 1024) throw new Error('the password may have at most 1024 characters')
  const user = await userNamed(store, username)
  await store.users.update({ ...user, passwordHash: await hashSecret(password) })
}

/** The consents a user gave, one per app that still exists, oldest first. */
export async function listConsents(store: Store, username: string) {
  const user = await userNamed(store, username)
  return (await store.consents.list(user.subject)).map((consent) => ({
    client_id: consent.clientId,
    client_name: consent.clientName,
    scope: consent.scope.join(' '),
    resources: consent.resources,
    granted_at: new Date(consent.grantedAt * 1000).toISOString(),
  }))
}

/**
 * Takes a consent back as the user's own apps page does: the user's tokens at the app are revoked and
 * the app's next authorization request asks again.
 */
export async function revokeConsent(
  store: Store,
  consentedApps: ConsentedApps,
  username: string,
  clientId: string,
): Promise<void> {
  const user = await userNamed(store, username)
  if (!(await consentedApps.revokeFor(user.subject, clientId))) {
    throw new Error(`user ${username} has no consent for client ${clientId}`)
  }
}
