// The page the browser bundle is measured on: an SPA that signs its user in with the authorization
// code flow and PKCE (discovery, the redirect, the callback, the code exchange with its ID token
// checked against the JWKS) and refreshes the tokens. It is bundled, never run, by the bench; its
// peers' numbers in the issue are for the same page written with oauth4webapi and openid-client.
import { CodeFlowClient } from '@pipeshub/client'

const ISSUER = 'https://auth.pipeshub.example'
const REDIRECT_URI = `${location.origin}/callback`

const client = await CodeFlowClient.fromIssuer(ISSUER, { clientId: 'spa' })
const callback = new URLSearchParams(location.search)
if (!callback.has('code') && !callback.has('error')) {
  const request = await client.createAuthorizationRequest({
    redirectUri: REDIRECT_URI,
    scope: ['openid', 'profile', 'offline_access'],
  })
  const { state, nonce, codeVerifier } = request
  sessionStorage.setItem('pipeshub.signin', JSON.stringify({ state, nonce, codeVerifier }))
  location.assign(request.url.href)
} else {
  const saved = JSON.parse(sessionStorage.getItem('pipeshub.signin') ?? '{}')
  const { code } = client.validateAuthorizationCallback(location.search, { state: saved.state })
  const tokens = await client.exchangeAuthorizationCode({
    code,
    redirectUri: REDIRECT_URI,
    codeVerifier: saved.codeVerifier,
    nonce: saved.nonce,
  })
  const refreshed = await client.refresh({
    refreshToken: tokens.refreshToken ?? '',
    originalIdTokenClaims: tokens.idTokenClaims,
  })
  document.body.textContent = `signed in as ${tokens.idTokenClaims?.sub}, token ${refreshed.accessToken.length} chars`
}
