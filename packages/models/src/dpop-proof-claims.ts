import Type, { type Static } from 'typebox'
import { JWK_THUMBPRINT_PATTERN } from './grammar.js'
import { NonEmptyString, NumericDate } from './jwt-claims.js'

/**
 * RFC 9449 §4.2: the claims of a DPoP proof JWT, the payload of a JWS whose header has
 * `typ: "dpop+jwt"`, an asymmetric `alg` and the public key as `jwk`.
 */
export interface DPoPProofClaims {
  /** Unique identifier of this proof; the server refuses a `jti` it has seen (RFC 9449 §11.1). */
  jti: string
  /** The HTTP method of the request the proof is attached to, e.g. `POST`. */
  htm: string
  /** The HTTP URI of the request, without query and fragment (RFC 9449 §4.2). */
  htu: string
  /** Creation time, in seconds since the epoch. */
  iat: number
  /** With an access token: base64url of the SHA-256 hash of its ASCII value (RFC 9449 §4.2). */
  ath?: string | undefined
  /** The latest nonce the server gave in `DPoP-Nonce` (RFC 9449 §§8, 9). */
  nonce?: string | undefined
}

export const DPoPProofClaimsWire = Type.Object(
  {
    jti: NonEmptyString('Unique identifier of the DPoP proof JWT, for replay detection (RFC 9449 §4.2).'),
    htm: Type.String({
      // RFC 9110 §9.1: method = token.
      pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
      description: 'The HTTP method of the request to which the JWT is attached (RFC 9110 §9).',
      examples: ['POST'],
    }),
    htu: Type.String({
      format: 'uri',
      description: 'The HTTP target URI of the request, without query and fragment parts (RFC 9449 §4.2).',
    }),
    iat: NumericDate('Creation timestamp of the JWT, in seconds since the epoch (RFC 9449 §4.2).'),
    ath: Type.Optional(
      Type.String({
        pattern: JWK_THUMBPRINT_PATTERN,
        description:
          'Hash of the access token: base64url of the SHA-256 of its ASCII value, when one is presented (RFC 9449 §4.2).',
      }),
    ),
    nonce: Type.Optional(
      Type.String({
        // RFC 9449 §8.1: nonce = 1*NQCHAR.
        pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$',
        description: 'A recent nonce provided by the server in the DPoP-Nonce header (RFC 9449 §§8, 9).',
      }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/dpop-proof-claims.schema.json',
    title: 'DPoPProofClaims',
    description:
      'Claims of a DPoP proof JWT (RFC 9449 §4.2), the payload of a JWS whose typ is "dpop+jwt". Unknown claims are allowed and ignored.',
  },
)
export type DPoPProofClaimsWire = Static<typeof DPoPProofClaimsWire>

export { DPOP_PROOF_JWT_TYPE, DPOP_SCHEME } from './codecs/dpop.js'
