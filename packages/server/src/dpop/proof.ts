import { createHash } from 'node:crypto'
import { DPOP_PROOF_JWT_TYPE, type DPoPProofClaims, dpopProofClaimsCodec } from '@pipeshub/models'
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, type JWK, jwtVerify } from 'jose'
import { ASYMMETRIC_JWS_ALGORITHMS } from '../asymmetric-jws-algorithms.js'
import { stored } from '../errors.js'
import type { UsedJwtIdStore } from '../store/types.js'
import type { DPoPNonces } from './nonce.js'

/**
 * The JWS algorithms accepted in DPoP proofs (`dpop_signing_alg_values_supported`): the asymmetric ones
 * (RFC 9449 §4.3 rule 5: never `none`, never a MAC).
 */
export const DPOP_SIGNING_ALGORITHMS: readonly string[] = ASYMMETRIC_JWS_ALGORITHMS

/** Why a proof is refused: `use_dpop_nonce` asks for a retry with `nonce` (RFC 9449 §8). */
export class DPoPProofError extends Error {
  override readonly name = 'DPoPProofError'
  constructor(
    readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce',
    readonly description: string,
    /** The nonce to retry with (`DPoP-Nonce`), with `use_dpop_nonce`. */
    readonly nonce?: string,
  ) {
    super(`${error}: ${description}`)
  }
}

/** What the request a proof is attached to is: its method and URI, and the access token it presents. */
export interface DPoPProofExpectation {
  /** The HTTP method (`htm`). */
  htm: string
  /** The URI of the endpoint as clients call it (`htu`), behind any proxy: the public URL. */
  htu: string
  /** The access token presented with the proof (RFC 9449 §7): `ath` must be its hash. */
  accessToken?: string | undefined
}

export interface VerifiedDPoPProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's public key: what tokens get bound to (`cnf.jkt`). */
  jkt: string
  claims: DPoPProofClaims
}

export interface DPoPProofVerifierOptions {
  usedJwtIds: UsedJwtIdStore
  now(): number
  /** Seconds a proof is accepted after its `iat` (default 300); its `jti` is remembered that long. */
  proofLifetime?: number | undefined
  /** Seconds a proof's `iat` may be ahead of this server's clock (default 60). */
  clockSkew?: number | undefined
  /** Require a server-provided nonce in every proof (RFC 9449 §8); absent: nonces are not used. */
  nonces?: DPoPNonces | undefined
}

/** RFC 9449 §4.3: checks the `DPoP` header values of one request. */
export interface DPoPProofVerifier {
  readonly algorithms: readonly string[]
  /**
   * The verified proof, or `undefined` when the request carries no `DPoP` header. Throws
   * `DPoPProofError` for anything else than exactly one valid, fresh, unused proof for `expected`.
   */
  verify(
    header: readonly string[] | undefined,
    expected: DPoPProofExpectation,
  ): Promise<VerifiedDPoPProof | undefined>
  /** The nonce to give in `DPoP-Nonce` when nonces are required, else `undefined`. */
  nonce(): Promise<string | undefined>
}

/** Longest `DPoP` header accepted: an RSA-4096 key and generous claims fit well below it. */
const MAX_PROOF_LENGTH = 8192
const MAX_JTI_LENGTH = 512
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']
// RFC 3986 §2.3: percent-encoded unreserved characters are the characters themselves (§6.2.2.2).
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/**
 * The form of a URI `htu` is compared in (RFC 9449 §4.3 rule 9: RFC 3986 §6.2.2 syntax-based and
 * §6.2.3 scheme-based normalization, without query and fragment): lower-case scheme and host, no
 * default port, dot segments removed, an empty path as `/`, percent-encodings of unreserved characters
 * decoded and the others upper-cased. `undefined` for what is no absolute http(s) URI.
 */
export function normalizeHtu(uri: string): string | undefined {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(character) ? character : encoded.toUpperCase()
  })
  return `${url.protocol}//${url.host}${path}`
}

/** RFC 9449 §4.2 `ath`: base64url of the SHA-256 of the access token's ASCII value. */
export function accessTokenThumbprint(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url')
}

