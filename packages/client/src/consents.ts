// `@pipeshub/client/consents`: the apps the end-user allowed, and taking one back, on their own entry
// point so that the OAuth client's browser bundle does not carry them.
import type { ConsentedApp } from '@pipeshub/models'
import { consentedAppListCodec } from '@pipeshub/models/codecs'
import { type AccessTokenSource, bearerJsonHeaders } from './bearer-api.js'
import { assertOk, type CallOptions, decodeJson, send, type Transport } from './http.js'
import { createTransport, type TransportOptions } from './transport-options.js'

export type { ConsentedApp } from '@pipeshub/models'

export interface ConsentClientOptions extends TransportOptions {
  /** The API's URL: `<server>/api/v1/oauth2/consents`. */
  endpoint: string | URL
  /**
   * The end-user's access token from this server, with `openid` (not a personal access token); a
   * function is called before every request, e.g. a token manager's.
   */
  accessToken: AccessTokenSource
}

/** Lists the apps the end-user allowed and takes one back (its tokens revoked, its consent forgotten). */
export class ConsentClient {
  readonly #endpoint: URL
  readonly #transport: Transport
  readonly #headers: () => Promise<Record<string, string>>

  constructor(options: ConsentClientOptions) {
    this.#endpoint = new URL(options.endpoint)
    this.#transport = createTransport(options)
    this.#headers = bearerJsonHeaders(options.accessToken)
  }

  /** The apps the user allowed, oldest consent first, with the scopes each was allowed. */
  async list(options: CallOptions = {}): Promise<ConsentedApp[]> {
    const result = await send(
      this.#transport,
      { url: this.#endpoint, method: 'GET', headers: await this.#headers(), retryable: true },
      options,
    )
    assertOk(result)
    return decodeJson(consentedAppListCodec, result).model.consents
  }

  /**
   * Takes back the user's consent to the app `clientId`: every token of the user there stops working and
   * the app's next authorization request asks again. An app the user has not allowed fails with the
   * server's `invalid_request` (404).
   */
  async revoke(clientId: string, options: CallOptions = {}): Promise<void> {
    const url = new URL(`${this.#endpoint.href.replace(/\/+$/, '')}/${encodeURIComponent(clientId)}`)
    const result = await send(
      this.#transport,
      { url, method: 'DELETE', headers: await this.#headers(), retryable: true, readBody: true },
      options,
    )
    assertOk(result)
  }
}
