import { createHash, hash as digest, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto'
import { verifyGeneratedSecret } from './client-secret-hash.js'

// scrypt parameters (RFC 7914): N=2^15, r=8, p=1 costs ~32 MiB and tens of milliseconds, the OWASP
// minimum for password storage; the parameters are stored in the hash so they can be raised later.
const SCRYPT_N = 2 ** 15
const SCRYPT_R = 8
const SCRYPT_P = 1
const KEY_LENGTH = 32
const MAX_MEMORY = 64 * 1024 * 1024

function scryptAsync(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

export interface HashSecretOptions {
  /** log2 of scrypt's N, 10-20. Default 15 (passwords); client secrets use 14 (see `CLIENT_SECRET_HASH_COST`). */
  cost?: number
}

/** 256-bit random client secrets cannot be guessed, so their hash can be cheaper than a password's. */
export const CLIENT_SECRET_HASH_COST = 14

/** Hashes a client secret or user password with scrypt: `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashSecret(secret: string, options: HashSecretOptions = {}): Promise<string> {
  const cost = options.cost ?? Math.log2(SCRYPT_N)
  if (!Number.isInteger(cost) || cost < 10 || cost > 20)
    throw new RangeError('cost must be an integer from 10 to 20')
  const n = 2 ** cost
  const salt = randomBytes(16)
  const key = await scryptAsync(secret, salt, n, SCRYPT_R, SCRYPT_P)
  return `scrypt$${n}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Compares a secret with a `hashSecret` hash in constant time; false for any malformed hash. */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const parts = hash.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const n = Number(parts[1])
  const r = Number(parts[2])
  const p = Number(parts[3])
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(r) || !Number.isSafeInteger(p)) return false
  if (n < 2 || n > 2 ** 20 || r < 1 || r > 16 || p < 1 || p > 4) return false
  const salt = Buffer.from(parts[4] ?? '', 'base64url')
  const expected = Buffer.from(parts[5] ?? '', 'base64url')
  if (expected.length !== KEY_LENGTH) return false
  const actual = await scryptAsync(secret, salt, n, r, p)
  return timingSafeEqual(actual, expected)
}

/**
 * Checks a client secret against its stored hash in either form: `sha256$` for a secret the server
 * generated (`hashGeneratedSecret`), `scrypt$` for a secret someone chose and for every hash stored
 * before the SHA-256 form existed. A malformed hash is false, never an exception.
 */
export async function verifyClientSecret(secret: string, hash: string): Promise<boolean> {
  if (hash.startsWith('sha256$')) return verifyGeneratedSecret(secret, hash)
  return verifySecret(secret, hash)
}

/** A new client secret: 32 random bytes, hex (PipesHub's format). */
export function generateClientSecret(): string {
  return randomBytes(32).toString('hex')
}

/** A new client identifier: a UUID (PipesHub's format). */
export function generateClientId(): string {
  return randomUUID()
}

/** An opaque token (authorization code, refresh token): 256 random bits, base64url. */
export function generateOpaqueToken(): string {
  return randomBytes(32).toString('base64url')
}

/** How opaque tokens are stored: SHA-256, base64url. A fast hash suffices for 256-bit random values. */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url')
}

export interface SecretVerifierOptions {
  /** Verdicts remembered at most (least recently used first out); default 1000. */
  maxEntries?: number
  /** How long a verdict is remembered, in milliseconds; default 5 minutes. */
  ttlMs?: number
  /** Clock in epoch milliseconds, for tests. */
  now?: () => number
  /** The slow check the cache saves for `scrypt$` hashes (default `verifySecret`). */
  verify?: (secret: string, hash: string) => Promise<boolean>
}

/**
 * Checks client secrets (`verifyClientSecret`'s two forms) and, for scrypt hashes, remembers successful verifications for a few minutes, and shares one scrypt run among concurrent
 * requests with the same credentials, so a busy client costs one slow hash per process instead of one
 * per request. An entry is keyed by a SHA-256 of a random per-process key, the stored hash and the
 * presented secret, never the secret itself: a new hash (a rotated secret, another client) never
 * matches an old verdict, and the cache's keys are no offline oracle for the secret without that key.
 * The caller still reads the client record on every request and checks it (disabled, kind) after.
 */
export function createSecretVerifier(options: SecretVerifierOptions = {}) {
  const maxEntries = options.maxEntries ?? 1000
  const ttlMs = options.ttlMs ?? 300_000
  const now = options.now ?? Date.now
  const verify = options.verify ?? verifySecret
  const key = randomBytes(32).toString('base64url')
  const entries = new Map<string, { result: Promise<boolean>; at: number }>()
  return (secret: string, hash: string): Promise<boolean> => {
    // A SHA-256 check costs less than the cache's own key: only scrypt verdicts are worth keeping.
    if (hash.startsWith('sha256$')) return Promise.resolve(verifyGeneratedSecret(secret, hash))
    const id = digest('sha256', `${key}\u0000${hash}\u0000${secret}`, 'base64url')
    const at = now()
    const hit = entries.get(id)
    if (hit) {
      entries.delete(id)
      if (at - hit.at < ttlMs) {
        // Most recently used last: the map's first key is the one to evict.
        entries.set(id, hit)
        return hit.result
      }
    }
    const result = verify(secret, hash)
    const entry = { result, at }
    entries.set(id, entry)
    // Only successful verifications stay: a failure must cost the full hash every time.
    const forget = () => {
      if (entries.get(id) === entry) entries.delete(id)
    }
    result.then((ok) => {
      if (!ok) forget()
    }, forget)
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value
      if (oldest !== undefined) entries.delete(oldest)
    }
    return result
  }
}
