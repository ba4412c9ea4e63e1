import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { derToP1363 } from './targets/es256-jwt.js'

/**
 * DPoP proofs (RFC 9449 §4.2) for one key, made per request: a server refuses a replayed `jti`, so no
 * proof can be sent twice. The `jti` is a random per-maker prefix plus a counter (unique without
 * drawing randomness per request), `iat` comes from `now` (injectable), and the ES256 signature is
 * `node:crypto`'s, as cheap as the load generator can make it so that it never becomes the bottleneck.
 */
export class DpopProofMaker {
  private readonly key: KeyObject
  private readonly encodedHeader: string
  private readonly jtiPrefix = randomBytes(12).toString('base64url')
  private count = 0

  constructor(
    private readonly htu: string,
    private readonly htm: 'POST' | 'GET' = 'POST',
    private readonly now: () => number = Date.now,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    this.key = privateKey
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' })
    this.encodedHeader = Buffer.from(
      JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } }),
    ).toString('base64url')
  }

  /** Proofs made so far. */
  get issued(): number {
    return this.count
  }

  next(): string {
    const payload = {
      jti: `${this.jtiPrefix}.${(this.count++).toString(36)}`,
      htm: this.htm,
      htu: this.htu,
      iat: Math.floor(this.now() / 1000),
    }
    const signingInput = `${this.encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
    const signature = derToP1363(sign('sha256', Buffer.from(signingInput), this.key), 32)
    return `${signingInput}.${signature.toString('base64url')}`
  }
}
