import Type, { type Static } from 'typebox'
import { wireCodec } from './wire-codec.js'

// A JWK Set is published to everyone, so its schema only describes public keys: a private or
// symmetric key member (RFC 7518 §6.2.2, §6.3.2, §6.4.1) anywhere in it is refused, never passed on.

/** RFC 7515 §2: base64url without padding. */
const BASE64URL_PATTERN = '^[A-Za-z0-9_-]+$'

const base64url = (description: string) => Type.String({ pattern: BASE64URL_PATTERN, description })
const forbidden = (description: string) =>
  Type.Optional(Type.Never({ description: `${description}: a private key member, never published.` }))

/** The private and symmetric key members of RFC 7518 §6, which a published key must not carry. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

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

function keyToModel(wire: JsonWebKeyWire): PublicJsonWebKey {
  const key: PublicJsonWebKey = { kty: wire.kty }
  if (wire.use !== undefined) key.use = wire.use
  if (wire.key_ops !== undefined) key.key_ops = [...wire.key_ops]
  if (wire.alg !== undefined) key.alg = wire.alg
  if (wire.kid !== undefined) key.kid = wire.kid
  if (wire.crv !== undefined) key.crv = wire.crv
  if (wire.x !== undefined) key.x = wire.x
  if (wire.y !== undefined) key.y = wire.y
  if (wire.n !== undefined) key.n = wire.n
  if (wire.e !== undefined) key.e = wire.e
  return key
}

// A private key handed to `encode` by mistake (a `jose` JWK of the signing key, say) keeps its private
// members here, so that the check refuses it loudly instead of the mapping quietly dropping them.
function keyToWire(model: PublicJsonWebKey): JsonWebKeyWire {
  const wire: JsonWebKeyWire = { kty: model.kty }
  const given: Readonly<Record<string, unknown>> = model as object as Record<string, unknown>
  const carried = wire as Record<string, unknown>
  for (const member of PRIVATE_JWK_MEMBERS) {
    if (Object.hasOwn(given, member)) carried[member] = given[member]
  }
  if (model.use !== undefined) wire.use = model.use
  if (model.key_ops !== undefined) wire.key_ops = [...model.key_ops]
  if (model.alg !== undefined) wire.alg = model.alg
  if (model.kid !== undefined) wire.kid = model.kid
  if (model.crv !== undefined) wire.crv = model.crv
  if (model.x !== undefined) wire.x = model.x
  if (model.y !== undefined) wire.y = model.y
  if (model.n !== undefined) wire.n = model.n
  if (model.e !== undefined) wire.e = model.e
  return wire
}

export const jsonWebKeyCodec = wireCodec('JsonWebKey', JsonWebKeyWire, keyToModel, keyToWire)

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

export const jsonWebKeySetCodec = wireCodec(
  'JsonWebKeySet',
  JsonWebKeySetWire,
  (wire): JsonWebKeySet => ({ keys: wire.keys.map(keyToModel) }),
  (model): JsonWebKeySetWire => ({ keys: model.keys.map(keyToWire) }),
)
