import { describe, expect, it } from 'vitest'
import { base64UrlEncode, codeChallengeS256, generateCodeVerifier, randomToken } from './pkce.js'

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 Appendix B', async () => {
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    )
  })

  it('generates verifiers of 43 unreserved characters, different every time', () => {
    const verifiers = new Set(Array.from({ length: 100 }, generateCodeVerifier))
    expect(verifiers.size).toBe(100)
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/)
  })

  it('encodes base64url without padding', () => {
    expect(base64UrlEncode(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('-__-')
    expect(base64UrlEncode(new Uint8Array([1]))).toBe('AQ')
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })
})
