import { PactV3, SpecificationVersion } from '@pact-foundation/pact'
import { CONSUMER, PACTS_DIR, PROVIDER } from './parties.js'

export interface ConsumerPactOptions {
  /** Where the pact is written; the committed `contracts/pacts/` unless a test writes a what-if pact. */
  dir?: string
  /** Consumer name (default `pipeshub-client`); a what-if pact uses its own so it never merges into the committed one. */
  consumer?: string
}

/**
 * The Pact mock provider the client's contract tests run against, writing a V4 pact.
 *
 * `PactV3` (with the V4 specification) rather than `PactV4`: the V4 builder takes a body with matchers
 * only as JSON or XML, while the token, revocation and introspection requests are form-encoded.
 * `PactV3.withRequest` hands the body with its matchers and the `application/x-www-form-urlencoded`
 * content type to the Pact core, which writes the form body and keeps a matching rule (and a
 * provider-state generator) per parameter. The pact file is the same V4 document either way.
 */
export function consumerPact(options: ConsumerPactOptions = {}): PactV3 {
  return new PactV3({
    consumer: options.consumer ?? CONSUMER,
    provider: PROVIDER,
    dir: options.dir ?? PACTS_DIR,
    spec: SpecificationVersion.SPECIFICATION_VERSION_V4,
    logLevel: 'warn',
  })
}
