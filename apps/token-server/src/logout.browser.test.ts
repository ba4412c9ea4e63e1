import type { Server } from 'node:http'
import { createMemoryStore, registerClient } from '@pipeshub/server'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@pipeshub/test-support/chromium'
import { callbackReceiver } from '@pipeshub/test-support/loopback'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { authorizeUrl, pkcePair } from './test-support/form-session.js'
import { createTestUser } from './test-support/users.js'

// The logout pages in headless Chromium (OpenID Connect RP-Initiated Logout 1.0 §2): the confirmation
// with its buttons, "Stay signed in", "Sign out" and the signed-out page, under the pages' CSP. The
// relying party's side (endSessionUrl, the redirect back) is @pipeshub/client's logout.browser.test.ts.

const available = chromiumAvailable('the logout pages browser test')
const PASSWORD = 'logout pages test password'

describe.runIf(available)(`the logout pages in headless Chromium (${CHROMIUM})`, () => {
  let browser: Browser
  let server: TokenServer
  let baseUrl: string
  let clientId: string
  let receiver: Server
  let redirectUri: string

  beforeAll(async () => {
    const callback = await callbackReceiver()
    receiver = callback.server
    redirectUri = callback.redirectUri
    const store = createMemoryStore()
    clientId = (
      await registerClient(store, {
        name: 'Notes app',
        public: true,
        redirectUris: [redirectUri],
        scopes: ['openid'],
      })
    ).client.clientId
    await createTestUser(store, { subject: 'user-pages', password: PASSWORD, name: 'Alice Example' })
    server = await createTokenServer({ config: testConfig(), store })
    baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()))
  })

  const authorize = () =>
    authorizeUrl({
      baseUrl,
      authorizePath: server.paths.authorization,
      clientId,
      redirectUri: redirectUri,
      scope: 'openid',
      challenge: pkcePair().challenge,
    })

  /** Signs in on the login page and allows the app; the browser lands on the client's receiver. */
  const signIn = async (page: Page) => {
    await page.goto(authorize())
    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.title()).toBe('Allow access · PipesHub')
    await Promise.all([
      page.waitForURL(`${redirectUri}**`),
      page.getByRole('button', { name: 'Allow' }).click(),
    ])
  }

  it('asks, keeps the session on "Stay signed in", ends it on "Sign out", and shows the signed-out page', {
    timeout: 60_000,
  }, async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const cspViolations: string[] = []
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text())
    })
    await signIn(page)

    await page.goto(`${baseUrl}${server.paths.endSession}?client_id=${encodeURIComponent(clientId)}`)
    await expect.poll(() => page.title()).toBe('Sign out · PipesHub')
    expect(await page.locator('p.lead').textContent()).toBe(
      'Notes app asks to sign you out of PipesHub (signed in as Alice Example).',
    )
    // The default action is the one the relying party asked for.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign out')
    await page.getByRole('button', { name: 'Stay signed in' }).click()
    await expect.poll(() => page.title()).toBe('Still signed in · PipesHub')
    // Still signed in: the next authorization request goes straight back to the client.
    await Promise.all([page.waitForURL(`${redirectUri}**`), page.goto(authorize())])

    await page.goto(`${baseUrl}${server.paths.endSession}`)
    expect(await page.locator('p.lead').textContent()).toContain('Sign out of PipesHub')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect.poll(() => page.title()).toBe('Signed out · PipesHub')
    expect(await page.getByRole('status').textContent()).toContain('signed out of PipesHub')
    expect((await context.cookies(baseUrl)).map((cookie) => cookie.name)).not.toContain('pipeshub_session')
    await page.goto(authorize())
    await expect.poll(() => page.title()).toBe('Sign in · PipesHub')
    expect(cspViolations).toEqual([])
    await context.close()
  })

  it('shows a sign-out error page, without redirecting, for an unregistered post_logout_redirect_uri', {
    timeout: 60_000,
  }, async () => {
    const page = await browser.newPage()
    const response = await page.goto(
      `${baseUrl}${server.paths.endSession}?${new URLSearchParams({
        client_id: clientId,
        post_logout_redirect_uri: 'https://evil.example/',
      })}`,
    )
    expect(response?.status()).toBe(400)
    expect(new URL(page.url()).origin).toBe(baseUrl)
    expect(await page.title()).toBe('This sign-out link does not work · PipesHub')
    expect(await page.getByRole('alert').textContent()).toContain('not registered')
    await page.close()
  })
})
