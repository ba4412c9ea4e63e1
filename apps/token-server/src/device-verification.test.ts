import { createMemoryStore, registerClient } from '@pipeshub/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import type { TokenServerConfig } from './config.js'
import { FormSession, hiddenFields, tokenRequest } from './test-support/form-session.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

// RFC 8628 §3.3 on the token server: the verification page at /device with the existing login and
// consent pages, over HTTP as a browser would post them, and the device's polls at the token endpoint.

const ISSUER = 'http://token-server.test'
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
let server: TokenServer
let baseUrl: string
let clientId: string
/** The server's clock (epoch seconds): the device's waits between polls are steps of it, not sleeps. */
let now = 1_800_000_000

beforeAll(async () => {
  const store = createMemoryStore()
  clientId = (
    await registerClient(store, {
      name: 'Living-room TV',
      public: true,
      redirectUris: [],
      grantTypes: [DEVICE_CODE, 'refresh_token'],
      scopes: ['openid', 'offline_access', 'kb:read'],
    })
  ).client.clientId
  await createTestUser(store, { subject: 'user-device' })
  server = await createTokenServer({ config: testConfig(), store, issuer: ISSUER, now: () => now })
  baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await server?.close()
})

async function deviceAuthorization() {
  const response = await tokenRequest(`${baseUrl}${server.paths.deviceAuthorization}`, {
    client_id: clientId,
    scope: 'openid offline_access kb:read',
  })
  expect(response.status).toBe(200)
  return response.body as {
    device_code: string
    user_code: string
    verification_uri: string
    verification_uri_complete: string
  }
}

const poll = (deviceCode: string) =>
  tokenRequest(`${baseUrl}${server.paths.token}`, {
    grant_type: DEVICE_CODE,
    device_code: deviceCode,
    client_id: clientId,
  })

/** The path and query of a verification URI (the issuer's host is not this test's listener). */
const local = (uri: string) => {
  const url = new URL(uri)
  return `${url.pathname}${url.search}`
}

