import { createPrivateKey, type JsonWebKeyInput } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { createJwsSigner, type JwsSigner } from './jws-signer.js'
import type { SigningAlgorithm, SigningKeyAbsence, SigningKeyRecord, Store } from './store/types.js'

export interface ActiveSigningKey {
  kid: string
  alg: SigningAlgorithm
  privateKey: CryptoKey
  /** Signs compact JWS with this key through `node:crypto` (imported once per key). */
  signer: JwsSigner
}

export interface SigningKeyManagerOptions {
  store: Store
  /** The server's algorithm: what `signingKey()` signs with when no other is asked for. */
  alg: SigningAlgorithm
  now: () => number
  /** Seconds a new key is published in JWKS before it signs (default 3600). */
  publicationDelay: number
  /** Seconds a replaced key stays published: at least the longest token lifetime (default 86400). */
  retention: number
  /** Seconds the key list is cached for signing before it is read again (default 30). */
  cacheSeconds?: number
  /**
   * Seconds between two reads of the store caused by an unknown `kid` or a JWKS request (default 1):
   * another instance's new key is seen at once, while a flood of made-up `kid`s costs at most one
   * store read per interval.
   */
  reloadInterval?: number
}

/**
 * The server's signing keys, one current key per algorithm in use (the server's algorithm for access
 * tokens, RS256 or a client's registered algorithm for ID tokens), each rotated on its own.
 */
