// `@pipeshub/client/oauth-clients`: PipesHub's OAuth app management API (`/api/v1/oauth-clients`), for
// an administrator, on its own entry point so that the OAuth client's browser bundle does not carry it.
import type {
  CreateOAuthAppRequestWire,
  OAuthAppTokenWire,
  OAuthAppWire,
  OAuthAppWithSecretWire,
  ScopeCatalogueWire,
  UpdateOAuthAppRequestWire,
} from '@pipeshub/models'
import {
  createOAuthAppRequestCodec,
  oauthAppCodec,
  oauthAppListCodec,
  oauthAppTokenListCodec,
  oauthAppWithSecretCodec,
  revokedOAuthAppTokensCodec,
  scopeCatalogueCodec,
  updateOAuthAppRequestCodec,
} from '@pipeshub/models/oauth-apps'
import { type AccessTokenSource, bearerJsonHeaders } from './bearer-api.js'
import { assertOk, type CallOptions, decodeJson, type HttpResponse, send, type Transport } from './http.js'
import { createTransport, type TransportOptions } from './transport-options.js'

export type {
  CreateOAuthAppRequestWire as CreateOAuthAppRequest,
  OAuthAppTokenWire as OAuthAppToken,
  OAuthAppWire as OAuthApp,
  OAuthAppWithSecretWire as OAuthAppWithSecret,
  ScopeCatalogueWire as ScopeCatalogue,
  UpdateOAuthAppRequestWire as UpdateOAuthAppRequest,
} from '@pipeshub/models'

export interface OAuthAppManagementClientOptions extends TransportOptions {
  /** The API's URL: `<server>/api/v1/oauth-clients`. */
  endpoint: string | URL
  /**
   * An administrator's access token from this server, carrying `org:admin`; a function is called before
   * every request, e.g. a token manager's.
   */
  accessToken: AccessTokenSource
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/**
 * The eleven operations of PipesHub's OAuth app management, bodies and answers checked against the
 * models' schemas (a request that does not match is refused before it is sent). Errors are the server's
 * RFC 6749 §5.2 bodies as `OAuthError` (unknown app: `invalid_request`, status 404).
 */
export class OAuthAppManagementClient {
  readonly #endpoint: string
  readonly #transport: Transport
  readonly #headers: () => Promise<Record<string, string>>

  constructor(options: OAuthAppManagementClientOptions) {
    this.#endpoint = new URL(options.endpoint).href.replace(/\/+$/, '')
    this.#transport = createTransport(options)
    this.#headers = bearerJsonHeaders(options.accessToken)
  }

  async #call(
    method: Method,
    path: string,
    options: CallOptions,
    body?: unknown,
    /** Whether a retry after a lost answer is safe (never for what makes a secret the caller must see). */
    retryable: true | 'unprocessed' = true,
  ): Promise<HttpResponse> {
    const headers = await this.#headers()
    if (body !== undefined) headers['content-type'] = 'application/json'
    const result = await send(
      this.#transport,
      {
        url: new URL(`${this.#endpoint}${path}`),
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        retryable,
        readBody: true,
      },
      options,
    )
    assertOk(result)
    return result
  }

  static #app(appId: string): string {
    return `/${encodeURIComponent(appId)}`
  }

  /** Every app, oldest first. */
  async list(options: CallOptions = {}): Promise<OAuthAppWire[]> {
    return decodeJson(oauthAppListCodec, await this.#call('GET', '', options)).model.apps
  }

  /** Creates an app; a confidential one answers its `clientSecret`, this once. */
  async create(
    app: CreateOAuthAppRequestWire,
    options: CallOptions = {},
  ): Promise<OAuthAppWire | OAuthAppWithSecretWire> {
    const result = await this.#call(
      'POST',
      '',
      options,
      createOAuthAppRequestCodec.encode(app),
      'unprocessed',
    )
    const confidential = app.isConfidential !== false
    return decodeJson(confidential ? oauthAppWithSecretCodec : oauthAppCodec, result).model
  }

  /** The scope catalogue by category (public: no administrator needed, but the token is sent). */
  async scopes(options: CallOptions = {}): Promise<ScopeCatalogueWire> {
    return decodeJson(scopeCatalogueCodec, await this.#call('GET', '/scopes', options)).model
  }

  async get(appId: string, options: CallOptions = {}): Promise<OAuthAppWire> {
    return decodeJson(oauthAppCodec, await this.#call('GET', OAuthAppManagementClient.#app(appId), options))
      .model
  }

  /** Changes the members given; `null` clears an optional one. */
  async update(
    appId: string,
    changes: UpdateOAuthAppRequestWire,
    options: CallOptions = {},
  ): Promise<OAuthAppWire> {
    const body = updateOAuthAppRequestCodec.encode(changes)
    const result = await this.#call('PUT', OAuthAppManagementClient.#app(appId), options, body)
    return decodeJson(oauthAppCodec, result).model
  }

  /** Deletes the app, revoking its grants; its access tokens stop being active. */
  async delete(appId: string, options: CallOptions = {}): Promise<void> {
    await this.#call('DELETE', OAuthAppManagementClient.#app(appId), options)
  }

  /** A new secret for a confidential app; the old one stops working at once. */
  async regenerateSecret(appId: string, options: CallOptions = {}): Promise<OAuthAppWithSecretWire> {
    const path = `${OAuthAppManagementClient.#app(appId)}/regenerate-secret`
    return decodeJson(
      oauthAppWithSecretCodec,
      await this.#call('POST', path, options, undefined, 'unprocessed'),
    ).model
  }

  /** Its authentication fails and its tokens are inactive until `activate`. */
  async suspend(appId: string, options: CallOptions = {}): Promise<OAuthAppWire> {
    const path = `${OAuthAppManagementClient.#app(appId)}/suspend`
    return decodeJson(oauthAppCodec, await this.#call('POST', path, options)).model
  }

  async activate(appId: string, options: CallOptions = {}): Promise<OAuthAppWire> {
    const path = `${OAuthAppManagementClient.#app(appId)}/activate`
    return decodeJson(oauthAppCodec, await this.#call('POST', path, options)).model
  }

  /** The app's live tokens of end-users' grants (never the tokens themselves). */
  async tokens(appId: string, options: CallOptions = {}): Promise<OAuthAppTokenWire[]> {
    const path = `${OAuthAppManagementClient.#app(appId)}/tokens`
    return decodeJson(oauthAppTokenListCodec, await this.#call('GET', path, options)).model.tokens
  }

  /** Revokes every grant of the app; every access token issued until now becomes inactive. */
  async revokeAllTokens(appId: string, options: CallOptions = {}): Promise<number> {
    const path = `${OAuthAppManagementClient.#app(appId)}/revoke-all-tokens`
    return decodeJson(revokedOAuthAppTokensCodec, await this.#call('POST', path, options)).model.revokedGrants
  }
}
