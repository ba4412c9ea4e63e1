import {
  CreateOAuthAppRequestWire,
  type OAuthAppListWire,
  type OAuthAppTokenListWire,
  type OAuthAppWire,
  type OAuthAppWithSecretWire,
  type RevokedOAuthAppTokensWire,
  UpdateOAuthAppRequestWire,
} from '@pipeshub/models'
import type { TSchema } from 'typebox'
import type { Compile } from 'typebox/compile'
import { isPublicClient } from './client-kind.js'
import { type ClientMetadataInput, registerClient, updateClient } from './client-registration.js'
import { hashGeneratedSecret } from './client-secret-hash.js'
import { setClientDisabled } from './client-status.js'
import { OAuthError, stored } from './errors.js'
import type { GrantType } from './grants/registry.js'
import { generateClientSecret } from './secrets.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord } from './store/types.js'

/**
 * PipesHub's OAuth app management (`/api/v1/oauth-clients`), framework-free: what the HTTP routes and
 * the admin CLI both call. Bodies are checked against the models' schemas first (`invalid_request`
 * naming the member), then against the rules every client registration follows
 * (`invalid_client_metadata`, `invalid_redirect_uri`). Who may call it is the caller's to decide
 * (`authenticateAdministrator` for HTTP).
 */
export interface AppManagement {
  list(): Promise<OAuthAppListWire>
  /** A confidential app's answer carries its secret, this once. */
  create(body: unknown): Promise<OAuthAppWire | OAuthAppWithSecretWire>
  get(appId: string): Promise<OAuthAppWire>
  /** Changes the members given; `null` clears an optional one. */
  update(appId: string, body: unknown): Promise<OAuthAppWire>
  /** Revokes every grant of the app, then deletes it; its access tokens stop being active. */
  delete(appId: string): Promise<void>
  /** A new secret (the old one stops working at once); `invalid_request` for a public app. */
  regenerateSecret(appId: string): Promise<OAuthAppWithSecretWire>
  /** Its authentication fails and its tokens are inactive until `activate`. */
  suspend(appId: string): Promise<OAuthAppWire>
  activate(appId: string): Promise<OAuthAppWire>
  /** The live tokens of its end-users' grants. */
  tokens(appId: string): Promise<OAuthAppTokenListWire>
  /** Every grant revoked and every access token issued until now (client_credentials too) inactive. */
  revokeAllTokens(appId: string): Promise<RevokedOAuthAppTokensWire>
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

/** A stored client as app management shows it (never its secret hash). */
export function oauthAppView(client: ClientRecord): OAuthAppWire {
  const app: OAuthAppWire = {
    clientId: client.clientId,
    name: client.name,
    redirectUris: [...client.redirectUris],
    postLogoutRedirectUris: [...(client.postLogoutRedirectUris ?? [])],
    webOrigins: [...client.webOrigins],
    allowedGrantTypes: [...client.grantTypes],
    allowedScopes: [...client.scopes],
    isConfidential: !isPublicClient(client),
    dpopBoundAccessTokens: client.dpopBoundAccessTokens === true,
    status: client.disabledAt === null ? 'active' : 'suspended',
    createdAt: iso(client.createdAt),
  }
  if (client.description != null) app.description = client.description
  if (client.logoUrl != null) app.logoUrl = client.logoUrl
  if (client.homepageUrl != null) app.homepageUrl = client.homepageUrl
  if (client.privacyPolicyUrl != null) app.privacyPolicyUrl = client.privacyPolicyUrl
  if (client.accessTokenLifetime !== null) app.accessTokenLifetime = client.accessTokenLifetime
  if (client.refreshTokenLifetime !== null) app.refreshTokenLifetime = client.refreshTokenLifetime
  return app
}

/** A body checked against `schema`, or `invalid_request` naming the first member that is wrong. */
function checker<T extends TSchema>(schema: T) {
  let compiled: ReturnType<typeof Compile<T>> | undefined
  return async (body: unknown) => {
    // Loaded and compiled at first use: TypeBox's compiler adds ~150 modules to the token server's
    // start-up, and a server that never manages apps never pays for it.
    compiled ??= (await import('typebox/compile')).Compile(schema)
    if (compiled.Check(body)) return body as Record<string, unknown>
    const [first] = compiled.Errors(body)
    const where = first?.instancePath ? `${first.instancePath.slice(1).replace(/\//g, '.')}` : 'the body'
    throw new OAuthError('invalid_request', `${where} ${first?.message ?? 'is not valid'}`)
  }
}

/** The request's members in the names of client registration (`allowedScopes` -> `scopes`, ...). */
function metadataOf(body: Record<string, unknown>): Partial<ClientMetadataInput> {
  const renamed: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (key === 'allowedScopes') renamed.scopes = value
    else if (key === 'allowedGrantTypes') renamed.grantTypes = value as GrantType[]
    else if (key !== 'isConfidential') renamed[key] = value
  }
  return renamed as Partial<ClientMetadataInput>
}

