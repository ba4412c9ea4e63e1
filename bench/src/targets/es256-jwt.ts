import { createPrivateKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto'

/**
 * RFC 9068 access tokens signed with ES256 by `node:crypto` alone: the least a token server can do
 * per request, shared by the crypto floor and the @node-oauth/oauth2-server model.
 */
export class Es256AccessTokenSigner {
  private readonly key: KeyObject
  private readonly encodedHeader: string

  constructor(
    private readonly issuer: string,
    key?: KeyObject,
  ) {
    this.key = key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    const kid = 'bench-es256'
    this.encodedHeader = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid })).toString(
      'base64url',
    )
  }

  static fromPem(issuer: string, pem: string): Es256AccessTokenSigner {
    return new Es256AccessTokenSigner(issuer, createPrivateKey(pem))
  }

  sign(claims: {
    sub: string
    clientId: string
    audience: string
    scope: string
    ttlSeconds: number
  }): string {
    const iat = Math.floor(Date.now() / 1000)
    const payload = {
      iss: this.issuer,
      sub: claims.sub,
      aud: claims.audience,
      client_id: claims.clientId,
      iat,
      exp: iat + claims.ttlSeconds,
      jti: randomUUID(),
      scope: claims.scope,
    }
    const signingInput = `${this.encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
    // Signing with the bare KeyObject and converting DER in JS costs half of `{ key, dsaEncoding }`
    // (Node 24 re-prepares the key for an options object on every call).
    const signature = derToP1363(sign('sha256', Buffer.from(signingInput), this.key), 32)
    return `${signingInput}.${signature.toString('base64url')}`
  }
}

/**
 * Converts a DER `ECDSA-Sig-Value` (SEQUENCE { r INTEGER, s INTEGER }) to the fixed-width r||s form
 * JWS uses (RFC 7518 §3.4), each integer left-padded to `size` bytes.
 */
export function derToP1363(der: Uint8Array, size: number): Buffer {
  let offset = 0
  const expect = (tag: number) => {
    if (der[offset] !== tag) throw new Error(`invalid DER signature: expected tag ${tag} at ${offset}`)
    offset++
  }
  const length = (): number => {
    const first = der[offset++] as number
    if (first < 0x80) return first
    const bytes = first & 0x7f
    let value = 0
    for (let i = 0; i < bytes; i++) value = (value << 8) | (der[offset++] as number)
    return value
  }
  const integer = (): Uint8Array => {
    expect(0x02)
    const len = length()
    let start = offset
    offset += len
    while (start < offset - 1 && der[start] === 0) start++
    const value = der.subarray(start, offset)
    if (value.length > size) throw new Error('invalid DER signature: integer too long')
    return value
  }
  expect(0x30)
  length()
  const r = integer()
  const s = integer()
  const out = Buffer.alloc(size * 2)
  out.set(r, size - r.length)
  out.set(s, size * 2 - s.length)
  return out
}
