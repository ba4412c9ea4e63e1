import { createMemoryStore, registerClient } from '@pipeshub/server'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@pipeshub/test-support/chromium'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { tokenRequest } from './test-support/form-session.js'
import { createTestUser } from './test-support/users.js'

// RFC 8628 §3.3 in headless Chromium: a person types the code their TV shows, signs in, checks the
// code on the consent page and allows; the TV's next poll gets the tokens.

const available = chromiumAvailable('the device verification browser test')

const ISSUER = 'http://token-server.test'
const PASSWORD = 'device browser test password'
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'

describe.runIf(available)('the device verification page in headless Chromium', () => {
  let browser: Browser
  let server: TokenServer
  let baseUrl: string
  let clientId: string
  let now = 1_800_000_000

  beforeAll(async () => {
    const store = createMemoryStore()
    clientId = (
      await registerClient(store, {
        name: 'Living-room TV',
        public: true,
        redirectUris: [],
        grantTypes: [DEVICE_CODE],
        scopes: ['openid', 'kb:read'],
      })
    ).client.clientId
    await createTestUser(store, { subject: 'user-tv', password: PASSWORD, name: 'Alice Example' })
    server = await createTokenServer({ config: testConfig(), store, issuer: ISSUER, now: () => now })
    baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('takes the typed code through sign-in and consent, and the device gets its tokens', async () => {
    const device = await tokenRequest(`${baseUrl}${server.paths.deviceAuthorization}`, {
      client_id: clientId,
      scope: 'openid kb:read',
    })
    const userCode = String(device.body.user_code)
    const context = await browser.newContext()
    const page = await context.newPage()
    const cspViolations: string[] = []
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text())
    })
    await page.goto(`${baseUrl}${new URL(String(device.body.verification_uri)).pathname}`)
    await expect.poll(() => page.title()).toBe('Connect a device · PipesHub')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('user_code')

    await page.getByLabel('Code').fill('bcdf ghjk')
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This code is not valid')
    expect(await page.getByLabel('Code').getAttribute('aria-invalid')).toBe('true')

    // As people type it: lower case, a space for the dash.
    await page.getByLabel('Code').fill(userCode.toLowerCase().replace('-', ' '))
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.title()).toBe('Sign in · PipesHub')
    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.title()).toBe('Allow access · PipesHub')
    expect(await page.locator('#device-user-code').textContent()).toBe(userCode)
    await page.getByRole('button', { name: 'Allow' }).click()
    await expect.poll(() => page.title()).toBe('Device connected · PipesHub')
    expect(await page.getByRole('status').textContent()).toContain('Living-room TV')
    expect(cspViolations).toEqual([])

    now += 5
    const tokens = await tokenRequest(`${baseUrl}${server.paths.token}`, {
      grant_type: DEVICE_CODE,
      device_code: String(device.body.device_code),
      client_id: clientId,
    })
    expect(tokens.status).toBe(200)
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid kb:read' })
    await context.close()
  })
})
