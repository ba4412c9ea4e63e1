import type { ServerResponse } from 'node:http'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@pipeshub/test-support/chromium'
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OAuthClient } from './oauth-client.js'
import { assertClientBuilt, importMap, serveBrowserModule } from './test-support/browser-modules.js'
import {
  type LoopbackAuthorizationServer,
  startAuthorizationServer,
  USER,
} from './test-support/loopback-server.js'

// Proves the published ESM runs in a real browser: the page loads packages/client/dist and its
// dependencies' own ESM builds through an import map, with no bundler, and talks to the real server.
// TypeBox is not in the map: the client's validators are compiled ahead of time, no schema library loads.
// The page is served from the authorization server's origin, so no CORS is involved.

const missing = !chromiumAvailable('the browser tests of @pipeshub/client')

const PAGE = `<!doctype html>
<meta charset="utf-8">
<script type="importmap">${JSON.stringify(importMap())}</script>
<script type="module">
  import { DPoPKey, OAuthClient, OAuthError } from '@pipeshub/client'
  window.dpopProof = async ({ issuer, clientId, clientSecret }) => {
    // RFC 9449 in the page: a pair whose private key WebCrypto will not export, a proof signed with it,
    // and a token request carrying one (this server ignores DPoP and answers Bearer, RFC 9449 §5).
    const generated = await DPoPKey.generate()
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
    const exportRefused = await crypto.subtle.exportKey('jwk', pair.privateKey).then(() => false, () => true)
    const dpop = await DPoPKey.fromKeyPair(pair)
    const proof = await dpop.proof({ method: 'POST', url: new URL(issuer + '/token?x=1'), accessToken: 'at' })
    const client = await OAuthClient.fromIssuer(issuer, { clientId, clientSecret, dpop })
    const tokens = await client.clientCredentials({ scope: 'kb:read' })
    return { generatedAlgorithm: generated.algorithm, exportRefused, proof, thumbprint: dpop.thumbprint, tokenType: tokens.tokenType }
  }
  window.proof = async ({ issuer, clientId, clientSecret, webClientId, idToken }) => {
    // jose and WebCrypto in the page: the issuer's JWKS fetched, the ES256 signature checked.
    const webClient = await OAuthClient.fromIssuer(issuer, { clientId: webClientId })
    const idTokenClaims = await webClient.validateIdToken(idToken)
    const client = await OAuthClient.fromIssuer(issuer, { clientId, clientSecret })
    const request = await client.createAuthorizationRequest({
      redirectUri: 'http://127.0.0.1/callback',
      scope: ['openid', 'kb:read'],
    })
    const tokens = await client.clientCredentials({ scope: 'kb:read' })
    const refused = await client.clientCredentials({ scope: 'user:delete' }).catch((error) => error)
    return {
      authorizationUrl: request.url.href,
      codeVerifier: request.codeVerifier,
      tokens: { ...tokens },
      rawAccessToken: tokens.raw.access_token,
      refusedIsOAuthError: refused instanceof OAuthError,
      refusedError: refused.error,
      idTokenClaims,
    }
  }
</script>`

/** Serves the page and the packages' modules; nothing else. */
function serveBrowserFiles(url: string, response: ServerResponse): boolean {
  if (url === '/__browser__/index.html') {
    response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
    return true
  }
  return serveBrowserModule(url, response)
}

