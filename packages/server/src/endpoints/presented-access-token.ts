import { bearerChallenge } from '../bearer.js'
import { dpopChallenge, resourceDPoPError } from '../dpop/challenge.js'
import { DPoPProofError } from '../dpop/proof.js'
import { OAuthError } from '../errors.js'
import type { ServerContext, VerifiedBearerToken } from '../server-context.js'

/** What a request to a protected resource carries besides its `Authorization` header. */
export interface ResourceRequest {
  /** The HTTP method (a DPoP proof's `htm`). */
  method: string
  /** Every value of the `DPoP` header. */
  dpop?: readonly string[] | undefined
}

const TOKEN = /^(?:Bearer|DPoP)[ ]+([\x21-\x7E]+)[ ]*$/i

/**
 * The access token (or personal access token) a resource request presents, verified:
 * `Authorization: Bearer` for a Bearer token (RFC 6750 §2.1), `Authorization: DPoP` with a proof of its key (`htm`, `htu` = `url`, `ath`) for a
 * DPoP-bound one (RFC 9449 §7.1). A bound token presented as Bearer is refused (§7.2), as is a Bearer
 * token presented as DPoP. Failures are 401 with the challenge of the scheme: `Bearer`, or `DPoP` with
 * `algs` and `DPoP-Nonce` when a nonce is due.
 */
export async function presentedAccessToken(
  context: Pick<ServerContext, 'dpop' | 'verifyBearerToken'>,
  authorization: string | undefined,
  request: ResourceRequest,
  expected: { url: string; realm?: string | undefined; audiences?: string | readonly string[] | undefined },
): Promise<VerifiedBearerToken> {
  const algs = context.dpop.algorithms
  const { realm } = expected
  const scheme = /^(Bearer|DPoP)(?: |$)/i.exec(authorization ?? '')?.[1]?.toLowerCase()
  // RFC 6750 section 3.1: a request without any authentication (or with another scheme) gets only
  // the challenges, no error code.
  if (authorization === undefined || scheme === undefined) {
    throw new OAuthError('invalid_request', 'an access token is required', {
      status: 401,
      wwwAuthenticate: `${bearerChallenge({ realm })}, ${dpopChallenge({ realm, algs })}`,
      challengeOnly: true,
    })
  }
  const dpop = scheme === 'dpop'
  const invalidToken = (description: string) =>
    new OAuthError('invalid_token', description, {
      status: 401,
      wwwAuthenticate: dpop
        ? dpopChallenge({ realm, error: 'invalid_token', errorDescription: description, algs })
        : bearerChallenge({ realm, error: 'invalid_token', errorDescription: description }),
    })
  const token = TOKEN.exec(authorization)?.[1]
  if (token === undefined) throw invalidToken('the access token is malformed')
  let verified: VerifiedBearerToken
  try {
    verified = await context.verifyBearerToken(token, expected.audiences)
  } catch (error) {
    if (dpop && error instanceof OAuthError && error.error === 'invalid_token')
      throw invalidToken(error.errorDescription)
    throw error
  }
  // A personal access token is never DPoP-bound.
  const jkt = verified.type === 'access_token' ? verified.claims.cnf?.jkt : undefined
  if (!dpop) {
    if (jkt !== undefined)
      throw new OAuthError(
        'invalid_token',
        'the access token is DPoP-bound: present it with the DPoP scheme',
        {
          status: 401,
          wwwAuthenticate: dpopChallenge({
            realm,
            error: 'invalid_token',
            errorDescription: 'the access token is DPoP-bound',
            algs,
          }),
        },
      )
    return verified
  }
  if (jkt === undefined) throw invalidToken('the access token is not DPoP-bound: present it as Bearer')
  const refused = (description: string) =>
    resourceDPoPError(new DPoPProofError('invalid_dpop_proof', description), algs, realm)
  let proof: Awaited<ReturnType<ServerContext['dpop']['verify']>>
  try {
    proof = await context.dpop.verify(request.dpop, {
      htm: request.method,
      htu: expected.url,
      accessToken: token,
    })
  } catch (error) {
    throw error instanceof DPoPProofError ? resourceDPoPError(error, algs, realm) : error
  }
  if (proof === undefined) throw refused('a DPoP proof is required with a DPoP-bound access token')
  if (proof.jkt !== jkt) throw refused('the DPoP proof key is not the key the access token is bound to')
  return verified
}
