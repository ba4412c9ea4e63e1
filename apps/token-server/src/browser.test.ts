import type { Server } from 'node:http'
import { createMemoryStore, registerClient } from '@pipeshub/server'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@pipeshub/test-support/chromium'
import { callbackReceiver } from '@pipeshub/test-support/loopback'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { authorizeUrl, pkcePair, tokenRequest } from './test-support/form-session.js'
import { createTestUser } from './test-support/users.js'

const available = chromiumAvailable('the browser test')

const ISSUER = 'http://token-server.test'
const PASSWORD = 'browser test password'

describe.runIf(available)('authorization code flow in headless Chromium', () => {
  let browser: Browser
  let server: TokenServer
  let receiver: Server
  let baseUrl: string
  let redirectUri: string
  let clientId: string

  beforeAll(async () => {
    const callback = await callbackReceiver()
    receiver = callback.server
    redirectUri = callback.redirectUri

    const store = createMemoryStore()
    clientId = (
      await registerClient(store, {
        name: 'Browser test app',
        public: true,
        redirectUris: [redirectUri],
        scopes: ['openid', 'profile', 'email', 'offline_access', 'kb:read'],
      })
    ).client.clientId
    await createTestUser(store, { subject: 'user-browser', password: PASSWORD, name: 'Alice Example' })
    server = await createTokenServer({ config: testConfig(), store, issuer: ISSUER })
    baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()))
  })

  it('signs in, consents, lands on the redirect URI, and exchanges the code for tokens that validate', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const cspViolations: string[] = []
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text())
    })
    const pkce = pkcePair()
    const state = 'browser-state-1'
    const nonce = 'browser-nonce-1'
    await page.goto(
      authorizeUrl({
        baseUrl,
        authorizePath: server.paths.authorization,
        clientId,
        redirectUri,
        scope: 'openid profile email offline_access kb:read',
        challenge: pkce.challenge,
        state,
        nonce,
      }),
    )
    await expect.poll(() => page.title()).toBe('Sign in · PipesHub')
    // The username field has focus and every field is reachable by its label.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('username')

    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The username or password is incorrect.')
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true')

    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.title()).toBe('Allow access · PipesHub')
    expect(await page.getByRole('listitem').allTextContents()).toContain(
      'Read the documents and records in your knowledge bases',
    )

    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(redirectUri)),
      page.getByRole('button', { name: 'Allow' }).click(),
    ])
    const landed = new URL(page.url())
    expect(landed.searchParams.get('state')).toBe(state)
    expect(landed.searchParams.get('iss')).toBe(ISSUER)
    const code = landed.searchParams.get('code') ?? ''
    expect(code).not.toBe('')
    // The stylesheet was allowed by the pages' CSP, and nothing else was attempted.
    expect(cspViolations).toEqual([])

    const tokenUrl = `${baseUrl}${server.paths.token}`
    const exchanged = await tokenRequest(tokenUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: pkce.verifier,
    })
    expect(exchanged.status).toBe(200)
    const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`))
    const access = await jwtVerify(String(exchanged.body.access_token), jwks, {
      issuer: ISSUER,
      typ: 'at+jwt',
    })
    expect(access.payload).toMatchObject({ sub: 'user-browser', client_id: clientId })
    const id = await jwtVerify(String(exchanged.body.id_token), jwks, { issuer: ISSUER, audience: clientId })
    expect(id.payload).toMatchObject({ sub: 'user-browser', nonce })
    expect(typeof id.payload.auth_time).toBe('number')

    const refreshed = await tokenRequest(tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: String(exchanged.body.refresh_token),
      client_id: clientId,
    })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.refresh_token).not.toBe(exchanged.body.refresh_token)
    await jwtVerify(String(refreshed.body.access_token), jwks, { issuer: ISSUER, typ: 'at+jwt' })

    // Same browser, same client and scope: consent is remembered, the redirect is immediate.
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(redirectUri) && url.searchParams.get('state') === 'again'),
      page.goto(
        authorizeUrl({
          baseUrl,
          authorizePath: server.paths.authorization,
          clientId,
          redirectUri,
          scope: 'openid kb:read',
          challenge: pkcePair().challenge,
          state: 'again',
        }),
      ),
    ])
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy()
    await context.close()
  })
})
