import { bearerChallenge } from './bearer.js'
import { dpopChallenge, resourceDPoPError } from './dpop/challenge.js'
import { DPoPProofError, type DPoPProofVerifier, type VerifiedDPoPProof } from './dpop/proof.js'
import { OAuthError } from './errors.js'

/** A request to a protected resource, as far as its credentials go. */
export interface PresentedTokenRequest {
  /** The `Authorization` header, `undefined` when absent or empty. */
  authorization: string | undefined
  /** The HTTP method (a DPoP proof's `htm`). */
  method: string
  /** The URL of the request as clients call it, behind any proxy (a DPoP proof's `htu`). */
  url: string
  /** Every value of the `DPoP` header. */
  dpop?: readonly string[] | undefined
}

export interface PresentedTokenOptions<T> {
  /**
   * Verifies the access token; rejects with `OAuthError` `invalid_token` (401) when it is not good here,
   * with a 5xx one when it cannot tell (the store, an introspection endpoint down).
   */
  verify(token: string): Promise<T>
  /** The RFC 7638 thumbprint the verified token is bound to (`cnf.jkt`), if any. */
  boundKey(verified: T): string | undefined
  /** Accepts `Authorization: DPoP` with proofs this verifier checks; without it, only Bearer tokens. */
  dpop?: DPoPProofVerifier | undefined
  realm?: string | undefined
  /** RFC 9728 §5.1: the resource's metadata URL, in every challenge. */
  resourceMetadata?: string | undefined
  /** The scope named in the challenges of a request without credentials. */
  scope?: string | undefined
  /** Whether a request without credentials gets only the challenges (RFC 6750 §3.1, the default) or an `invalid_request` body too. */
  challengeOnly?: boolean | undefined
  /** The error of a credential that is no token68 (default `invalid_token`). */
  malformed?: 'invalid_request' | 'invalid_token' | undefined
}

export interface PresentedToken<T> {
  scheme: 'Bearer' | 'DPoP'
  token: string
  verified: T
  /** The proof of the key the token is bound to, with the DPoP scheme. */
  proof?: VerifiedDPoPProof | undefined
}

const SCHEME = /^(Bearer|DPoP)(?: |$)/i
// RFC 6750 §2.1 b64token and RFC 9449 §7.1 token68: the same characters.
const CREDENTIAL = /^(?:Bearer|DPoP)[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i

/**
 * The access token of a request to a protected resource, verified: `Authorization: Bearer` for a Bearer
 * token (RFC 6750 §2.1), `Authorization: DPoP` with a proof of its key for this request (`htm`, `htu`,
 * `ath`, RFC 9449 §7.1). A DPoP-bound token presented as Bearer is refused (§7.2: a thief would replay
 * it), as is a Bearer token presented as DPoP. Every failure is a 401 `OAuthError` carrying the
 * challenge of the scheme used (`DPoP` with `algs`, and `DPoP-Nonce` when a nonce is due, §§7.1, 9);
 * a request without credentials gets every challenge the resource accepts.
 */
export async function verifyPresentedToken<T>(
  request: PresentedTokenRequest,
  options: PresentedTokenOptions<T>,
): Promise<PresentedToken<T>> {
  const { realm, resourceMetadata, dpop: verifier } = options
  const algs = verifier?.algorithms ?? []
  type Parameters = { error?: string; errorDescription?: string; scope?: string | undefined }
  const bearer = (parameters: Parameters) => bearerChallenge({ realm, resourceMetadata, ...parameters })
  const dpop = (parameters: Parameters) => dpopChallenge({ realm, resourceMetadata, ...parameters, algs })
  const { authorization } = request
  const matched = SCHEME.exec(authorization ?? '')?.[1]?.toLowerCase()
  const scheme = matched === 'bearer' ? 'Bearer' : matched === 'dpop' && verifier ? 'DPoP' : undefined
  // RFC 6750 §3.1: a request without any authentication (or with another scheme) gets the challenges.
  if (authorization === undefined || scheme === undefined) {
    const { scope } = options
    const challenges = [bearer({ scope }), ...(verifier ? [dpop({ scope })] : [])]
    throw new OAuthError('invalid_request', 'an access token is required', {
      status: 401,
      wwwAuthenticate: challenges.join(', '),
      challengeOnly: options.challengeOnly ?? true,
    })
  }
  const challenge = scheme === 'DPoP' ? dpop : bearer
  const refused = (error: 'invalid_request' | 'invalid_token', description: string) =>
    new OAuthError(error, description, {
      status: 401,
      wwwAuthenticate: challenge({ error, errorDescription: description }),
    })
  const token = CREDENTIAL.exec(authorization)?.[1]
  if (token === undefined)
    throw refused(options.malformed ?? 'invalid_token', 'the access token is malformed')
  let verified: T
  try {
    verified = await options.verify(token)
  } catch (error) {
    // The verifier's own challenge is a Bearer one: answer in the scheme the client used.
    if (error instanceof OAuthError && error.error === 'invalid_token')
      throw refused('invalid_token', error.errorDescription)
    throw error
  }
  const jkt = options.boundKey(verified)
  if (scheme === 'Bearer') {
    if (jkt === undefined) return { scheme, token, verified }
    const description = 'the access token is DPoP-bound: present it with the DPoP scheme and a proof'
    throw new OAuthError('invalid_token', description, {
      status: 401,
      // A resource without DPoP support still says why, in the one scheme it has.
      wwwAuthenticate: verifier
        ? dpop({ error: 'invalid_token', errorDescription: description })
        : bearer({ error: 'invalid_token', errorDescription: 'the access token is DPoP-bound' }),
    })
  }
  if (jkt === undefined)
    throw refused('invalid_token', 'the access token is not DPoP-bound: present it as Bearer')
  const badProof = (error: DPoPProofError) => resourceDPoPError(error, algs, realm, resourceMetadata)
  let proof: VerifiedDPoPProof | undefined
  try {
    proof = await verifier?.verify(request.dpop, {
      htm: request.method,
      htu: request.url,
      accessToken: token,
    })
  } catch (error) {
    throw error instanceof DPoPProofError ? badProof(error) : error
  }
  if (proof === undefined)
    throw badProof(
      new DPoPProofError('invalid_dpop_proof', 'a DPoP proof is required with a DPoP-bound access token'),
    )
  if (proof.jkt !== jkt)
    throw badProof(
      new DPoPProofError(
        'invalid_dpop_proof',
        'the DPoP proof key is not the key the access token is bound to',
      ),
    )
  return { scheme, token, verified, proof }
}

/**
 * RFC 6750 §3.1 `insufficient_scope` (403) for a token presented with `scheme`: the challenge is in
 * that scheme (RFC 9449 §7.1), so a DPoP client is not told to come back with a Bearer token.
 */
export function insufficientScopeFor(
  scheme: PresentedToken<unknown>['scheme'],
  description: string,
  scope: string,
  algs: readonly string[],
): OAuthError {
  return new OAuthError('insufficient_scope', description, {
    status: 403,
    wwwAuthenticate:
      scheme === 'DPoP'
        ? dpopChallenge({ error: 'insufficient_scope', scope, algs })
        : bearerChallenge({ error: 'insufficient_scope', scope }),
  })
}