describe('the device verification page', () => {
  it('is where discovery and the device authorization response send people', async () => {
    const device = await deviceAuthorization()
    expect(device.verification_uri).toBe(`${ISSUER}/device`)
    expect(device.verification_uri_complete).toBe(`${ISSUER}/device?user_code=${device.user_code}`)
    const metadata = await (await fetch(`${baseUrl}/.well-known/openid-configuration`)).json()
    expect(metadata).toMatchObject({
      device_authorization_endpoint: `${ISSUER}/api/v1/oauth2/device_authorization`,
    })
  })

  it('asks for the code, signs in, shows the code on the consent page, and the device gets its tokens', async () => {
    const device = await deviceAuthorization()
    const browser = new FormSession(baseUrl)
    const entry = await browser.get('/device')
    expect(entry.status).toBe(200)
    expect(await entry.text()).toContain('name="user_code"')
    now += 5
    expect((await poll(device.device_code)).body).toMatchObject({ error: 'authorization_pending' })

    // Typed as people type it: lower case, no dash.
    const login = await browser.get(`/device?user_code=${device.user_code.replace('-', '').toLowerCase()}`)
    expect(login.status).toBe(200)
    const loginPage = await login.text()
    expect(loginPage).toContain('Living-room TV')
    const consent = await browser.postForm('/device', {
      ...hiddenFields(loginPage),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(consent.status).toBe(200)
    const consentPage = await consent.text()
    expect(consentPage).toContain(`<strong id="device-user-code">${device.user_code}</strong>`)
    const done = await browser.postForm('/device', { ...hiddenFields(consentPage), consent: 'granted' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Device connected')

    now += 5
    const tokens = await poll(device.device_code)
    expect(tokens.status).toBe(200)
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid offline_access kb:read' })
    // Single use, on both sides: the page no longer knows the code, the device code is spent.
    expect((await browser.get(local(device.verification_uri_complete))).status).toBe(400)
    expect((await poll(device.device_code)).body).toMatchObject({ error: 'invalid_grant' })
  })

  it('asks a signed-in person again (the code must be checked against the device) and records a denial', async () => {
    const browser = new FormSession(baseUrl)
    const first = await deviceAuthorization()
    const login = await (await browser.get(local(first.verification_uri_complete))).text()
    await browser.postForm('/device', { ...hiddenFields(login), username: 'alice', password: TEST_PASSWORD })
    const second = await deviceAuthorization()
    const consent = await browser.get(local(second.verification_uri_complete))
    const consentPage = await consent.text()
    expect(consentPage).toContain('Allow access?')
    const denied = await browser.postForm('/device', { ...hiddenFields(consentPage), consent: 'denied' })
    expect(await denied.text()).toContain('Request denied')
    now += 5
    expect(await poll(second.device_code)).toMatchObject({ status: 400, body: { error: 'access_denied' } })
  })

  it('answers an unknown or malformed code with the code form again (400), never a 5xx', async () => {
    const browser = new FormSession(baseUrl)
    for (const code of ['BCDF-GHJK', 'not a code', '%00', 'x'.repeat(500)]) {
      const response = await browser.get(`/device?user_code=${encodeURIComponent(code)}`)
      expect(response.status).toBe(400)
      expect(await response.text()).toContain('This code is not valid or has expired')
    }
    const empty = await browser.postForm('/device', { username: 'alice' })
    expect(empty.status).toBe(400)
  })

  it('refuses a form posted without the page’s CSRF token', async () => {
    const device = await deviceAuthorization()
    const browser = new FormSession(baseUrl)
    await browser.get(local(device.verification_uri_complete))
    const forged = await browser.postForm('/device', {
      user_code: device.user_code,
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(forged.status).toBe(403)
  })
})

/** A token server of its own with `config`, one device client, and its device authorization request. */
async function deviceServer(config: Partial<TokenServerConfig>) {
  const store = createMemoryStore()
  const tv = await registerClient(store, {
    name: 'TV',
    public: true,
    redirectUris: [],
    grantTypes: [DEVICE_CODE],
    scopes: ['openid'],
  })
  const server = await createTokenServer({ config: { ...testConfig(), ...config }, store, issuer: ISSUER })
  const authorize = () =>
    server.app.inject({
      method: 'POST',
      url: server.paths.deviceAuthorization,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `client_id=${tv.client.clientId}&scope=openid`,
    })
  return { server, authorize }
}

describe('rate limits of the device endpoints', () => {
  it('limit the verification page per address, so user codes cannot be guessed at speed (RFC 8628 §5.1)', async () => {
    const store = createMemoryStore()
    const limited = await createTokenServer({
      config: { ...testConfig(), rateLimitLogin: 3 },
      store,
      issuer: ISSUER,
    })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) {
        const response = await limited.app.inject({
          method: 'GET',
          url: `/device?user_code=BCDF-GHJ${'KLMNP'[i]}`,
        })
        statuses.push(response.statusCode)
      }
      expect(statuses).toEqual([400, 400, 400, 429, 429])
    } finally {
      await limited.close()
    }
  })
  it('bound unknown user codes from every address together, and count only the wrong ones (RFC 8628 §5.1)', async () => {
    const { server: limited, authorize } = await deviceServer({ rateLimitUserCodeFailuresTotal: 3 })
    try {
      const device = await authorize()
      const userCode = String(device.json().user_code)
      const enter = (code: string, address: string) =>
        limited.app.inject({
          method: 'GET',
          url: `/device?user_code=${encodeURIComponent(code)}`,
          remoteAddress: address,
        })
      // A right code shows the sign-in page and costs nothing.
      expect((await enter(userCode, '192.0.2.1')).statusCode).toBe(200)
      const statuses: number[] = []
      for (const [i, address] of ['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13'].entries())
        statuses.push((await enter(`BCDF-GHJ${'KLMN'[i]}`, address)).statusCode)
      // Each address guessed once: the per-address limit is far, the total one is reached.
      expect(statuses).toEqual([400, 400, 400, 429])
      const blocked = await enter(userCode, '192.0.2.1')
      expect(blocked.statusCode).toBe(429)
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    } finally {
      await limited.close()
    }
  })
  it('give devices the configured lifetime and polling interval (PIPESHUB_DEVICE_CODE_TTL, PIPESHUB_DEVICE_POLLING_INTERVAL)', async () => {
    const { server: configured, authorize } = await deviceServer({
      deviceCodeTtl: 900,
      devicePollingInterval: 10,
    })
    try {
      const device = await authorize()
      expect(device.json()).toMatchObject({ expires_in: 900, interval: 10 })
    } finally {
      await configured.close()
    }
  })
})
