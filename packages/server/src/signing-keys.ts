import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import type { SigningAlgorithm, SigningKeyRecord, Store } from './store/types.js'

export interface ActiveSigningKey {
  kid: string
  alg: SigningAlgorithm
  privateKey: CryptoKey
}

export interface SigningKeyManagerOptions {
  store: Store
  alg: SigningAlgorithm
  now: () => number
  /** Seconds a new key is published in JWKS before it signs (default 3600). */
  publicationDelay: number
  /** Seconds a replaced key stays published: at least the longest token lifetime (default 86400). */
  retention: number
  /** Seconds the key list is cached in memory before it is read again (default 30). */
  cacheSeconds?: number
}

export interface SigningKeyManager {
  /** The key that signs now; creates the first key when the store holds none that can sign. */
  signingKey(): Promise<ActiveSigningKey>
  /** Public keys to verify with, by `kid` (reloads the list on an unknown kid). */
  verificationKey(kid: string): Promise<{ alg: SigningAlgorithm; key: CryptoKey } | undefined>
  /** The published public JWKs: every key not yet expired, including the next key before it signs. */
  publicJwks(): Promise<JWK[]>
  /**
   * Adds the next key (published now, signing after `publicationDelay`), schedules every older key to
   * leave JWKS `retention` seconds after the new key starts signing, and deletes expired keys.
   */
  rotate(): Promise<SigningKeyRecord>
}

const EDDSA_CURVE = 'Ed25519'

export async function createSigningKeyRecord(
  alg: SigningAlgorithm,
  createdAt: number,
  activatesAt: number,
): Promise<SigningKeyRecord> {
  const pair = await generateKeyPair(
    alg,
    alg === 'EdDSA' ? { crv: EDDSA_CURVE, extractable: true } : { extractable: true },
  )
  const publicJwk = await exportJWK(pair.publicKey)
  const privateJwk = await exportJWK(pair.privateKey)
  const kid = await calculateJwkThumbprint(publicJwk)
  return {
    kid,
    alg,
    privateJwk: JSON.stringify({ ...privateJwk, kid, alg }),
    publicJwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
    createdAt,
    activatesAt,
    expiresAt: null,
  }
}

export function createSigningKeyManager(options: SigningKeyManagerOptions): SigningKeyManager {
  const { store, now } = options
  const cacheSeconds = options.cacheSeconds ?? 30
  let cached: { keys: SigningKeyRecord[]; loadedAt: number } | undefined
  const privateKeys = new Map<string, CryptoKey>()
  const publicKeys = new Map<string, CryptoKey>()
  let creating: Promise<void> | undefined

  const load = async (force = false): Promise<SigningKeyRecord[]> => {
    const t = now()
    if (!force && cached && t - cached.loadedAt < cacheSeconds && t >= cached.loadedAt) return cached.keys
    const keys = await store.signingKeys.list()
    cached = { keys, loadedAt: t }
    return keys
  }
  const live = (key: SigningKeyRecord, t: number) => key.expiresAt === null || key.expiresAt > t
  const pickSigner = (keys: SigningKeyRecord[], t: number) =>
    keys
      .filter((key) => key.activatesAt <= t && live(key, t) && key.alg === options.alg)
      .sort(
        (a, b) => b.activatesAt - a.activatesAt || b.createdAt - a.createdAt || a.kid.localeCompare(b.kid),
      )[0]

  const toActive = async (record: SigningKeyRecord): Promise<ActiveSigningKey> => {
    let privateKey = privateKeys.get(record.kid)
    if (!privateKey) {
      privateKey = (await importJWK(JSON.parse(record.privateJwk) as JWK, record.alg)) as CryptoKey
      privateKeys.set(record.kid, privateKey)
    }
    return { kid: record.kid, alg: record.alg, privateKey }
  }

  return {
    async signingKey() {
      const t = now()
      let signer = pickSigner(await load(), t)
      if (!signer) signer = pickSigner(await load(true), t)
      if (!signer) {
        // Nobody can have cached a JWKS without a signing key yet, so the first key signs at once.
        creating ??= (async () => {
          await store.signingKeys.create(await createSigningKeyRecord(options.alg, t, t))
        })().finally(() => {
          creating = undefined
        })
        await creating
        signer = pickSigner(await load(true), t)
      }
      if (!signer) throw new Error('no signing key could be created')
      return toActive(signer)
    },
    async verificationKey(kid) {
      const t = now()
      let record = (await load()).find((key) => key.kid === kid)
      if (!record) record = (await load(true)).find((key) => key.kid === kid)
      if (!record || !live(record, t)) return undefined
      let key = publicKeys.get(kid)
      if (!key) {
        key = (await importJWK(JSON.parse(record.publicJwk) as JWK, record.alg)) as CryptoKey
        publicKeys.set(kid, key)
      }
      return { alg: record.alg, key }
    },
    async publicJwks() {
      const t = now()
      return (await load()).filter((key) => live(key, t)).map((key) => JSON.parse(key.publicJwk) as JWK)
    },
    async rotate() {
      const t = now()
      const next = await createSigningKeyRecord(options.alg, t, t + options.publicationDelay)
      const existing = await store.signingKeys.list()
      await store.signingKeys.create(next)
      for (const key of existing) {
        if (key.expiresAt !== null && key.expiresAt <= t) {
          await store.signingKeys.delete(key.kid)
        } else if (key.expiresAt === null) {
          await store.signingKeys.expire(key.kid, next.activatesAt + options.retention)
        }
      }
      cached = undefined
      return next
    },
  }
}
