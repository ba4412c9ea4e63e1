import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import type { SigningKeyRecord } from '../store/types.js'

/**
 * RFC 9449 §8 server-provided nonces that every instance can check without shared state: a nonce is a
 * time bucket with its HMAC, under a secret every instance knows. A nonce is good in its bucket and
 * the next one, so it lives between one and two periods.
 */
export interface DPoPNonces {
  /** The nonce to give now, in `DPoP-Nonce`. */
  current(): Promise<string>
  /** Whether `nonce` was given by any instance sharing the secret, in this period or the one before. */
  verify(nonce: string): Promise<boolean>
}

export interface DPoPNonceOptions {
  /**
   * The HMAC secrets, the one that issues first; the others (a secret being replaced) still verify.
   * Every instance must answer the same list.
   */
  secrets(): Promise<readonly Uint8Array[]>
  now(): number
  /** Seconds per bucket (default 300). */
  period?: number | undefined
}

const NONCE = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/

export function createDPoPNonces(options: DPoPNonceOptions): DPoPNonces {
  const period = options.period ?? 300
  if (!Number.isInteger(period) || period < 10 || period > 86_400) {
    throw new RangeError('the DPoP nonce period must be an integer from 10 to 86400 seconds')
  }
  const mac = (secret: Uint8Array, bucket: number) =>
    createHmac('sha256', secret).update(`pipeshub dpop nonce ${bucket}`).digest()
  const bucketNow = () => Math.floor(options.now() / period)
  return {
    async current() {
      const [secret] = await options.secrets()
      if (secret === undefined) throw new Error('no DPoP nonce secret')
      const bucket = bucketNow()
      return `${bucket.toString(36)}.${mac(secret, bucket).toString('base64url')}`
    },
    async verify(nonce) {
      const match = NONCE.exec(nonce)
      if (!match) return false
      const bucket = Number.parseInt(match[1] ?? '', 36)
      const current = bucketNow()
      if (bucket !== current && bucket !== current - 1) return false
      const presented = Buffer.from(match[2] ?? '', 'base64url')
      for (const secret of await options.secrets()) {
        if (timingSafeEqual(presented, mac(secret, bucket))) return true
      }
      return false
    },
  }
}

/**
 * Nonce secrets derived from the signing keys every instance reads from the one store (HKDF of each
 * private key, so the nonce reveals nothing of it): the oldest live key of `alg` issues, the others
 * verify. Read from the store at most every `cacheSeconds`.
 */
export function signingKeyNonceSecrets(options: {
  list(): Promise<readonly SigningKeyRecord[]>
  /** Makes sure a key exists (the first signing key is created on demand). */
  ensureKey(): Promise<unknown>
  alg: string
  now(): number
  cacheSeconds?: number
}): () => Promise<readonly Uint8Array[]> {
  const cacheSeconds = options.cacheSeconds ?? 60
  const derived = new Map<string, Uint8Array>()
  let cached: { secrets: Uint8Array[]; at: number } | undefined
  const derive = (key: SigningKeyRecord) => {
    let secret = derived.get(key.kid)
    if (secret === undefined) {
      secret = new Uint8Array(hkdfSync('sha256', key.privateJwk, key.kid, 'pipeshub dpop nonce', 32))
      derived.set(key.kid, secret)
    }
    return secret
  }
  const read = async () => {
    const t = options.now()
    const live = (await options.list())
      .filter((key) => key.alg === options.alg && (key.expiresAt === null || key.expiresAt > t))
      .sort((a, b) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid))
    return live.map(derive)
  }
  return async () => {
    const t = options.now()
    if (cached && t >= cached.at && t - cached.at < cacheSeconds) return cached.secrets
    let secrets = await read()
    if (secrets.length === 0) {
      await options.ensureKey()
      secrets = await read()
    }
    cached = { secrets, at: t }
    return secrets
  }
}
