/**
 * The asymmetric JWS algorithms this server verifies in JWTs that clients sign (client assertions,
 * RFC 7523 §3; DPoP proofs, RFC 9449 §4.3): every one jose verifies. Never `none`, never HS*: a public
 * key must not double as an HMAC secret.
 */
export const ASYMMETRIC_JWS_ALGORITHMS: readonly string[] = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
  'Ed25519',
]
