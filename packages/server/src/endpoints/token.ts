import type { ValidatedOAuthTokenResponse } from '@pipeshub/models'
import { tokenEndpointDPoPError } from '../dpop/challenge.js'
import { DPoPProofError, type VerifiedDPoPProof } from '../dpop/proof.js'
import { OAuthError } from '../errors.js'
import type { GrantContext, GrantHandler } from '../grants/grant.js'
import { allGrants, GRANT_TYPES } from '../grants/registry.js'
import {
  checkCharacters,
  type RequestCredentials,
  type RequestParameters,
  required,
} from '../request-parameters.js'

/** The token endpoint (RFC 6749 §3.2): answers the model; the HTTP layer encodes it to the wire. */
export type TokenEndpoint = (
  params: RequestParameters,
  credentials: RequestCredentials,
) => Promise<ValidatedOAuthTokenResponse>

const listed = (types: readonly string[]) =>
  types.length < 2 ? types.join('') : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`

/**
 * Dispatches a token request to the registered grant of its `grant_type`, after client authentication
 * and the check of its DPoP proof (RFC 9449 §4.3) against `url`, the token endpoint as clients call it.
 */
export function createTokenEndpoint(context: GrantContext, url: string): TokenEndpoint {
  const handlers = new Map<string, GrantHandler>(
    allGrants().map((grant) => [grant.type, grant.create(context)]),
  )
  const unsupported = `grant_type must be ${listed(GRANT_TYPES)}`
  return async (params, credentials) => {
    checkCharacters(params)
    const handler = handlers.get(required(params, 'grant_type'))
    if (handler === undefined) throw new OAuthError('unsupported_grant_type', unsupported)
    const { client, method } = await context.authenticate(params, credentials)
    let dpop: VerifiedDPoPProof | undefined
    try {
      dpop = await context.dpop.verify(credentials.dpop, { htm: 'POST', htu: url })
    } catch (error) {
      throw error instanceof DPoPProofError ? tokenEndpointDPoPError(error) : error
    }
    // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens gets no token without a proof.
    if (dpop === undefined && client.dpopBoundAccessTokens === true)
      throw new OAuthError(
        'invalid_dpop_proof',
        'this client must send a DPoP proof with every token request',
      )
    return handler({ params, credentials, dpop, client, method })
  }
}
