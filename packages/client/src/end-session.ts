import { endSessionRequestCodec } from '@pipeshub/models/codecs'
import type { ServerMetadata } from './discovery.js'

/** OpenID Connect RP-Initiated Logout 1.0 §2: what the relying party puts in the logout URL. */
export interface EndSessionParameters {
  /** The ID token of the session to end (RECOMMENDED): identifies the user and the client to the OP. */
  idTokenHint?: string | undefined
  /** Where the OP sends the browser after logout: one of the client's registered post-logout URIs. */
  postLogoutRedirectUri?: string | undefined
  /** Returned unchanged to `postLogoutRedirectUri`; check it there, as for the authorization `state`. */
  state?: string | undefined
  /** A hint about the user logging out (e.g. an email address). */
  logoutHint?: string | undefined
  /** Preferred languages of the OP's logout pages: BCP 47 tags, space-separated or as a list. */
  uiLocales?: string | readonly string[] | undefined
  /** Further query parameters; cannot replace the ones above. */
  extraParameters?: Readonly<Record<string, string>> | undefined
}

/**
 * The URL of the OP's `end_session_endpoint` to send the browser to for logout (OpenID Connect
 * RP-Initiated Logout 1.0 §2), with `client_id` always set, so that a `post_logout_redirect_uri`
 * is honoured even without an `id_token_hint` (§3). The parameters are checked against the
 * `EndSessionRequest` schema; a bad one is a `TypeError` naming it. The endpoint's own query is kept.
 */
export function endSessionUrl(
  metadata: Pick<ServerMetadata, 'endSessionEndpoint'>,
  clientId: string,
  parameters: EndSessionParameters = {},
): URL {
  const endpoint = metadata.endSessionEndpoint
  if (typeof endpoint !== 'string')
    throw new TypeError('the server metadata has no end_session_endpoint (metadata.endSessionEndpoint)')
  let url: URL
  try {
    url = new URL(endpoint)
  } catch (error) {
    throw new TypeError(`metadata.endSessionEndpoint is not an absolute URL: ${endpoint}`, { cause: error })
  }
  const uiLocales =
    parameters.uiLocales === undefined || typeof parameters.uiLocales === 'string'
      ? parameters.uiLocales
      : parameters.uiLocales.join(' ')
  const wire = {
    id_token_hint: parameters.idTokenHint,
    logout_hint: parameters.logoutHint,
    client_id: clientId,
    post_logout_redirect_uri: parameters.postLogoutRedirectUri,
    state: parameters.state,
    ui_locales: uiLocales,
  }
  const present = Object.fromEntries(Object.entries(wire).filter(([, value]) => value !== undefined))
  const issues = endSessionRequestCodec.validate(present)
  if (issues.length > 0) {
    const names = issues.map((issue) => `${issue.path.slice(1) || '/'}: ${issue.message}`)
    throw new TypeError(`invalid logout parameters: ${names.join('; ')}`)
  }
  const query = new URLSearchParams(parameters.extraParameters)
  for (const [name, value] of Object.entries(present)) query.set(name, value as string)
  for (const name of new Set(query.keys())) url.searchParams.delete(name)
  for (const [name, value] of query) url.searchParams.append(name, value)
  return url
}
