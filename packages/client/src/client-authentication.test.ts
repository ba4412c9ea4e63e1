import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyClientAuthentication,
  basicAuthorizationHeader,
  formUrlEncode,
} from './client-authentication.js'

describe('client_secret_basic', () => {
  it('matches the RFC 6749 §2.3.1 example', () => {
    expect(basicAuthorizationHeader('s6BhdRkqt3', '7Fjfp0ZBr1KtDRbnfVdmIw')).toBe(
      'Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3',
    )
  })

  it('form-urlencodes id and secret before Base64 (RFC 6749 Appendix B)', () => {
    const header = basicAuthorizationHeader('client:id', 'se cr%t+é/?')
    const decoded = atob(header.slice('Basic '.length))
    expect(decoded).toBe('client%3Aid:se+cr%25t%2B%C3%A9%2F%3F')
    const [id, secret] = decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))
    expect([id, secret]).toEqual(['client:id', 'se cr%t+é/?'])
  })

  it('encodes a space as + and everything but ALPHA DIGIT * - . _ as percent escapes (WHATWG form serializer)', () => {
    expect(formUrlEncode("a b~*-._!'()")).toBe('a+b%7E*-._%21%27%28%29')
  })
})

describe('client_secret_basic round trip', () => {
  /** What a server does with the header (RFC 6749 §2.3.1): Base64-decode, split at the first ':', form-decode. */
  function serverDecode(header: string): [string, string] {
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(header.slice(6)), (c) => c.charCodeAt(0)))
    const colon = decoded.indexOf(':')
    const formDecode = (value: string) => new URLSearchParams(`v=${value}`).get('v') ?? ''
    return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))]
  }

  it('recovers any client id and secret, whatever characters they hold', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (id, secret) => {
        expect(serverDecode(basicAuthorizationHeader(id, secret))).toEqual([id, secret])
      }),
      { numRuns: 500 },
    )
  })
})

describe('applyClientAuthentication', () => {
  it('client_secret_post puts id and secret in the body and sends no Authorization header', async () => {
    const headers: Record<string, string> = {}
    const body = new URLSearchParams({ grant_type: 'client_credentials' })
    await applyClientAuthentication(
      { clientId: 'id', clientSecret: 's e', method: 'client_secret_post' },
      headers,
      body,
      Date.now(),
    )
    expect(headers).toEqual({})
    expect(body.toString()).toBe('grant_type=client_credentials&client_id=id&client_secret=s+e')
  })

  it('none identifies a public client by client_id alone', async () => {
    const headers: Record<string, string> = {}
    const body = new URLSearchParams()
    await applyClientAuthentication({ clientId: 'public-app', method: 'none' }, headers, body, Date.now())
    expect(headers).toEqual({})
    expect(body.toString()).toBe('client_id=public-app')
  })
})
