import Type, { type Static } from 'typebox'

// A JWK Set is published to everyone, so its schema only describes public keys: a private or
// symmetric key member (RFC 7518 §6.2.2, §6.3.2, §6.4.1) anywhere in it is refused, never passed on.

/** RFC 7515 §2: base64url without padding. */
const BASE64URL_PATTERN = '^[A-Za-z0-9_-]+$'

const base64url = (description: string) => Type.String({ pattern: BASE64URL_PATTERN, description })
const forbidden = (description: string) =>
  Type.Optional(Type.Never({ description: `${description}: a private key member, never published.` }))

export { PRIVATE_JWK_MEMBERS } from './codecs/private-jwk-members.js'

/**
 * A public key of a JWK Set (RFC 7517 §4, RFC 7518 §6), with the JWK member names as they are
 * (they are not snake_case names to translate: `key_ops` is the member's own name).
 */
export interface PublicJsonWebKey {
  /** Key type: "EC", "RSA", "OKP". */
  kty: string
  /** Intended use: "sig" or "enc". */
  use?: string | undefined
  key_ops?: string[] | undefined
  alg?: string | undefined
  kid?: string | undefined
  crv?: string | undefined
  x?: string | undefined
  y?: string | undefined
  n?: string | undefined
  e?: string | undefined
}

export const JsonWebKeyWire = Type.Object(
  {
    kty: Type.String({ minLength: 1, description: 'Key type (RFC 7517 §4.1): "EC", "RSA", "OKP".' }),
    use: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Intended use of the public key (RFC 7517 §4.2): "sig" or "enc".',
      }),
    ),
    key_ops: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        uniqueItems: true,
        description: 'Operations the key is intended for (RFC 7517 §4.3), e.g. ["verify"].',
      }),
    ),
    alg: Type.Optional(
      Type.String({ minLength: 1, description: 'Algorithm intended for use with the key (RFC 7517 §4.4).' }),
    ),
    kid: Type.Optional(
      Type.String({ minLength: 1, description: 'Key ID, matched against a JWS kid header.' }),
    ),
    crv: Type.Optional(
      Type.String({ minLength: 1, description: 'Curve of an EC or OKP key: "P-256", "Ed25519".' }),
    ),
    x: Type.Optional(base64url('x coordinate of an EC key, or the public key of an OKP key.')),
    y: Type.Optional(base64url('y coordinate of an EC key.')),
    n: Type.Optional(base64url('Modulus of an RSA key.')),
    e: Type.Optional(base64url('Exponent of an RSA key.')),
    d: forbidden('EC/OKP private key or RSA private exponent'),
    p: forbidden('RSA first prime factor'),
    q: forbidden('RSA second prime factor'),
    dp: forbidden('RSA first factor CRT exponent'),
    dq: forbidden('RSA second factor CRT exponent'),
    qi: forbidden('RSA first CRT coefficient'),
    oth: forbidden('RSA other primes info'),
    k: forbidden('Symmetric key value'),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/json-web-key.schema.json',
    title: 'JsonWebKey',
    description:
      'A public JSON Web Key (RFC 7517 §4). Private key members are refused; unknown members are ignored.',
  },
)
export type JsonWebKeyWire = Static<typeof JsonWebKeyWire>

/** RFC 7517 §5: the set of public keys a server publishes at its `jwks_uri`. */
export interface JsonWebKeySet {
  keys: PublicJsonWebKey[]
}

export const JsonWebKeySetWire = Type.Object(
  {
    keys: Type.Array(JsonWebKeyWire, { description: 'The public keys (RFC 7517 §5.1).' }),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/json-web-key-set.schema.json',
    title: 'JsonWebKeySet',
    description: 'A JWK Set of public keys (RFC 7517 §5). Private key members are refused.',
  },
)
export type JsonWebKeySetWire = Static<typeof JsonWebKeySetWire>
