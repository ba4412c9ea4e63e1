import type { JWK } from 'jose'
import { stored } from '../errors.js'
import type { ServerContext } from '../server-context.js'
import type { SigningAlgorithm } from '../store/types.js'
import { DEFAULT_ID_TOKEN_ALGORITHM } from '../tokens.js'

/** The JWKS document (RFC 7517 §5): every published key, the next one included before it signs. */
export type JwksEndpoint = () => Promise<{ keys: JWK[] }>

export function createJwksEndpoint(context: ServerContext): JwksEndpoint {
  const { signingKeys } = context
  // Every ID token is signed with one of these; a JWKS publishes the server's algorithm and the default.
  const publishedAlgorithms = [
    ...new Set<SigningAlgorithm>([context.settings.alg, DEFAULT_ID_TOKEN_ALGORITHM]),
  ]
  // A JWKS without a signing key would let a client cache an empty set: create the first key of the
  // access-token algorithm and of the default ID-token algorithm now.
  return () =>
    stored(async () => {
      await Promise.all(publishedAlgorithms.map((alg) => signingKeys.signingKey(alg)))
      return { keys: await signingKeys.publicJwks() }
    })
}