/** An app id as the store knows them: anything else is unknown without asking the store. */
const APP_ID = /^[\x21-\x7E]{1,200}$/

export function createAppManagement(context: ServerContext): AppManagement {
  const { store, now } = context
  const checkCreate = checker(CreateOAuthAppRequestWire)
  const checkUpdate = checker(UpdateOAuthAppRequestWire)

  const unknown = (appId: string) =>
    new OAuthError('invalid_request', `no app ${APP_ID.test(appId) ? appId : ''}`.trim(), { status: 404 })
  const find = async (appId: string): Promise<ClientRecord> => {
    const client = APP_ID.test(appId) ? await stored(() => store.clients.get(appId)) : undefined
    if (client === undefined) throw unknown(appId)
    return client
  }

  return {
    async list() {
      return { apps: (await stored(() => store.clients.list())).map(oauthAppView) }
    },

    async create(body) {
      const request = await checkCreate(body)
      const registered = await stored(() =>
        registerClient(store, {
          ...(metadataOf(request) as ClientMetadataInput),
          public: request.isConfidential === false,
          scopeRegistry: context.scopes,
          now: now(),
        }),
      )
      const app = oauthAppView(registered.client)
      return registered.clientSecret === undefined ? app : { ...app, clientSecret: registered.clientSecret }
    },

    async get(appId) {
      return oauthAppView(await find(appId))
    },

    async update(appId, body) {
      const request = await checkUpdate(body)
      await find(appId)
      const updated = await stored(() =>
        updateClient(store, appId, { ...metadataOf(request), scopeRegistry: context.scopes }),
      )
      if (updated === undefined) throw unknown(appId)
      return oauthAppView(updated)
    },

    async delete(appId) {
      await find(appId)
      await stored(() => store.grants.revoke({ clientId: appId }, now()))
      if (!(await stored(() => store.clients.delete(appId)))) throw unknown(appId)
    },

    async regenerateSecret(appId) {
      const client = await find(appId)
      if (client.secretHash === null) {
        throw new OAuthError(
          'invalid_request',
          isPublicClient(client)
            ? 'a public app has no secret to regenerate'
            : 'this app authenticates with its keys (private_key_jwt): it has no secret',
        )
      }
      const clientSecret = generateClientSecret()
      const secretHash = hashGeneratedSecret(clientSecret)
      const updated = { ...client, secretHash }
      if (!(await stored(() => store.clients.update(updated)))) throw unknown(appId)
      return { ...oauthAppView(updated), clientSecret }
    },

    async suspend(appId) {
      await find(appId)
      if (!(await setClientDisabled(context, appId, true))) throw unknown(appId)
      return oauthAppView(await find(appId))
    },

    async activate(appId) {
      await find(appId)
      if (!(await setClientDisabled(context, appId, false))) throw unknown(appId)
      return oauthAppView(await find(appId))
    },

    async tokens(appId) {
      await find(appId)
      const live = await stored(() => store.grants.list({ clientId: appId }, now()))
      return {
        tokens: live.map((token) => ({
          tokenType: token.tokenType,
          grantId: token.grantId,
          userId: token.subject,
          scope: token.scope,
          issuedAt: iso(token.issuedAt),
          expiresAt: iso(token.expiresAt),
        })),
      }
    },

    async revokeAllTokens(appId) {
      const client = await find(appId)
      const t = now()
      // The watermark first: from here on no access token issued so far is active, wherever it is.
      if (!(await stored(() => store.clients.update({ ...client, tokensRevokedAt: t })))) throw unknown(appId)
      const revokedGrants = await stored(() => store.grants.revoke({ clientId: appId }, t))
      return { revokedGrants }
    },
  }
}
