import type { ClientAssertionClaims } from '@pipeshub/models'
import { clientAssertionClaimsCodec } from '@pipeshub/models/codecs'
import { importJWK, type JWK, SignJWT } from 'jose'
import { jwsAlgorithmForJwk, jwsAlgorithmForKey } from './jws-algorithm.js'
import { randomToken } from './pkce.js'

/** Lifetime of an assertion: long enough for one request and its retries, short enough to be useless later. */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = 60

/** `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): the key a client signs its assertions with. */
export interface PrivateKeyJwtOptions {
  /** The private key: a WebCrypto `CryptoKey` (it may be non-extractable) or a private JWK (with `d`). */
  key: CryptoKey | JWK
  /** JWS algorithm. Default: the JWK's `alg`, else the one the key implies (ES256 for P-256, RS256 for RSA). */
  algorithm?: string | undefined
  /** `kid` header, so the server picks the right key of the client's JWKS. Default: the JWK's `kid`. */
  keyId?: string | undefined
  /**
   * The assertion's `aud`. Default: the issuer identifier, which every server accepts for every
   * endpoint (the token endpoint URL is the RFC 7523 §3 alternative; some servers want it).
   */
  audience?: string | undefined
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof CryptoKey !== 'undefined' && key instanceof CryptoKey
}

/** Signs RFC 7523 client assertions with one key: a fresh `jti` each, `exp` a minute ahead. */
export class ClientAssertionSigner {
  readonly algorithm: string
  readonly #keyId: string | undefined
  readonly #audience: string
  readonly #clientId: string
  readonly #key: Promise<CryptoKey | Uint8Array>

  constructor(clientId: string, issuer: string, options: PrivateKeyJwtOptions) {
    const { key } = options
    const jwk = isCryptoKey(key) ? undefined : key
    if (isCryptoKey(key)) {
      if (key.type !== 'private') throw new TypeError('privateKeyJwt.key must be a private key')
    } else if (typeof key !== 'object' || key === null || typeof key.d !== 'string') {
      throw new TypeError('privateKeyJwt.key must be a CryptoKey or a private JWK (with "d")')
    }
    const algorithm =
      options.algorithm ??
      (jwk === undefined ? jwsAlgorithmForKey(key as CryptoKey) : jwsAlgorithmForJwk(jwk))
    if (algorithm === undefined || algorithm === 'none' || algorithm.startsWith('HS'))
      throw new TypeError('privateKeyJwt needs an asymmetric JWS algorithm (privateKeyJwt.algorithm)')
    this.algorithm = algorithm
    this.#keyId = options.keyId ?? jwk?.kid
    this.#audience = options.audience ?? issuer
    this.#clientId = clientId
    this.#key = jwk === undefined ? Promise.resolve(key as CryptoKey) : importJWK(jwk, algorithm)
    // Surfaces a JWK that does not import on the first request, not as an unhandled rejection now.
    this.#key.catch(() => {})
  }

  /** A new assertion (RFC 7523 §3): `iss` and `sub` the client id, `aud`, `iat`, `exp`, a unique `jti`. */
  async sign(nowMs: number): Promise<string> {
    const iat = Math.floor(nowMs / 1000)
    const claims: ClientAssertionClaims = {
      iss: this.#clientId,
      sub: this.#clientId,
      aud: this.#audience,
      jti: randomToken(),
      iat,
      exp: iat + CLIENT_ASSERTION_LIFETIME_SECONDS,
    }
    const header =
      this.#keyId === undefined ? { alg: this.algorithm } : { alg: this.algorithm, kid: this.#keyId }
    return new SignJWT(clientAssertionClaimsCodec.encode(claims))
      .setProtectedHeader(header)
      .sign(await this.#key)
  }
}
