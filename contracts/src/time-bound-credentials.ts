import { EXAMPLE } from './examples.js'
import { ROUTES } from './parties.js'

// The contract's DPoP proofs (RFC 9449 §4.2) and client assertions (RFC 7523 §3) are JWTs bound to a
// time, a place and a single use. The pact pins what is the consumer's to get right (the protected
// header: `alg`, `typ`, `jwk`, `kid`) and leaves the signed claims to a regex of a compact JWS; the
// provider verification re-signs only `htu`/`aud`, `iat`/`exp` and `jti` with the same fixed keys.

/** The public members of a JWK (RFC 7517 §4, RFC 7518 §6): what may travel or be registered. */
export function publicJwk(jwk: Readonly<Record<string, string>>): Record<string, string> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk
  return rest
}

/** base64url of the JSON of a JOSE header, as a compact JWS's first segment (RFC 7515 §7.1). */
export function protectedHeaderSegment(header: Readonly<Record<string, unknown>>): string {
  return Buffer.from(JSON.stringify(header), 'utf8').toString('base64url')
}

/** A regex of a compact JWS with exactly this protected header; payload and signature by shape. */
export function compactJwsPattern(headerSegment: string): string {
  return `^${headerSegment}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`
}

/**
 * The protected header of the client's DPoP proofs with `EXAMPLE.dpopKey`, members in the order the
 * client writes them: RFC 9449 §4.2 `typ`, `alg` and the public key, never a private member.
 */
export const DPOP_PROOF_HEADER = {
  alg: 'ES256',
  typ: 'dpop+jwt',
  jwk: {
    kty: EXAMPLE.dpopKey.kty,
    crv: EXAMPLE.dpopKey.crv,
    x: EXAMPLE.dpopKey.x,
    y: EXAMPLE.dpopKey.y,
  },
} as const

/** The claims of `EXAMPLE.dpopProof`: the example token request at the contract clock. */
export const EXAMPLE_DPOP_PROOF_CLAIMS = {
  jti: EXAMPLE.dpopProofJwtId,
  htm: 'POST',
  htu: `${EXAMPLE.issuer}${ROUTES.token}`,
  iat: EXAMPLE.issuedAt + 60,
} as const

/** The protected header of the private_key_jwt client's assertions: its key's `alg` and `kid`. */
export const CLIENT_ASSERTION_HEADER = {
  alg: EXAMPLE.clientAssertionKey.alg,
  kid: EXAMPLE.clientAssertionKey.kid,
} as const

/** The claims of the example client assertion (RFC 7523 §3): `aud` the issuer, a minute's lifetime. */
export const EXAMPLE_CLIENT_ASSERTION_CLAIMS = {
  iss: EXAMPLE.privateKeyJwtClientId,
  sub: EXAMPLE.privateKeyJwtClientId,
  aud: EXAMPLE.issuer,
  jti: EXAMPLE.clientAssertionJwtId,
  iat: EXAMPLE.issuedAt + 60,
  exp: EXAMPLE.issuedAt + 120,
} as const

/** RFC 7523 §2.2 `client_assertion_type` of a JWT assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