describe.skipIf(missing)(`in headless Chromium (${CHROMIUM})`, () => {
  let server: LoopbackAuthorizationServer
  let browser: Browser

  beforeAll(async () => {
    assertClientBuilt()
    server = await startAuthorizationServer({}, (request, response) =>
      serveBrowserFiles(request.url ?? '', response),
    )
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('loads the built ESM package: createAuthorizationRequest, clientCredentials, an OAuthError, an ID token check', {
    timeout: 60_000,
  }, async () => {
    const { client, clientSecret } = await server.app.authorizationServer.registerClient({
      name: 'browser proof',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    // An ID token from a real authorization code flow, run from Node, for the page to verify.
    const web = await server.app.authorizationServer.registerClient({
      name: 'browser proof web',
      public: true,
      grantTypes: ['authorization_code'],
      redirectUris: ['http://127.0.0.1/callback'],
      scopes: ['openid'],
    })
    const nodeClient = await OAuthClient.fromIssuer(server.issuer, { clientId: web.client.clientId })
    const request = await nodeClient.createAuthorizationRequest({
      redirectUri: 'http://127.0.0.1/callback',
      scope: 'openid',
    })
    const location = (await fetch(request.url, { redirect: 'manual' })).headers.get('location') ?? ''
    const { code } = nodeClient.validateAuthorizationCallback(location, { state: request.state })
    const { idToken } = await nodeClient.exchangeAuthorizationCode({
      code,
      redirectUri: request.redirectUri,
      codeVerifier: request.codeVerifier,
    })
    const page = await browser.newPage()
    const pageErrors: string[] = []
    // What the page saw, to explain a failure to load (the refused request's 400 is expected).
    const diagnostics: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    page.on('console', (message) => diagnostics.push(`console ${message.type()}: ${message.text()}`))
    page.on('response', (response) => {
      if (response.status() >= 400) diagnostics.push(`${response.status()} ${response.url()}`)
    })
    await page.goto(`${server.issuer}/__browser__/index.html`)
    await page
      .waitForFunction(() => 'proof' in window, undefined, { timeout: 30_000 })
      .catch((error: unknown) => {
        const seen = [...pageErrors, ...diagnostics].join('; ')
        throw new Error(`the page did not load the package: ${seen}`, { cause: error })
      })
    const result = await page.evaluate(
      (args) =>
        (window as unknown as { proof(a: typeof args): Promise<Record<string, unknown>> }).proof(args),
      {
        issuer: server.issuer,
        clientId: client.clientId,
        clientSecret: clientSecret ?? '',
        webClientId: web.client.clientId,
        idToken: idToken ?? '',
      },
    )
    expect(pageErrors).toEqual([])
    const url = new URL(result.authorizationUrl as string)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('client_id')).toBe(client.clientId)
    expect(result.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(result.tokens).toMatchObject({ tokenType: 'Bearer', scope: 'kb:read', expiresIn: 3600 })
    expect(result.rawAccessToken).toBe((result.tokens as { accessToken: string }).accessToken)
    expect(result.refusedIsOAuthError).toBe(true)
    expect(result.refusedError).toBe('invalid_scope')
    expect(result.idTokenClaims).toMatchObject({
      iss: server.issuer,
      aud: web.client.clientId,
      sub: USER.subject,
    })
  })

  it('makes DPoP proofs in the page with a key WebCrypto will not export (RFC 9449 §4)', {
    timeout: 60_000,
  }, async () => {
    const { client, clientSecret } = await server.app.authorizationServer.registerClient({
      name: 'browser dpop proof',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    const page = await browser.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(`${server.issuer}/__browser__/index.html`)
    await page.waitForFunction(() => 'dpopProof' in window, undefined, { timeout: 30_000 })
    const result = await page.evaluate(
      (args) =>
        (
          window as unknown as { dpopProof(a: typeof args): Promise<Record<string, string | boolean>> }
        ).dpopProof(args),
      { issuer: server.issuer, clientId: client.clientId, clientSecret: clientSecret ?? '' },
    )
    expect(pageErrors).toEqual([])
    expect(result.generatedAlgorithm).toBe('ES256')
    expect(result.exportRefused).toBe(true)
    const { payload, protectedHeader } = await jwtVerify(result.proof as string, EmbeddedJWK, {
      typ: 'dpop+jwt',
    })
    expect(protectedHeader).toMatchObject({ alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } })
    expect(protectedHeader.jwk).not.toHaveProperty('d')
    expect(await calculateJwkThumbprint(protectedHeader.jwk as JWK)).toBe(result.thumbprint)
    expect(payload).toMatchObject({ htm: 'POST', htu: `${server.issuer}/token` })
    expect(payload.ath).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // The token server binds the token to the page's key (RFC 9449 §5).
    expect(result.tokenType).toBe('DPoP')
  })
})
