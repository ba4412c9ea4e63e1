import { jsonWebKeySetCodec } from '@pipeshub/models/codecs'
import { createLocalJWKSet, errors, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose'
import { assertOk, decodeJson, send, type Transport } from './http.js'

type LocalKeySet = ReturnType<typeof createLocalJWKSet>

/** How long a fetched key set is trusted before it is fetched again (keys get rotated and retired). */
const MAX_AGE_MS = 10 * 60_000
/** A token signed with an unknown `kid` refetches the set at most this often (rotation, not abuse). */
const COOLDOWN_MS = 30_000

/**
 * The issuer's signing keys, fetched through the client's own transport (its fetch, timeout, retry
 * and schema validation) and handed to jose as a local set. An unknown `kid` means the issuer rotated
 * its keys: the set is fetched again, at most once per cooldown. Concurrent fetches are shared.
 */
export class IssuerKeySet {
  readonly #transport: Transport
  readonly #jwksUri: URL
  #keys: LocalKeySet | undefined
  #fetchedAt = Number.NEGATIVE_INFINITY
  #inflight: Promise<LocalKeySet> | undefined

  constructor(transport: Transport, jwksUri: URL) {
    this.#transport = transport
    this.#jwksUri = jwksUri
  }

  /** The key resolver `jwtVerify` calls with the token's protected header. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    const age = this.#transport.now() - this.#fetchedAt
    let keys = this.#keys !== undefined && age < MAX_AGE_MS ? this.#keys : await this.#reload()
    try {
      return await keys(header, token)
    } catch (error) {
      if (
        !(error instanceof errors.JWKSNoMatchingKey) ||
        this.#transport.now() - this.#fetchedAt < COOLDOWN_MS
      ) {
        throw error
      }
      keys = await this.#reload()
      return keys(header, token)
    }
  }

  #reload(): Promise<LocalKeySet> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined
    })
    return this.#inflight
  }

  async #fetch(): Promise<LocalKeySet> {
    const result = await send(
      this.#transport,
      { url: this.#jwksUri, method: 'GET', headers: { accept: 'application/json' }, retryable: true },
      {},
    )
    assertOk(result)
    const { model } = decodeJson(jsonWebKeySetCodec, result)
    // The model type is wider than jose's JWK type only in optional members; the schema checked it.
    this.#keys = createLocalJWKSet(model as Parameters<typeof createLocalJWKSet>[0])
    this.#fetchedAt = this.#transport.now()
    return this.#keys
  }
}
