import { registerClient } from '@pipeshub/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { openConfiguredStore } from './store.js'
import {
  authorizeUrl,
  FormSession,
  hiddenFields,
  pkcePair,
  tokenRequest,
} from './test-support/form-session.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

// OpenID Connect RP-Initiated Logout 1.0 at the token server: the confirmation page (§2: the OP asks
// the end-user), the session ended in the store, the post-logout redirect with state (§3), and the
// error page for a request that cannot be trusted (§4).

const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const BYE = 'http://127.0.0.1:9/signed-out'

let server: TokenServer
let baseUrl: string
let clientId: string

beforeAll(async () => {
  const config = testConfig()
  server = await createTokenServer({ config, store: await openConfiguredStore(config) })
  baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  await createTestUser(server.store)
  const registered = await registerClient(server.store, {
    name: 'Notes app',
    public: true,
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [BYE],
    scopes: ['openid', 'profile'],
  })
  clientId = registered.client.clientId
})
afterAll(async () => {
  await server?.close()
})

/** Signs in through the login and consent pages and redeems the code: a browser with a session, an ID token. */
async function signIn(): Promise<{ browser: FormSession; idToken: string }> {
  const browser = new FormSession(baseUrl)
  const { verifier, challenge } = pkcePair()
  const url = authorizeUrl({
    baseUrl,
    authorizePath: server.paths.authorization,
    clientId,
    redirectUri: REDIRECT_URI,
    scope: 'openid profile',
    challenge,
  })
  const login = await browser.get(url)
  const consent = await browser.postForm(server.paths.authorization, {
    ...hiddenFields(await login.text()),
    username: 'alice',
    password: TEST_PASSWORD,
  })
  // The consent is remembered after the first sign-in: the login form then completes the request.
  const approved =
    consent.status === 303
      ? consent
      : await browser.postForm(server.paths.authorization, {
          ...hiddenFields(await consent.text()),
          consent: 'granted',
        })
  const code = new URL(approved.headers.get('location') ?? '').searchParams.get('code') ?? ''
  const tokens = await tokenRequest(`${baseUrl}${server.paths.token}`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: clientId,
    code_verifier: verifier,
  })
  expect(tokens.status).toBe(200)
  return { browser, idToken: String(tokens.body.id_token) }
}

const logoutUrl = (params: Record<string, string>) =>
  `${server.paths.endSession}?${new URLSearchParams(params).toString()}`

/** Whether the browser's next authorization request asks it to sign in. */
async function asksToSignIn(browser: FormSession): Promise<boolean> {
  const page = await browser.get(
    authorizeUrl({
      baseUrl,
      authorizePath: server.paths.authorization,
      clientId,
      redirectUri: REDIRECT_URI,
      scope: 'openid profile',
      challenge: pkcePair().challenge,
    }),
  )
  return page.status === 200 && (await page.text()).includes('name="password"')
}

describe('the logout pages (OpenID Connect RP-Initiated Logout 1.0)', () => {
  it('§2: asks the signed-in end-user, naming the app; confirming ends the session and redirects with state (§3)', async () => {
    const { browser, idToken } = await signIn()
    expect(await asksToSignIn(browser)).toBe(false)
    const sessionCookie = browser.cookies.get('pipeshub_session')
    const confirm = await browser.get(
      logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'st-1' }),
    )
    expect(confirm.status).toBe(200)
    const page = await confirm.text()
    expect(page).toContain('<strong>Notes app</strong> asks to sign you out')
    expect(page).toContain('signed in as Alice')
    const form = hiddenFields(page)
    expect(form).toMatchObject({ id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'st-1' })
    const done = await browser.postForm(server.paths.endSession, { ...form, logout: 'confirm' })
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe(`${BYE}?state=st-1`)
    expect(browser.cookies.has('pipeshub_session')).toBe(false)
    // The session is gone from the store, not only from this browser: the old cookie signs nobody in.
    const replayed = new FormSession(baseUrl)
    replayed.cookies.set('pipeshub_session', sessionCookie ?? '')
    expect(await asksToSignIn(replayed)).toBe(true)
    expect(await asksToSignIn(browser)).toBe(true)
  })

  it('§2: turns the relying party’s POST into a GET, which brings the SameSite=Lax session cookie cross-site', async () => {
    const { browser, idToken } = await signIn()
    const posted = await browser.postForm(server.paths.endSession, {
      id_token_hint: idToken,
      post_logout_redirect_uri: BYE,
      state: 'st-2',
    })
    expect(posted.status).toBe(303)
    const location = posted.headers.get('location') ?? ''
    expect(new URL(location, baseUrl).pathname).toBe(server.paths.endSession)
    expect(Object.fromEntries(new URL(location, baseUrl).searchParams)).toEqual({
      id_token_hint: idToken,
      post_logout_redirect_uri: BYE,
      state: 'st-2',
    })
    const confirm = await browser.get(location)
    expect(await confirm.text()).toContain('asks to sign you out')
  })

  it('refuses the confirmation without the CSRF token of this browser, and keeps the session', async () => {
    const { browser, idToken } = await signIn()
    const form = hiddenFields(await (await browser.get(logoutUrl({ id_token_hint: idToken }))).text())
    const forged = await browser.postForm(server.paths.endSession, {
      ...form,
      csrf_token: 'forged',
      logout: 'confirm',
    })
    expect(forged.status).toBe(403)
    expect(await forged.text()).toContain('This form has expired')
    expect(await asksToSignIn(browser)).toBe(false)
  })

  it('keeps the session when the end-user chooses to stay signed in', async () => {
    const { browser, idToken } = await signIn()
    const form = hiddenFields(await (await browser.get(logoutUrl({ id_token_hint: idToken }))).text())
    const stay = await browser.postForm(server.paths.endSession, { ...form, logout: 'cancel' })
    expect(stay.status).toBe(200)
    expect(await stay.text()).toContain('You are still signed in')
    expect(await asksToSignIn(browser)).toBe(false)
  })

  it('skips the confirmation without a session: straight to the post-logout redirect, or the signed-out page', async () => {
    const browser = new FormSession(baseUrl)
    const redirected = await browser.get(
      logoutUrl({ client_id: clientId, post_logout_redirect_uri: BYE, state: 'x' }),
    )
    expect(redirected.status).toBe(302)
    expect(redirected.headers.get('location')).toBe(`${BYE}?state=x`)
    const page = await browser.get(server.paths.endSession)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('You are signed out')
  })

  it('without a post_logout_redirect_uri, confirming shows the signed-out page', async () => {
    const { browser } = await signIn()
    const form = hiddenFields(await (await browser.get(server.paths.endSession)).text())
    const done = await browser.postForm(server.paths.endSession, { ...form, logout: 'confirm' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('You are signed out')
    expect(await asksToSignIn(browser)).toBe(true)
  })

  it('§4: an unregistered post_logout_redirect_uri gets an error page (a JSON error for an API), never a redirect', async () => {
    const { browser, idToken } = await signIn()
    const bad = logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/' })
    const page = await browser.get(bad)
    expect(page.status).toBe(400)
    expect(page.headers.get('location')).toBeNull()
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toContain('This sign-out link does not work')
    const api = await fetch(`${baseUrl}${bad}`, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
    })
    expect(api.status).toBe(400)
    expect(await api.json()).toMatchObject({ error: 'invalid_request' })
    // Nothing happened to the session.
    expect(await asksToSignIn(browser)).toBe(false)
  })
})
