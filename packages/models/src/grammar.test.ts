import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CODE_CHALLENGE_PATTERN,
  CODE_VERIFIER_PATTERN,
  COMPACT_JWS_PATTERN,
  formatScope,
  parseScope,
  SCOPE_PATTERN,
  SCOPE_TOKEN_PATTERN,
  VSCHAR_PATTERN,
} from './index.js'

describe('parseScope', () => {
  it('splits on single spaces, keeping order and dropping duplicates', () => {
    expect(parseScope('openid kb:read openid offline_access')).toEqual([
      'openid',
      'kb:read',
      'offline_access',
    ])
  })
  it('gives no scopes for an absent or empty scope', () => {
    expect(parseScope(undefined)).toEqual([])
    expect(parseScope('')).toEqual([])
  })
  it('is the inverse of formatScope for valid scope strings', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(new RegExp(SCOPE_TOKEN_PATTERN)), { minLength: 1 }),
        (tokens) => {
          const scope = formatScope(tokens)
          expect(new RegExp(SCOPE_PATTERN).test(scope)).toBe(true)
          expect(parseScope(scope)).toEqual(tokens)
        },
      ),
    )
  })
})

describe('formatScope', () => {
  it('joins with single spaces and drops duplicates', () => {
    expect(formatScope(['kb:read', 'kb:write', 'kb:read'])).toBe('kb:read kb:write')
    expect(formatScope(new Set(['openid']))).toBe('openid')
  })
})

describe('patterns', () => {
  const matches = (pattern: string, value: string) => new RegExp(pattern).test(value)

  it('VSCHAR: printable ASCII including space, at least one', () => {
    expect(matches(VSCHAR_PATTERN, ' ~')).toBe(true)
    expect(matches(VSCHAR_PATTERN, '')).toBe(false)
    expect(matches(VSCHAR_PATTERN, '\x7F')).toBe(false)
  })
  it('code verifier and challenge: 43 to 128 unreserved characters', () => {
    for (const pattern of [CODE_VERIFIER_PATTERN, CODE_CHALLENGE_PATTERN]) {
      expect(matches(pattern, 'a'.repeat(43))).toBe(true)
      expect(matches(pattern, 'a'.repeat(128))).toBe(true)
      expect(matches(pattern, 'a'.repeat(42))).toBe(false)
      expect(matches(pattern, 'a'.repeat(129))).toBe(false)
    }
  })
  it('compact JWS: three non-empty base64url parts', () => {
    expect(matches(COMPACT_JWS_PATTERN, 'a.b.c')).toBe(true)
    expect(matches(COMPACT_JWS_PATTERN, 'a.b.')).toBe(false)
    expect(matches(COMPACT_JWS_PATTERN, 'a.b.c.d.e')).toBe(false)
  })
})
