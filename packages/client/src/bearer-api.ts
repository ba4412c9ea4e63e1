// What the clients of this server's own JSON APIs (personal access tokens, consents, OAuth app
// management) share: an access token that may change between calls, sent as Bearer.

/** An access token, or a function called before every request for the current one (a token manager's). */
export type AccessTokenSource = string | (() => Promise<string> | string)

/** The headers of a JSON API call, with the access token `source` gives at the time of the call. */
export function bearerJsonHeaders(source: AccessTokenSource): () => Promise<Record<string, string>> {
  const current = typeof source === 'string' ? () => source : source
  return async () => ({ accept: 'application/json', authorization: `Bearer ${await current()}` })
}