export function createDPoPProofVerifier(options: DPoPProofVerifierOptions): DPoPProofVerifier {
  const lifetime = options.proofLifetime ?? 300
  const skew = options.clockSkew ?? 60
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 3600)
    throw new RangeError('the DPoP proof lifetime must be an integer from 1 to 3600 seconds')
  if (!Number.isInteger(skew) || skew < 0 || skew > 300)
    throw new RangeError('the DPoP clock skew must be an integer from 0 to 300 seconds')
  const { nonces, usedJwtIds } = options
  const invalid = (description: string) => new DPoPProofError('invalid_dpop_proof', description)
  const askNonce = async (description: string) =>
    new DPoPProofError('use_dpop_nonce', description, await stored(async () => nonces?.current()))

  return {
    algorithms: DPOP_SIGNING_ALGORITHMS,
    nonce: () => stored(async () => nonces?.current()),
    async verify(header, expected) {
      if (header === undefined || header.length === 0) return undefined
      // Rule 1: one DPoP header; repeated headers may also arrive joined with commas.
      if (header.length > 1) throw invalid('the request carries more than one DPoP header')
      const proof = header[0]?.trim() ?? ''
      if (proof.length > MAX_PROOF_LENGTH) throw invalid('the DPoP proof is too long')
      // Rule 2: a single well-formed JWS in compact serialization.
      if (!JWS_SHAPE.test(proof)) throw invalid('the DPoP header is not one JWT')
      let protectedHeader: ReturnType<typeof decodeProtectedHeader>
      try {
        protectedHeader = decodeProtectedHeader(proof)
      } catch {
        throw invalid('the DPoP proof header is not a JSON object')
      }
      // Rules 4, 5, 7: the type, an asymmetric algorithm, a public key.
      if (protectedHeader.typ !== DPOP_PROOF_JWT_TYPE) throw invalid('the DPoP proof typ must be dpop+jwt')
      if (typeof protectedHeader.alg !== 'string' || !DPOP_SIGNING_ALGORITHMS.includes(protectedHeader.alg))
        throw invalid('the DPoP proof alg is not supported')
      const jwk = protectedHeader.jwk as JWK | undefined
      if (jwk === undefined || typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
        throw invalid('the DPoP proof header carries no jwk')
      if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member)))
        throw invalid('the DPoP proof jwk must be a public key')
      // Rule 6: the signature, with the embedded key.
      let payload: unknown
      try {
        ;({ payload } = await jwtVerify(proof, EmbeddedJWK, {
          typ: DPOP_PROOF_JWT_TYPE,
          algorithms: [...DPOP_SIGNING_ALGORITHMS],
          currentDate: new Date(options.now() * 1000),
        }))
      } catch (error) {
        if (error instanceof errors.JWSSignatureVerificationFailed)
          throw invalid('the DPoP proof signature does not verify with its jwk')
        throw invalid('the DPoP proof is not a valid JWS with a public jwk')
      }
      // Rule 3: the claims, as RFC 9449 §4.2 writes them.
      const decoded = dpopProofClaimsCodec.safeDecode(payload)
      if (!decoded.ok) throw invalid('the DPoP proof lacks jti, htm, htu or iat, or one is malformed')
      const claims = decoded.value
      if (claims.jti.length > MAX_JTI_LENGTH) throw invalid('the DPoP proof jti is too long')
      // Rule 8: the method; rule 9: the URI, query and fragment ignored.
      if (claims.htm !== expected.htm) throw invalid('the DPoP proof htm does not match the request method')
      const htu = normalizeHtu(claims.htu)
      if (htu === undefined || htu !== normalizeHtu(expected.htu))
        throw invalid('the DPoP proof htu does not match the request URI')
      // Rule 11: fresh.
      const t = options.now()
      if (claims.iat > t + skew) throw invalid('the DPoP proof was issued in the future')
      if (claims.iat <= t - lifetime) throw invalid('the DPoP proof is too old')
      // Rule 12: the access token presented with it.
      if (expected.accessToken !== undefined) {
        if (claims.ath === undefined) throw invalid('the DPoP proof lacks ath for the access token')
        if (claims.ath !== accessTokenThumbprint(expected.accessToken))
          throw invalid('the DPoP proof ath does not match the access token')
      }
      // Rule 10: the nonce this server gave (any instance).
      if (nonces !== undefined) {
        if (claims.nonce === undefined) throw await askNonce('the DPoP proof must carry a nonce')
        if (!(await stored(() => nonces.verify(claims.nonce ?? ''))))
          throw await askNonce('the DPoP proof nonce is stale')
      }
      const jkt = await calculateJwkThumbprint(jwk, 'sha256')
      // Last, so that refused proofs fill no cache; per key, so one client cannot burn another's jti.
      const replayKey = createHash('sha256').update(`${jkt} ${claims.jti}`).digest('base64url')
      if (!(await stored(() => usedJwtIds.use('dpop', replayKey, Math.max(claims.iat, t) + lifetime))))
        throw invalid('the DPoP proof was already used')
      return { jkt, claims }
    },
  }
}
