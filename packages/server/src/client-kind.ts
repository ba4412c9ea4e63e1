import type { ClientRecord } from './store/types.js'

/**
 * Whether a client is public (RFC 6749 §2.1): no secret and no keys. A client registered with a JWKS has
 * no secret either, but it is confidential: it authenticates with `private_key_jwt` (RFC 7523 §2.2).
 */
export function isPublicClient(client: Pick<ClientRecord, 'secretHash' | 'jwks' | 'jwksUri'>): boolean {
  return client.secretHash === null && client.jwks === null && client.jwksUri === undefined
}
