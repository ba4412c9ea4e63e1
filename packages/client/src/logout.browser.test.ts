import type { Server } from 'node:http'
import { hashSecret } from '@pipeshub/server'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@pipeshub/test-support/chromium'
import { freePort, listenOnLoopback } from '@pipeshub/test-support/loopback'
import { createTokenServer, type TokenServer, testConfig } from '@pipeshub/token-server'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appPageServer, assertClientBuilt, importMap } from './test-support/browser-modules.js'

// OpenID Connect RP-Initiated Logout 1.0 in headless Chromium: an app signs its user in with the code
// flow, then logs out through the built client's endSessionUrl() (id_token_hint, a registered
// post_logout_redirect_uri, state); the token server asks the user, ends the session, and sends the
// browser back with the state. The next authorization request asks for the password again.

const missing = !chromiumAvailable('the logout browser test')
const PASSWORD = 'logout test password'

const appPage = (issuer: string, clientId: string) => `<!doctype html>
<meta charset="utf-8">
<title>App</title>
<script type="importmap">${JSON.stringify(importMap())}</script>
<script type="module">
  import { OAuthClient } from '@pipeshub/client'
  const redirectUri = location.origin + '/callback'
  const client = await OAuthClient.fromIssuer(${JSON.stringify(issuer)}, { clientId: ${JSON.stringify(clientId)} })
  if (location.pathname === '/') {
    const request = await client.createAuthorizationRequest({ redirectUri, scope: ['openid', 'profile'] })
    sessionStorage.setItem('request', JSON.stringify({
      state: request.state, nonce: request.nonce, codeVerifier: request.codeVerifier,
    }))
    location.assign(request.url.href)
  } else if (location.pathname === '/callback') {
    const saved = JSON.parse(sessionStorage.getItem('request'))
    const { code } = client.validateAuthorizationCallback(location.search, { state: saved.state })
    const tokens = await client.exchangeAuthorizationCode({
      code, redirectUri, codeVerifier: saved.codeVerifier, nonce: saved.nonce,
    })
    const logoutState = crypto.randomUUID()
    sessionStorage.setItem('logoutState', logoutState)
    const logoutUrl = client.endSessionUrl({
      idTokenHint: tokens.idToken,
      postLogoutRedirectUri: location.origin + '/signed-out',
      state: logoutState,
    })
    window.logout = () => location.assign(logoutUrl.href)
    // §2 allows POST too: the same parameters as a form, posted cross-site.
    window.logoutByPost = () => {
      const form = document.createElement('form')
      form.method = 'post'
      form.action = logoutUrl.origin + logoutUrl.pathname
      for (const [name, value] of logoutUrl.searchParams) {
        const input = document.createElement('input')
        input.type = 'hidden'
        input.name = name
        input.value = value
        form.append(input)
      }
      document.body.append(form)
      form.submit()
    }
    window.result = { sub: tokens.idTokenClaims.sub }
  } else if (location.pathname === '/signed-out') {
    const state = new URLSearchParams(location.search).get('state')
    window.result = { signedOut: true, stateMatches: state === sessionStorage.getItem('logoutState') }
  }
</script>`

