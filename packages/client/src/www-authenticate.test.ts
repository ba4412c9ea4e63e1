import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseWwwAuthenticate } from './www-authenticate.js'

describe('parseWwwAuthenticate', () => {
  it('reads an RFC 6750 bearer challenge with quoted parameters', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
    )
    expect(challenge).toEqual({
      scheme: 'bearer',
      parameters: { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' },
    })
  })

  it('separates several challenges in one header', () => {
    const challenges = parseWwwAuthenticate('Basic realm="api", Bearer error=invalid_token, scope="a b"')
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'bearer'])
    expect(challenges[1]?.parameters).toEqual({ error: 'invalid_token', scope: 'a b' })
  })

  it('unescapes quoted-pair characters and keeps commas inside quoted strings', () => {
    const [challenge] = parseWwwAuthenticate('Bearer error_description="a \\"quoted\\", text"')
    expect(challenge?.parameters.error_description).toBe('a "quoted", text')
  })

  it('reads the token68 form and bare schemes', () => {
    expect(parseWwwAuthenticate('Negotiate abc+/==, DPoP')).toEqual([
      { scheme: 'negotiate', parameters: {}, token68: 'abc+/==' },
      { scheme: 'dpop', parameters: {} },
    ])
  })

  it('lower-cases parameter names, keeps the first of a repeated one, and stores __proto__ as data', () => {
    const [challenge] = parseWwwAuthenticate('Bearer ERROR="first", error="second", __proto__="x"')
    expect(challenge?.parameters.error).toBe('first')
    expect(Object.hasOwn(challenge?.parameters ?? {}, '__proto__')).toBe(true)
  })

  it('returns no challenges for an absent or empty header, and keeps what precedes garbage', () => {
    expect(parseWwwAuthenticate(null)).toEqual([])
    expect(parseWwwAuthenticate('')).toEqual([])
    expect(parseWwwAuthenticate('Bearer error="unterminated')).toEqual([{ scheme: 'bearer', parameters: {} }])
  })

  it('never throws on arbitrary header text, and always yields lower-case schemes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 200 }), (header) => {
        for (const challenge of parseWwwAuthenticate(header)) {
          expect(challenge.scheme).toBe(challenge.scheme.toLowerCase())
          expect(challenge.scheme.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 1000 },
    )
  })
})
