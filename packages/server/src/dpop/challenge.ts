import { DPOP_SCHEME } from '@pipeshub/models'
import { OAuthError } from '../errors.js'
import type { DPoPProofError } from './proof.js'

/** The parameters of a `DPoP` challenge (RFC 9449 §7.1), in the order they are written. */
export interface DPoPChallengeParameters {
  realm?: string | undefined
  /** RFC 9728 §5.1 (which allows it in any scheme's challenge): the resource's metadata URL. */
  resourceMetadata?: string | undefined
  /** `invalid_token`, `invalid_dpop_proof`, `use_dpop_nonce`, `insufficient_scope`; none without credentials. */
  error?: string | undefined
  errorDescription?: string | undefined
  scope?: string | undefined
  /** The JWS algorithms accepted in proofs, space-separated on the wire. */
  algs: readonly string[]
}

const quoted = (value: string) => `"${value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, "'")}"`

/** The `WWW-Authenticate` value of a DPoP challenge: `DPoP realm="...", error="...", algs="ES256 ..."`. */
export function dpopChallenge(parameters: DPoPChallengeParameters): string {
  const written = [
    ['realm', parameters.realm],
    ['resource_metadata', parameters.resourceMetadata],
    ['error', parameters.error],
    ['error_description', parameters.errorDescription],
    ['scope', parameters.scope],
    ['algs', parameters.algs.join(' ')],
  ]
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${quoted(value)}`)
  return `${DPOP_SCHEME} ${written.join(', ')}`
}

const nonceHeader = (error: DPoPProofError) =>
  error.nonce === undefined ? {} : { headers: { 'dpop-nonce': error.nonce } }

/** A refused proof at the token endpoint: 400 with the RFC 6749 §5.2 body (RFC 9449 §§5, 8). */
export function tokenEndpointDPoPError(error: DPoPProofError): OAuthError {
  return new OAuthError(error.error, error.description, { status: 400, ...nonceHeader(error) })
}

/** A refused proof at a protected resource: 401 with the DPoP challenge (RFC 9449 §§7.1, 9). */
export function resourceDPoPError(
  error: DPoPProofError,
  algs: readonly string[],
  realm?: string,
  resourceMetadata?: string,
): OAuthError {
  return new OAuthError(error.error, error.description, {
    status: 401,
    wwwAuthenticate: dpopChallenge({
      realm,
      resourceMetadata,
      error: error.error,
      errorDescription: error.description,
      algs,
    }),
    ...nonceHeader(error),
  })
}
