import type { OAuthClient } from '../oauth-client.js'
import type { TokenResponse } from '../token-response.js'

/**
 * RFC 9126 end to end against a loopback server whose `authorize` hook approves at once: push, follow
 * the URL carrying only client_id and request_uri to its redirect, redeem the code.
 */
export async function pushedSignIn(
  client: OAuthClient,
  redirectUri: string,
  scope: string,
): Promise<TokenResponse> {
  const request = await client.pushAuthorizationRequest({ redirectUri, scope })
  const response = await fetch(request.url, { redirect: 'manual', signal: AbortSignal.timeout(30_000) })
  const callback = client.validateAuthorizationCallback(response.headers.get('location') ?? '', {
    state: request.state,
  })
  return client.exchangeAuthorizationCode({
    code: callback.code,
    redirectUri,
    codeVerifier: request.codeVerifier,
  })
}
