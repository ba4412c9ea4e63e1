import { createPublicKey, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DpopProofMaker } from './dpop-proof.js'

const HTU = 'http://127.0.0.1:4000/oauth/token'

function decode(proof: string) {
  const [header, payload, signature] = proof.split('.')
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>,
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature ?? '', 'base64url'),
  }
}

describe('DPoP proofs of the load generator (RFC 9449 §4.2)', () => {
  it('never repeats a jti, within one maker or across makers', () => {
    const first = new DpopProofMaker(HTU)
    const second = new DpopProofMaker(HTU)
    const jtis = new Set<unknown>()
    for (let i = 0; i < 2000; i++) {
      jtis.add(decode(first.next()).payload.jti)
      jtis.add(decode(second.next()).payload.jti)
    }
    expect(jtis.size).toBe(4000)
    expect(first.issued).toBe(2000)
  })

  it('carries htm, htu and the current iat, with the public key in a dpop+jwt header', () => {
    let clock = 1_700_000_000_999
    const maker = new DpopProofMaker(HTU, 'POST', () => clock)
    const { header, payload } = decode(maker.next())
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } })
    expect(header.jwk).not.toHaveProperty('d')
    expect(payload).toMatchObject({ htm: 'POST', htu: HTU, iat: 1_700_000_000 })
    clock += 61_000
    expect(decode(maker.next()).payload.iat).toBe(1_700_000_061)
  })

  it('is signed with ES256 by the key in its header', () => {
    const { header, signingInput, signature } = decode(new DpopProofMaker(HTU).next())
    const key = createPublicKey({ key: header.jwk as never, format: 'jwk' })
    const valid = (input: string) =>
      verify('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature)
    expect(signature).toHaveLength(64)
    expect(valid(signingInput)).toBe(true)
    expect(valid(`${signingInput}x`)).toBe(false)
  })
})
