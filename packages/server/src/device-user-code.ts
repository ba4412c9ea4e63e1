import { randomBytes } from 'node:crypto'
import { hashOpaqueToken } from './secrets.js'

/**
 * RFC 8628 §6.1: user codes people read on a TV and type on a phone. Twenty consonants, no vowels (no
 * words spelled by accident) and none of the letters mistaken for digits; 8 of them give 20^8 ≈ 2^34.6
 * codes, shown as `XXXX-XXXX`, which with the verification page's rate limit and the codes' short life
 * keeps guessing out of reach (§5.1).
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ'
const LENGTH = 8
// The largest multiple of 20 below 256: bytes at or above it are drawn again, so every letter is as likely.
const UNBIASED_LIMIT = 240

/** A fresh user code, `XXXX-XXXX`, from the CSPRNG without modulo bias. */
export function generateUserCode(): string {
  let code = ''
  // Each round keeps a byte with probability 240/256; 64 rounds of 16 bytes cannot all fall short.
  for (let round = 0; round < 64 && code.length < LENGTH; round++) {
    for (const byte of randomBytes(16)) {
      if (byte >= UNBIASED_LIMIT) continue
      code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length]
      if (code.length === LENGTH) break
    }
  }
  if (code.length !== LENGTH) throw new Error('the random source gave no usable bytes')
  return formatUserCode(code)
}

/**
 * A user code as typed, normalized (RFC 8628 §6.1): case ignored, dashes and spaces (and other
 * separators people type) dropped; `undefined` when what is left is not 8 letters of the alphabet.
 */
export function normalizeUserCode(input: string): string | undefined {
  if (input.length > 64) return undefined
  const letters = input.toUpperCase().replace(/[\s\-_.·–—]/g, '')
  if (letters.length !== LENGTH) return undefined
  for (const letter of letters) if (!USER_CODE_ALPHABET.includes(letter)) return undefined
  return letters
}

/** `XXXXXXXX` as shown to people: `XXXX-XXXX`. */
export function formatUserCode(normalized: string): string {
  return `${normalized.slice(0, 4)}-${normalized.slice(4)}`
}

/** What the store keeps of a normalized user code: its SHA-256, so a database leak shows no live code. */
export function hashUserCode(normalized: string): string {
  return hashOpaqueToken(normalized)
}
