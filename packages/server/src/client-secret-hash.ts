import { hash as digest, timingSafeEqual } from 'node:crypto'

const PREFIX = 'sha256$'
// 32 bytes in unpadded base64url: 43 characters, the last one carrying 2 bits of padding (zero).
const STORED = /^sha256\$[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/
const GENERATED = /^[0-9a-f]{64}$/

/**
 * How a secret the server generated (`generateClientSecret`: 256 random bits) is stored:
 * `sha256$<base64url digest>`. A password hash slows the guessing of a low-entropy secret; no guess
 * finds a 256-bit one, so scrypt's ~30 ms and 16-32 MiB per check would buy nothing. Anything but a
 * generated secret is refused: a secret someone chose goes through `hashSecret` (scrypt).
 */
export function hashGeneratedSecret(secret: string): string {
  if (!GENERATED.test(secret))
    throw new RangeError('only a generated client secret (64 hex digits) is stored with SHA-256')
  return `${PREFIX}${digest('sha256', secret, 'base64url')}`
}

/** Whether `hash` is in the exact form `hashGeneratedSecret` writes (no other spelling is accepted). */
export function isGeneratedSecretHash(hash: string): boolean {
  return STORED.test(hash)
}

/** Compares a presented secret with a `hashGeneratedSecret` hash in constant time; false for any malformed hash. */
export function verifyGeneratedSecret(secret: string, hash: string): boolean {
  if (!isGeneratedSecretHash(hash)) return false
  const expected = Buffer.from(hash.slice(PREFIX.length), 'base64url')
  return timingSafeEqual(digest('sha256', secret, 'buffer'), expected)
}
