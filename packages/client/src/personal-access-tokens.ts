// `@pipeshub/client/personal-access-tokens`: the end-user's personal access tokens, on their own entry
// point so that the OAuth client's browser bundle does not carry them.
import type { CreatedPersonalAccessToken, PersonalAccessToken } from '@pipeshub/models'
import {
  createdPersonalAccessTokenCodec,
  personalAccessTokenCreateRequestCodec,
  personalAccessTokenListCodec,
} from '@pipeshub/models/codecs'
import { type AccessTokenSource, bearerJsonHeaders } from './bearer-api.js'
import { assertOk, type CallOptions, decodeJson, send, type Transport } from './http.js'
import { createTransport, type TransportOptions } from './transport-options.js'

export type { CreatedPersonalAccessToken, PersonalAccessToken } from '@pipeshub/models'

export interface PersonalAccessTokenClientOptions extends TransportOptions {
  /** The API's URL: `<server>/api/v1/personal-access-tokens`. */
  endpoint: string | URL
  /**
   * The end-user's access token from this server, with `openid` (a personal access token cannot manage
   * personal access tokens); a function is called before every request, e.g. a token manager's.
   */
  accessToken: AccessTokenSource
}

export interface CreatePersonalAccessTokenParameters extends CallOptions {
  /** What the token is for, as the user will recognise it in the list. */
  name: string
  /** Scopes, each held by the access token creating it. */
  scope: string | readonly string[]
  /** Lifetime in seconds (60 to one year); the server's default (30 days) when absent. */
  expiresIn?: number | undefined
}

/** Lists, creates and revokes the end-user's personal access tokens (`phpat_...`). */
export class PersonalAccessTokenClient {
  readonly #endpoint: URL
  readonly #transport: Transport
  readonly #headers: () => Promise<Record<string, string>>

  constructor(options: PersonalAccessTokenClientOptions) {
    this.#endpoint = new URL(options.endpoint)
    this.#transport = createTransport(options)
    this.#headers = bearerJsonHeaders(options.accessToken)
  }

  /** The user's live tokens, oldest first, without their values. */
  async list(options: CallOptions = {}): Promise<PersonalAccessToken[]> {
    const result = await send(
      this.#transport,
      { url: this.#endpoint, method: 'GET', headers: await this.#headers(), retryable: true },
      options,
    )
    assertOk(result)
    return decodeJson(personalAccessTokenListCodec, result).model.personalAccessTokens
  }

  /** Creates a token; its `token` value is in this answer only: the server keeps its hash. */
  async create(parameters: CreatePersonalAccessTokenParameters): Promise<CreatedPersonalAccessToken> {
    const { name, scope, expiresIn, ...call } = parameters
    const body = personalAccessTokenCreateRequestCodec.encode({
      name,
      scope: typeof scope === 'string' ? scope : scope.join(' '),
      ...(expiresIn === undefined ? {} : { expiresIn }),
    })
    // Not retried after a lost answer: a retry would create a second token the caller never sees.
    const result = await send(
      this.#transport,
      {
        url: this.#endpoint,
        method: 'POST',
        headers: { ...(await this.#headers()), 'content-type': 'application/json' },
        body: JSON.stringify(body),
        retryable: 'unprocessed',
      },
      call,
    )
    assertOk(result)
    return decodeJson(createdPersonalAccessTokenCodec, result).model
  }

  /** Revokes one of the user's tokens by its id; it stops being active at once. */
  async revoke(id: string, options: CallOptions = {}): Promise<void> {
    const url = new URL(`${this.#endpoint.href.replace(/\/+$/, '')}/${encodeURIComponent(id)}`)
    const result = await send(
      this.#transport,
      { url, method: 'DELETE', headers: await this.#headers(), retryable: true, readBody: true },
      options,
    )
    assertOk(result)
  }
}
