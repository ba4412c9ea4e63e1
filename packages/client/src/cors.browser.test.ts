import type { Server } from 'node:http'
import { hashSecret } from '@pipeshub/server'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@pipeshub/test-support/chromium'
import { freePort, listenOnLoopback } from '@pipeshub/test-support/loopback'
import { createTokenServer, type TokenServer, testConfig } from '@pipeshub/token-server'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appPageServer, assertClientBuilt, importMap } from './test-support/browser-modules.js'

// A single-page app on its own loopback origin runs the code flow with PKCE, a refresh and userinfo
// against the real token server on another origin, through the built @pipeshub/client: every request
// to the token server is cross-origin, so each works only if the server answers CORS for the app's
// registered web origin. A second app on an unregistered origin can read discovery and nothing else.

const missing = !chromiumAvailable('the CORS browser tests')
const PASSWORD = 'cors test password'

/** The app: on first load it starts the authorization request, on the callback it redeems the code. */
const appPage = (issuer: string, clientId: string) => `<!doctype html>
<meta charset="utf-8">
<title>SPA</title>
<script type="importmap">${JSON.stringify(importMap())}</script>
<script type="module">
  import { OAuthClient, OAuthError } from '@pipeshub/client'
  const redirectUri = location.origin + '/callback'
  const client = await OAuthClient.fromIssuer(${JSON.stringify(issuer)}, { clientId: ${JSON.stringify(clientId)} })
  if (location.pathname !== '/callback') {
    const request = await client.createAuthorizationRequest({
      redirectUri,
      scope: ['openid', 'profile', 'offline_access', 'kb:read'],
    })
    sessionStorage.setItem('request', JSON.stringify({
      state: request.state, nonce: request.nonce, codeVerifier: request.codeVerifier,
    }))
    location.assign(request.url.href)
  } else {
    const saved = JSON.parse(sessionStorage.getItem('request'))
    try {
      const { code } = client.validateAuthorizationCallback(location.search, { state: saved.state })
      const tokens = await client.exchangeAuthorizationCode({
        code, redirectUri, codeVerifier: saved.codeVerifier, nonce: saved.nonce,
      })
      const refreshed = await client.refresh({
        refreshToken: tokens.refreshToken, originalIdTokenClaims: tokens.idTokenClaims,
      })
      const userinfo = await client.userinfo(refreshed.accessToken, { expectedSubject: tokens.idTokenClaims.sub })
      const replay = await client.refresh({ refreshToken: tokens.refreshToken }).catch((error) => error)
      window.result = {
        sub: tokens.idTokenClaims.sub,
        scope: tokens.scope,
        rotated: refreshed.refreshToken !== tokens.refreshToken,
        userinfo: { ...userinfo },
        replayIsOAuthError: replay instanceof OAuthError,
        replayError: replay.error,
      }
    } catch (error) {
      window.result = { failed: String(error), cause: String(error.cause ?? '') }
    }
  }
</script>`

/** An app on an origin no client registered: discovery is public, the token endpoint is not. */
const foreignPage = (issuer: string, clientId: string) => `<!doctype html>
<meta charset="utf-8">
<script type="importmap">${JSON.stringify(importMap())}</script>
<script type="module">
  import { OAuthClient } from '@pipeshub/client'
  const client = await OAuthClient.fromIssuer(${JSON.stringify(issuer)}, { clientId: ${JSON.stringify(clientId)} })
  const refused = await client.refresh({ refreshToken: 'any' }).then(() => 'answered', (error) => error)
  window.result = {
    discovered: client.metadata.tokenEndpoint,
    refusedName: refused.name,
    refusedCause: String(refused.cause ?? refused),
  }
</script>`

describe.skipIf(missing)(`a browser app on another origin (CORS, headless Chromium ${CHROMIUM})`, () => {
  let browser: Browser
  let tokenServer: TokenServer
  let spa: Server
  let foreign: Server
  let issuer: string
  let appOrigin: string
  let foreignOrigin: string
  let clientId: string

  beforeAll(async () => {
    assertClientBuilt()
    let page = ''
    spa = appPageServer(() => page)
    appOrigin = await listenOnLoopback(spa)
    let foreignHtml = ''
    foreign = appPageServer(() => foreignHtml)
    foreignOrigin = await listenOnLoopback(foreign)

    const port = await freePort()
    issuer = `http://127.0.0.1:${port}`
    const config = testConfig({ port })
    const { openConfiguredStore } = await import('@pipeshub/token-server')
    const store = await openConfiguredStore(config)
    tokenServer = await createTokenServer({ config, store, issuer })
    await tokenServer.app.listen({ host: '127.0.0.1', port })
    const registered = await tokenServer.authorizationServer.registerClient({
      name: 'Single-page app',
      public: true,
      redirectUris: [`${appOrigin}/callback`],
      webOrigins: [appOrigin],
      scopes: ['openid', 'profile', 'offline_access', 'kb:read'],
    })
    clientId = registered.client.clientId
    await store.users.create({
      subject: 'user-spa',
      username: 'alice',
      passwordHash: await hashSecret(PASSWORD),
      name: 'Alice Example',
      email: null,
      emailVerified: false,
      createdAt: 0,
    })
    page = appPage(issuer, clientId)
    foreignHtml = foreignPage(issuer, clientId)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await tokenServer?.close()
    for (const server of [spa, foreign]) {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    }
  })

  it('runs the code flow with PKCE, a refresh and userinfo from the registered origin', {
    timeout: 60_000,
  }, async () => {
    const page = await browser.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(`${appOrigin}/`)
    await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('Sign in · PipesHub')
    expect(new URL(page.url()).origin).toBe(issuer)
    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.title()).toBe('Allow access · PipesHub')
    await Promise.all([
      page.waitForURL((url) => url.origin === appOrigin && url.pathname === '/callback'),
      page.getByRole('button', { name: 'Allow' }).click(),
    ])
    await page.waitForFunction(() => 'result' in window, undefined, { timeout: 20_000 })
    const result = await page.evaluate(() => (window as unknown as { result: unknown }).result)
    expect(pageErrors).toEqual([])
    expect(result).toEqual({
      sub: 'user-spa',
      scope: 'openid profile offline_access kb:read',
      rotated: true,
      userinfo: expect.objectContaining({ sub: 'user-spa', name: 'Alice Example' }),
      // The error body of the token endpoint is readable cross-origin: the app can react to it.
      replayIsOAuthError: true,
      replayError: 'invalid_grant',
    })
    await page.close()
  })

  it('lets an unregistered origin read discovery but not call the token endpoint', {
    timeout: 60_000,
  }, async () => {
    const page = await browser.newPage()
    const blocked: string[] = []
    page.on('console', (message) => {
      if (message.text().includes('CORS')) blocked.push(message.text())
    })
    await page.goto(`${foreignOrigin}/`)
    await page.waitForFunction(() => 'result' in window, undefined, { timeout: 20_000 })
    const result = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as Record<
      string,
      string
    >
    expect(result.discovered).toBe(`${issuer}${tokenServer.paths.token}`)
    // fetch rejects with a TypeError when the browser blocks the response: the client reports a
    // network failure, never an OAuth answer it could not read.
    expect(result.refusedName).not.toBe('OAuthError')
    expect(blocked.join('\n')).toContain(foreignOrigin)
    await page.close()
  })
})
