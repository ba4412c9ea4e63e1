import { type PushedAuthorizationResponse, REQUEST_URI_URN_PREFIX } from '@pipeshub/models'
import { AuthorizationRequestError, validateAuthorizationRequest } from '../authorization-request.js'
import { tokenEndpointDPoPError } from '../dpop/challenge.js'
import { DPoPProofError, type VerifiedDPoPProof } from '../dpop/proof.js'
import { OAuthError, stored } from '../errors.js'
import { checkCharacters, type RequestCredentials, type RequestParameters } from '../request-parameters.js'
import { generateOpaqueToken, hashOpaqueToken } from '../secrets.js'
import type { ServerContext } from '../server-context.js'

/** The pushed authorization request endpoint (RFC 9126 §2). */
export type PushedAuthorizationRequestEndpoint = (
  params: RequestParameters,
  credentials: RequestCredentials,
) => Promise<PushedAuthorizationResponse>

/** Client authentication parameters: they authenticate the push and are never part of the request. */
const AUTHENTICATION_PARAMETERS = ['client_secret', 'client_assertion', 'client_assertion_type']

/**
 * RFC 9126 §2: authenticates the client as the token endpoint does (a public client by its `client_id`),
 * validates the request as the authorization endpoint does, stores it and answers a single-use
 * `request_uri` valid for `pushedAuthorizationRequestLifetime` seconds. Every refusal is an RFC 6749
 * §5.2 body (§2.3): nothing is redirected from here.
 */
export function createPushedAuthorizationRequestEndpoint(
  context: ServerContext,
  url: string,
): PushedAuthorizationRequestEndpoint {
  return async (params, credentials) => {
    checkCharacters(params)
    const { client } = await context.authenticate(params, credentials)
    let dpop: VerifiedDPoPProof | undefined
    try {
      dpop = await context.dpop.verify(credentials.dpop, { htm: 'POST', htu: url })
    } catch (error) {
      throw error instanceof DPoPProofError ? tokenEndpointDPoPError(error) : error
    }
    // RFC 9126 §2.1: client_id is required in the request, but HTTP Basic already names the client.
    const request: Record<string, string> = { client_id: client.clientId }
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== '' && !AUTHENTICATION_PARAMETERS.includes(name))
        request[name] = value
    }
    if (params.client_id !== undefined && params.client_id !== '' && params.client_id !== client.clientId)
      throw new OAuthError('invalid_request', 'client_id differs from the authenticated client')
    // RFC 9449 §10.1: a proof on the push binds the code to its key, as dpop_jkt would; both must agree.
    if (dpop !== undefined) {
      if (request.dpop_jkt !== undefined && request.dpop_jkt !== dpop.jkt)
        throw new OAuthError('invalid_dpop_proof', 'dpop_jkt differs from the key of the DPoP proof')
      request.dpop_jkt = dpop.jkt
    }
    try {
      await validateAuthorizationRequest(context, request, { kind: 'pushed', clientId: client.clientId })
    } catch (error) {
      // The authorization endpoint's errors, answered to the client directly (RFC 9126 §2.3).
      if (error instanceof AuthorizationRequestError)
        throw new OAuthError(error.error, error.errorDescription, { status: error.status })
      throw error
    }
    const requestUri = `${REQUEST_URI_URN_PREFIX}${generateOpaqueToken()}`
    const t = context.now()
    const expiresIn = context.settings.pushedAuthorizationRequestLifetime
    await stored(() =>
      context.store.pushedAuthorizationRequests.create({
        requestUriHash: hashOpaqueToken(requestUri),
        clientId: client.clientId,
        parameters: request,
        expiresAt: t + expiresIn,
        createdAt: t,
        firstUsedAt: null,
      }),
    )
    return { requestUri, expiresIn }
  }
}
