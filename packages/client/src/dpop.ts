import type { DPoPProofClaims } from '@pipeshub/models'
import { DPOP_PROOF_JWT_TYPE, dpopProofClaimsCodec } from '@pipeshub/models/codecs'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { jwsAlgorithmForKey } from './jws-algorithm.js'
import { base64UrlEncode, randomToken } from './pkce.js'

/** The nonces of this many servers are kept (RFC 9449 §§8, 9: each server, AS or RS, has its own). */
const MAX_NONCES = 64

export interface DPoPProofRequest {
  /** The HTTP method of the request the proof goes with (`htm`). */
  readonly method: string
  /** The request URL; the proof's `htu` is it without query and fragment. */
  readonly url: URL
  /** The access token the request presents; the proof then carries its hash (`ath`, RFC 9449 §4.2). */
  readonly accessToken?: string | undefined
  /** Time of the proof (`iat`), in ms since the epoch. Default `Date.now()`. */
  readonly now?: number | undefined
}

/**
 * RFC 9449 §4.3 `htu`: the request's URI without query and fragment. Kept as the URL serializes it
 * (lower-case scheme and host, default port dropped), which is how a server normalizes it too.
 */
export function dpopTargetUri(url: URL): string {
  const target = new URL(url.href)
  target.search = ''
  target.hash = ''
  return target.href
}

/** RFC 9449 §4.2 `ath`: base64url of the SHA-256 of the access token's ASCII value. */
export async function accessTokenHashForDPoP(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))
  return base64UrlEncode(new Uint8Array(digest))
}

/**
 * The DPoP proof algorithms this client prefers, first to last: small fast keys first (ES256 is what
 * every DPoP server accepts), RSA last (large proofs, slow key generation).
 */
export const DPOP_ALGORITHM_PREFERENCE: readonly string[] = [
  'ES256',
  'EdDSA',
  'ES384',
  'ES512',
  'PS256',
  'RS256',
  'PS384',
  'RS384',
  'PS512',
  'RS512',
]

/**
 * The algorithm to sign DPoP proofs with for a server that publishes `supported`
 * (`dpop_signing_alg_values_supported`, RFC 9449 §5.1): the first of `DPOP_ALGORITHM_PREFERENCE` it
 * lists; ES256 when it lists none (the member is optional). A TypeError when no algorithm is shared:
 * every proof would be refused.
 */
export function dpopAlgorithmFor(supported: readonly string[] | undefined): string {
  if (supported === undefined) return 'ES256'
  const chosen = DPOP_ALGORITHM_PREFERENCE.find((alg) => supported.includes(alg))
  if (chosen === undefined)
    throw new TypeError(
      `no DPoP proof algorithm in common with the server (dpop_signing_alg_values_supported: ${supported.join(', ')})`,
    )
  return chosen
}

/**
 * A DPoP key (RFC 9449): the key pair a client proves possession of, to which the server binds its
 * access tokens (and a public client's refresh tokens). `DPoPKey.generate()` makes a WebCrypto key pair
 * whose private key cannot be exported (ES256 by default), so a token thief who cannot use the key
 * cannot use the token. It signs one fresh proof per request (`jti` unique, `iat` now) and remembers
 * the latest `DPoP-Nonce` of each server it talked to (RFC 9449 §§8, 9), which the next proof to that
 * server carries.
 */
export class DPoPKey {
  /** The JWS algorithm of every proof, e.g. `ES256`. */
  readonly algorithm: string
  /** The public key, as every proof's `jwk` header carries it. */
  readonly publicJwk: Readonly<JWK>
  /** RFC 7638 SHA-256 thumbprint of the public key: the `cnf.jkt` of bound tokens, the `dpop_jkt` of requests. */
  readonly thumbprint: string
  readonly #privateKey: CryptoKey
  readonly #nonces = new Map<string, string>()

