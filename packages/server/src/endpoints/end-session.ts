import { type EndSessionRequest, EndSessionRequestWire, endSessionRequestCodec } from '@pipeshub/models'
import { compactVerify, decodeProtectedHeader } from 'jose'
import { OAuthError, stored } from '../errors.js'
import { checkCharacters, param, type RequestParameters } from '../request-parameters.js'
import type { ServerContext } from '../server-context.js'
import type { ClientRecord } from '../store/types.js'
import { looksLikeJwt } from '../tokens.js'

/** The parameters of OpenID Connect RP-Initiated Logout 1.0 §2; everything else a request carries is not read. */
const END_SESSION_PARAMETERS = Object.keys(EndSessionRequestWire.properties)

/** The claims of a valid `id_token_hint` the host needs: whose session, issued to which client. */
export interface IdTokenHint {
  /** `sub`: the end-user the relying party believes is logged in. */
  subject: string
  /** `aud` (the client the ID token was issued to). */
  clientId: string
  /** `sid` when the ID token carries one. */
  sessionId?: string | undefined
}

/** A logout request that passed every check of OpenID Connect RP-Initiated Logout 1.0 §§2-4. */
export interface ValidatedEndSessionRequest {
  /** The request as sent, camelCase (the models' `EndSessionRequest`). */
  request: EndSessionRequest
  /** The relying party, identified by `id_token_hint` or `client_id`; absent when neither was sent. */
  client: ClientRecord | undefined
  /** The verified hint, when one was sent. */
  idTokenHint: IdTokenHint | undefined
  /** Where to send the browser after logout (registered for `client`, exact match), with `state`. */
  postLogoutRedirectUri: string | undefined
}

export interface EndSessionEndpoint {
  /**
   * Validates a logout request (query or form parameters). Throws `invalid_request` when it cannot be
   * trusted with a redirect: an `id_token_hint` not signed here or not issued by this issuer, a
   * `client_id` that is not the hint's audience, an unknown client, or a `post_logout_redirect_uri`
   * that is not registered for the identified client (or with no client identified). The caller then
   * answers an error itself and never redirects (§4).
   */
  validate(params: RequestParameters): Promise<ValidatedEndSessionRequest>
  /** The validated `post_logout_redirect_uri` with `state` added (§3), `undefined` when there is none. */
  redirectUrl(validated: ValidatedEndSessionRequest): string | undefined
}

const invalid = (description: string) => new OAuthError('invalid_request', description)

/**
 * The end-session endpoint's checks. Ending the browser session is the host's (it owns the session);
 * this says whether the request may be honoured and where the browser may go afterwards.
 */
export function createEndSessionEndpoint(
  context: Pick<ServerContext, 'store' | 'issuer' | 'signingKeys'>,
): EndSessionEndpoint {
  const { store, issuer, signingKeys } = context

  /**
   * §2: the OP must have issued the hint. Its signature is checked against this server's published
   * keys and its `iss` against the issuer; its expiry is not, as §2 asks the OP to accept an expired
   * ID token (a relying party logs out long after login). An access token (`typ: at+jwt`) is no hint.
   */
  const verifyHint = async (token: string): Promise<IdTokenHint> => {
    const untrusted = 'id_token_hint is not an ID token issued by this server'
    if (!looksLikeJwt(token)) throw invalid(untrusted)
    let header: ReturnType<typeof decodeProtectedHeader>
    try {
      header = decodeProtectedHeader(token)
    } catch {
      throw invalid(untrusted)
    }
    if (typeof header.kid !== 'string' || header.typ === 'at+jwt') throw invalid(untrusted)
    const key = await stored(() => signingKeys.verificationKey(header.kid as string))
    if (key === undefined) throw invalid(untrusted)
    let claims: Record<string, unknown>
    try {
      const { payload } = await compactVerify(token, key.key, { algorithms: [key.alg] })
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
    } catch {
      throw invalid(untrusted)
    }
    if (claims === null || typeof claims !== 'object' || claims.iss !== issuer) throw invalid(untrusted)
    const aud = Array.isArray(claims.aud) && claims.aud.length === 1 ? claims.aud[0] : claims.aud
    if (typeof claims.sub !== 'string' || typeof aud !== 'string') throw invalid(untrusted)
    return {
      subject: claims.sub,
      clientId: aud,
      ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
    }
  }

  return {
    async validate(params) {
      checkCharacters(params)
      const known: Record<string, string> = {}
      for (const name of END_SESSION_PARAMETERS) {
        const value = param(params, name)
        if (value !== undefined) known[name] = value
      }
      const decoded = endSessionRequestCodec.safeDecode(known)
      if (!decoded.ok) {
        const issue = decoded.error.issues[0]
        throw invalid(`${issue?.path.slice(1) || 'the request'} ${issue?.message ?? 'is invalid'}`)
      }
      const request = decoded.value
      const idTokenHint =
        request.idTokenHint === undefined ? undefined : await verifyHint(request.idTokenHint)
      // §2: when both are sent, client_id must be the hint's audience.
      if (
        idTokenHint !== undefined &&
        request.clientId !== undefined &&
        request.clientId !== idTokenHint.clientId
      )
        throw invalid('client_id is not the audience of id_token_hint')
      const clientId = idTokenHint?.clientId ?? request.clientId
      const client = clientId === undefined ? undefined : await stored(() => store.clients.get(clientId))
      if (clientId !== undefined && (client === undefined || client.disabledAt !== null))
        throw invalid('the client of this logout request is unknown')
      const target = request.postLogoutRedirectUri
      if (target !== undefined) {
        // §3: a post-logout redirect needs the client identified, and one of its registered URIs exactly.
        if (client === undefined)
          throw invalid('post_logout_redirect_uri needs id_token_hint or client_id to identify the client')
        if (!(client.postLogoutRedirectUris ?? []).includes(target))
          throw invalid('post_logout_redirect_uri is not registered for this client')
      }
      return { request, client, idTokenHint, postLogoutRedirectUri: target }
    },

    redirectUrl(validated) {
      if (validated.postLogoutRedirectUri === undefined) return undefined
      const url = new URL(validated.postLogoutRedirectUri)
      if (validated.request.state !== undefined) url.searchParams.append('state', validated.request.state)
      return url.href
    },
  }
}
