import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { derToP1363, Es256AccessTokenSigner } from './es256-jwt.js'

describe('derToP1363', () => {
  it('gives the same r||s signature Node produces with dsaEncoding ieee-p1363', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    // Enough signatures that short r or s (leading zero bytes) and 33-byte DER integers both occur.
    for (let i = 0; i < 300; i++) {
      const data = Buffer.from(`message ${i}`)
      const raw = derToP1363(sign('sha256', data, privateKey), 32)
      expect(raw).toHaveLength(64)
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true)
    }
  })
  it('refuses bytes that are not a DER signature', () => {
    expect(() => derToP1363(Buffer.from([0x31, 0x00]), 32)).toThrow(/invalid DER signature/)
  })
})

describe('Es256AccessTokenSigner', () => {
  it('signs an RFC 9068 access token that verifies with the public key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const signer = new Es256AccessTokenSigner('http://127.0.0.1', privateKey)
    const token = signer.sign({ sub: 's', clientId: 'c', audience: 'a', scope: 'kb:read', ttlSeconds: 60 })
    const [header, payload, signature] = token.split('.') as [string, string, string]
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
    })
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      iss: 'http://127.0.0.1',
      client_id: 'c',
    })
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: createPublicKey(privateKey), dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    )
    expect(valid).toBe(true)
  })
})
