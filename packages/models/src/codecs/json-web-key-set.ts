// The schema-free codecs of a JWK and a JWK Set: the validators generated from their wire schemas and the mapping.
import {
  checkJsonWebKey,
  checkJsonWebKeySet,
  issuesJsonWebKey,
  issuesJsonWebKeySet,
} from '../generated/validators.js'
import type {
  JsonWebKeySet,
  JsonWebKeySetWire,
  JsonWebKeyWire,
  PublicJsonWebKey,
} from '../json-web-key-set.js'
import { type Codec, codec } from '../validation.js'
import { PRIVATE_JWK_MEMBERS } from './private-jwk-members.js'

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

export const jsonWebKeyCodec: Codec<JsonWebKeyWire, PublicJsonWebKey> = codec(
  'JsonWebKey',
  { check: checkJsonWebKey, issues: issuesJsonWebKey },
  keyToModel,
  keyToWire,
)

export const jsonWebKeySetCodec: Codec<JsonWebKeySetWire, JsonWebKeySet> = codec(
  'JsonWebKeySet',
  { check: checkJsonWebKeySet, issues: issuesJsonWebKeySet },
  (wire): JsonWebKeySet => ({ keys: wire.keys.map(keyToModel) }),
  (model): JsonWebKeySetWire => ({ keys: model.keys.map(keyToWire) }),
)