describe.skipIf(missing)(
  `RP-initiated logout through endSessionUrl() (headless Chromium ${CHROMIUM})`,
  () => {
    let browser: Browser
    let tokenServer: TokenServer
    let app: Server
    let issuer: string
    let appOrigin: string

    beforeAll(async () => {
      assertClientBuilt()
      let page = ''
      app = appPageServer(() => page)
      // Another site than the token server's (127.0.0.1): the relying party's POST is cross-site, so the
      // browser keeps the SameSite=Lax session cookie off it.
      appOrigin = (await listenOnLoopback(app)).replace('127.0.0.1', 'localhost')
      const port = await freePort()
      issuer = `http://127.0.0.1:${port}`
      const config = testConfig({ port })
      const { openConfiguredStore } = await import('@pipeshub/token-server')
      const store = await openConfiguredStore(config)
      tokenServer = await createTokenServer({ config, store, issuer })
      await tokenServer.app.listen({ host: '127.0.0.1', port })
      const registered = await tokenServer.authorizationServer.registerClient({
        name: 'Notes app',
        public: true,
        redirectUris: [`${appOrigin}/callback`],
        postLogoutRedirectUris: [`${appOrigin}/signed-out`],
        webOrigins: [appOrigin],
        scopes: ['openid', 'profile'],
      })
      await store.users.create({
        subject: 'user-logout',
        username: 'alice',
        passwordHash: await hashSecret(PASSWORD),
        name: 'Alice Example',
        email: null,
        emailVerified: false,
        createdAt: 0,
      })
      page = appPage(issuer, registered.client.clientId)
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    }, 60_000)

    /** The sign-in page, then the consent page unless a test before this one already allowed the app. */
    const signIn = async (page: Page) => {
      await page.goto(`${appOrigin}/`)
      await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('Sign in · PipesHub')
      await page.getByLabel('Username').fill('alice')
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      const atCallback = () => new URL(page.url()).pathname === '/callback'
      await expect
        .poll(async () => atCallback() || (await page.title()) === 'Allow access · PipesHub', {
          timeout: 20_000,
        })
        .toBe(true)
      if (!atCallback()) {
        await Promise.all([
          page.waitForURL((url) => url.origin === appOrigin && url.pathname === '/callback'),
          page.getByRole('button', { name: 'Allow' }).click(),
        ])
      }
    }

    afterAll(async () => {
      await browser?.close()
      await tokenServer?.close()
      await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()))
    })

    it('logs out through a cross-site form POST of the same request (§2), whose SameSite=Lax session is found', {
      timeout: 60_000,
    }, async () => {
      const page = await browser.newPage()
      const result = async () => {
        await page.waitForFunction(() => 'result' in window, undefined, { timeout: 20_000 })
        return page.evaluate(() => (window as unknown as { result: unknown }).result)
      }
      await signIn(page)
      expect(await result()).toEqual({ sub: 'user-logout' })

      await page.evaluate(() => (window as unknown as { logoutByPost(): void }).logoutByPost())
      await expect.poll(() => page.title()).toBe('Sign out · PipesHub')
      await Promise.all([
        page.waitForURL((url) => url.origin === appOrigin && url.pathname === '/signed-out'),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ])
      expect(await result()).toEqual({ signedOut: true, stateMatches: true })
      await page.goto(`${appOrigin}/`)
      await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('Sign in · PipesHub')
      await page.close()
    })

    it('signs in, logs out after confirming, comes back with the state, and must sign in again', {
      timeout: 60_000,
    }, async () => {
      const page = await browser.newPage()
      const pageErrors: string[] = []
      page.on('pageerror', (error) => pageErrors.push(error.message))
      const result = async () => {
        await page.waitForFunction(() => 'result' in window, undefined, { timeout: 20_000 })
        return page.evaluate(() => (window as unknown as { result: unknown }).result)
      }

      await signIn(page)
      expect(await result()).toEqual({ sub: 'user-logout' })

      // Still signed in at the token server: a new authorization request comes straight back.
      await page.goto(`${appOrigin}/`)
      await page.waitForURL((url) => url.origin === appOrigin && url.pathname === '/callback')
      expect(await result()).toEqual({ sub: 'user-logout' })

      await page.evaluate(() => (window as unknown as { logout(): void }).logout())
      await expect.poll(() => page.title()).toBe('Sign out · PipesHub')
      expect(new URL(page.url()).pathname).toBe(tokenServer.paths.endSession)
      expect(await page.locator('p.lead').textContent()).toContain('Notes app asks to sign you out')
      await Promise.all([
        page.waitForURL((url) => url.origin === appOrigin && url.pathname === '/signed-out'),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ])
      expect(await result()).toEqual({ signedOut: true, stateMatches: true })

      // The session is gone: the next authorization request asks for the password.
      await page.goto(`${appOrigin}/`)
      await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('Sign in · PipesHub')
      expect(pageErrors).toEqual([])
      await page.close()
    })
  },
)
