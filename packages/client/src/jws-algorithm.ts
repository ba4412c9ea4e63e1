import type { JWK } from 'jose'

/**
 * The JWS algorithm (RFC 7518, RFC 8037) a WebCrypto signing key is made for, or `undefined` when the
 * key is not an asymmetric signing key: ECDSA by its curve, Ed25519 as `EdDSA`, RSA by its padding
 * and hash. The key fixes the algorithm; nothing about it is negotiated.
 */
export function jwsAlgorithmForKey(key: CryptoKey): string | undefined {
  const algorithm = key.algorithm as KeyAlgorithm & { namedCurve?: string; hash?: { name?: string } }
  switch (algorithm.name) {
    case 'ECDSA':
      return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[algorithm.namedCurve ?? '']
    case 'Ed25519':
      return 'EdDSA'
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS': {
      const size = /^SHA-(256|384|512)$/.exec(algorithm.hash?.name ?? '')?.[1]
      if (size === undefined) return undefined
      return `${algorithm.name === 'RSA-PSS' ? 'PS' : 'RS'}${size}`
    }
    default:
      return undefined
  }
}

/** The JWS algorithm of a private JWK: its `alg`, else the one its key type implies (RS256 for RSA). */
export function jwsAlgorithmForJwk(jwk: JWK): string | undefined {
  if (typeof jwk.alg === 'string') return jwk.alg
  if (jwk.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[jwk.crv ?? '']
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'RSA') return 'RS256'
  return undefined
}