export interface SigningKeyManager {
  /**
   * The key of `alg` (default: the server's algorithm) that signs now; creates the first key of that
   * algorithm when the store holds none that can sign.
   */
  signingKey(alg?: SigningAlgorithm): Promise<ActiveSigningKey>
  /** Public keys to verify with, by `kid` (reloads the list on an unknown kid, rate-limited). */
  verificationKey(kid: string): Promise<{ alg: SigningAlgorithm; key: CryptoKey } | undefined>
  /**
   * The published public JWKs: every key not yet expired, including the next key before it signs.
   * Read from the store at most `reloadInterval` seconds earlier, so keys another instance created show.
   */
  publicJwks(): Promise<JWK[]>
  /**
   * For every algorithm in use (the server's, and each one a current key in the store has): adds the
   * next key (published now, signing after `publicationDelay`), schedules the older keys of that
   * algorithm to leave JWKS `retention` seconds after the new key starts signing, and deletes expired
   * keys. Answers the new keys, the server's algorithm first.
   */
  rotate(): Promise<SigningKeyRecord[]>
  /**
   * Rotates each algorithm in use only when no key of it was created in the last `maxAge` seconds,
   * atomically in the store: of several instances running the same schedule, one rotates each
   * algorithm. Answers the new keys (empty when no rotation was due).
   */
  rotateIfDue(maxAge: number): Promise<SigningKeyRecord[]>
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

/**
 * Seconds within which two instances creating the first key of an algorithm at the same moment find
 * each other's key (their clocks read on either side of a second boundary, a slow store).
 */
const FIRST_KEY_CLOCK_WINDOW = 5

export function createSigningKeyManager(options: SigningKeyManagerOptions): SigningKeyManager {
  const { store, now } = options
  const cacheSeconds = options.cacheSeconds ?? 30
  const reloadInterval = options.reloadInterval ?? 1
  let cached: { keys: SigningKeyRecord[]; loadedAt: number } | undefined
  const activeKeys = new Map<string, ActiveSigningKey>()
  const publicKeys = new Map<string, CryptoKey>()
  const creating = new Map<SigningAlgorithm, Promise<void>>()
  let reading: Promise<SigningKeyRecord[]> | undefined

  let reads = 0
  let cachedRead = 0
  const readNow = async (): Promise<SigningKeyRecord[]> => {
    const t = now()
    const sequence = ++reads
    const keys = await store.signingKeys.list()
    // A slower, older read must not replace what a newer one cached.
    if (sequence > cachedRead) {
      cached = { keys, loadedAt: t }
      cachedRead = sequence
    }
    return keys
  }
  // One read at a time: concurrent callers share it (a read that started before a write the caller
  // depends on must not be shared: use `readNow` there).
  const read = (): Promise<SigningKeyRecord[]> => {
    reading ??= readNow().finally(() => {
      reading = undefined
    })
    return reading
  }
  /** The cached list when younger than `maxAge` seconds (and the clock did not go back), else a fresh read. */
  const load = async (maxAge: number): Promise<SigningKeyRecord[]> => {
    const t = now()
    if (cached && t - cached.loadedAt < maxAge && t >= cached.loadedAt) return cached.keys
    return read()
  }
  const live = (key: SigningKeyRecord, t: number) => key.expiresAt === null || key.expiresAt > t
  const pickSigner = (keys: SigningKeyRecord[], t: number, alg: SigningAlgorithm) =>
    keys
      .filter((key) => key.activatesAt <= t && live(key, t) && key.alg === alg)
      .sort(
        (a, b) => b.activatesAt - a.activatesAt || b.createdAt - a.createdAt || a.kid.localeCompare(b.kid),
      )[0]

  const toActive = async (record: SigningKeyRecord): Promise<ActiveSigningKey> => {
    let active = activeKeys.get(record.kid)
    if (!active) {
      const jwk = JSON.parse(record.privateJwk) as JWK
      const privateKey = (await importJWK(jwk, record.alg)) as CryptoKey
      // A KeyObject of its own: node:crypto signs with it directly, without WebCrypto.
      const keyObject = createPrivateKey({ key: jwk, format: 'jwk' } as JsonWebKeyInput)
      const signer = createJwsSigner(record.alg, record.kid, keyObject)
      active = { kid: record.kid, alg: record.alg, privateKey, signer }
      activeKeys.set(record.kid, active)
    }
    return active
  }

  /**
   * Publishes `next` and retires the keys it replaces (expired keys deleted, the other current keys of
   * its algorithm scheduled to leave JWKS `retention` after `next` signs) in one store transaction, so a
   * crash never leaves a new key beside an old one without its expiry.
   */
  const rotateTo = async (next: SigningKeyRecord, t: number, absence?: SigningKeyAbsence) => {
    const inserted = await store.signingKeys.rotate(next, {
      now: t,
      expiresAt: next.activatesAt + options.retention,
      ...(absence === undefined ? {} : { absence }),
    })
    // Forget the list, including reads still in flight from before the rotation.
    cached = undefined
    cachedRead = reads
    return inserted
  }

  /** The server's algorithm first, then every other algorithm a current key in the store has. */
  const algorithmsInUse = async (t: number): Promise<SigningAlgorithm[]> => {
    const algorithms = new Set<SigningAlgorithm>([options.alg])
    for (const key of await store.signingKeys.list()) if (live(key, t)) algorithms.add(key.alg)
    return [...algorithms]
  }

  return {
    async signingKey(alg = options.alg) {
      const t = now()
      let signer = pickSigner(await load(cacheSeconds), t, alg)
      if (!signer) signer = pickSigner(await read(), t, alg)
      if (!signer) {
        // Nobody can have cached a JWKS without a signing key yet, so the first key signs at once. The
        // store inserts it only if no other instance did in the meantime; everyone then signs with
        // whichever key won. Another instance that read its clock a moment after this one made a key
        // that activates a second or two "later": it counts as present, and signs here too.
        let pending = creating.get(alg)
        if (!pending) {
          pending = (async () => {
            await store.signingKeys.createIfAbsent(await createSigningKeyRecord(alg, t, t), {
              now: t,
              activeAt: t + FIRST_KEY_CLOCK_WINDOW,
            })
          })().finally(() => {
            creating.delete(alg)
          })
          creating.set(alg, pending)
        }
        await pending
        const keys = await readNow()
        signer =
          pickSigner(keys, Math.max(now(), t), alg) ?? pickSigner(keys, t + FIRST_KEY_CLOCK_WINDOW, alg)
      }
      if (!signer) throw new Error('no signing key could be created')
      return toActive(signer)
    },
    async verificationKey(kid) {
      const t = now()
      let record = (await load(cacheSeconds)).find((key) => key.kid === kid)
      // An unknown kid may be a key another instance just created or rotated in: read the store again,
      // unless it was read less than `reloadInterval` ago.
      if (!record) record = (await load(reloadInterval)).find((key) => key.kid === kid)
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
      return (await load(reloadInterval))
        .filter((key) => live(key, t))
        .map((key) => JSON.parse(key.publicJwk) as JWK)
    },
    async rotate() {
      const t = now()
      const rotated: SigningKeyRecord[] = []
      for (const alg of await algorithmsInUse(t)) {
        const next = await createSigningKeyRecord(alg, t, t + options.publicationDelay)
        await rotateTo(next, t)
        rotated.push(next)
      }
      return rotated
    },
    async rotateIfDue(maxAge) {
      const t = now()
      const rotated: SigningKeyRecord[] = []
      for (const alg of await algorithmsInUse(t)) {
        const next = await createSigningKeyRecord(alg, t, t + options.publicationDelay)
        if (await rotateTo(next, t, { now: t, createdAfter: t - maxAge })) rotated.push(next)
      }
      return rotated
    },
  }
}