  private constructor(algorithm: string, privateKey: CryptoKey, publicJwk: JWK, thumbprint: string) {
    this.algorithm = algorithm
    this.#privateKey = privateKey
    this.publicJwk = Object.freeze(publicJwk)
    this.thumbprint = thumbprint
  }

  /** A new key pair with a non-extractable private key. `algorithm`: `ES256` (default), `EdDSA`, `PS256`, ... */
  static async generate(algorithm = 'ES256'): Promise<DPoPKey> {
    const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: false })
    return DPoPKey.fromKeyPair({ privateKey, publicKey }, algorithm)
  }

  /**
   * A new key pair (as `generate`) in the algorithm `dpopAlgorithmFor` picks from the server's
   * `dpopSigningAlgValuesSupported`, e.g. `DPoPKey.generateFor(await discover(issuer))`.
   */
  static async generateFor(metadata: {
    readonly dpopSigningAlgValuesSupported?: readonly string[] | undefined
  }): Promise<DPoPKey> {
    return DPoPKey.generate(dpopAlgorithmFor(metadata.dpopSigningAlgValuesSupported))
  }

  /**
   * A key pair of your own, e.g. one kept in IndexedDB across page loads (a non-extractable private
   * key can be stored there, not read). The algorithm is the key's (ES256 for a P-256 ECDSA key).
   */
  static async fromKeyPair(keyPair: CryptoKeyPair, algorithm?: string): Promise<DPoPKey> {
    const { privateKey, publicKey } = keyPair
    if (privateKey?.type !== 'private' || publicKey?.type !== 'public')
      throw new TypeError('a DPoP key pair needs a private and a public CryptoKey')
    const alg = algorithm ?? jwsAlgorithmForKey(privateKey)
    if (alg === undefined)
      throw new TypeError(
        `no JWS algorithm signs with a ${privateKey.algorithm.name} key; pass the algorithm`,
      )
    const { kty, crv, x, y, n, e } = await exportJWK(publicKey)
    // Only the public members: RFC 9449 §4.2 forbids a private key in the proof's header.
    const jwk: JWK = Object.fromEntries(
      Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined),
    )
    return new DPoPKey(alg, privateKey, jwk, await calculateJwkThumbprint(jwk, 'sha256'))
  }

  /** A DPoP proof JWT for one request (RFC 9449 §4.2), with the server's latest nonce if it gave one. */
  async proof(request: DPoPProofRequest): Promise<string> {
    const claims: DPoPProofClaims = {
      jti: randomToken(),
      htm: request.method,
      htu: dpopTargetUri(request.url),
      iat: Math.floor((request.now ?? Date.now()) / 1000),
    }
    if (request.accessToken !== undefined) claims.ath = await accessTokenHashForDPoP(request.accessToken)
    const nonce = this.nonceFor(request.url)
    if (nonce !== undefined) claims.nonce = nonce
    // The codec checks what is about to be signed: a claim that drifted from RFC 9449 fails here.
    return new SignJWT(dpopProofClaimsCodec.encode(claims))
      .setProtectedHeader({ alg: this.algorithm, typ: DPOP_PROOF_JWT_TYPE, jwk: { ...this.publicJwk } })
      .sign(this.#privateKey)
  }

  /** The latest nonce the server at `url`'s origin gave, if any. */
  nonceFor(url: URL): string | undefined {
    return this.#nonces.get(url.origin)
  }

  /**
   * Keeps a `DPoP-Nonce` the server at `url`'s origin sent (RFC 9449 §8.2: any response may carry a
   * new one). A value outside RFC 9449 §8.1's `1*NQCHAR` is ignored.
   */
  rememberNonce(url: URL, nonce: string | null | undefined): void {
    if (nonce === null || nonce === undefined || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(nonce)) return
    this.#nonces.delete(url.origin)
    this.#nonces.set(url.origin, nonce)
    if (this.#nonces.size > MAX_NONCES) {
      const oldest = this.#nonces.keys().next().value
      if (oldest !== undefined) this.#nonces.delete(oldest)
    }
  }
}
