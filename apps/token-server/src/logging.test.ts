import { createMemoryStore, registerClient } from '@pipeshub/server'
import { describe, expect, it } from 'vitest'
import { createTokenServer, testConfig } from './app.js'
import { createLogger } from './logging.js'
import {
  authorizeUrl,
  FormSession,
  hiddenFields,
  pkcePair,
  tokenRequest,
} from './test-support/form-session.js'
import { createTestUser } from './test-support/users.js'

function captureLines(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = []
  return { lines, destination: { write: (line: string) => void lines.push(line) } }
}

describe('log redaction', () => {
  it('redacts secret members of logged objects at any of the first levels', () => {
    const { lines, destination } = captureLines()
    const logger = createLogger({ level: 'info', destination })
    logger.info(
      {
        client_secret: 'top-secret-1',
        body: { password: 'top-secret-2', refresh_token: 'top-secret-3', grant_type: 'refresh_token' },
        err: { details: { code_verifier: 'top-secret-4' } },
        headers: { authorization: 'Basic top-secret-5', cookie: 'pipeshub_session=top-secret-6' },
      },
      'something happened',
    )
    const text = lines.join('')
    for (let index = 1; index <= 6; index++) expect(text).not.toContain(`top-secret-${index}`)
    expect(text).toContain('"grant_type":"refresh_token"')
    expect(text).toContain('[redacted]')
  })

  it('redacts secrets deeper than four levels, in child bindings, errors and their causes', () => {
    const { lines, destination } = captureLines()
    const logger = createLogger({ level: 'info', destination })
    const cause = Object.assign(new Error('store refused'), { token: 'top-secret-1' })
    const error = Object.assign(new Error('grant failed', { cause }), {
      request: { body: { refreshToken: 'top-secret-2' } },
    })
    logger
      .child({ session: { cookie: 'top-secret-3' } })
      .child({ reqId: 'r-1' })
      .error({ err: error, a: { b: { c: { d: { e: { client_secret: 'top-secret-4' } } } } } }, 'failed')
    logger.info({ url: new URL('http://rp.test/cb?code=top-secret-5&state=kept-state') }, 'redirected')
    const text = lines.join('')
    for (let index = 1; index <= 5; index++) expect(text).not.toContain(`top-secret-${index}`)
    const [failed, redirected] = lines.map(
      (line) => JSON.parse(line) as { reqId?: string; url?: string; err: { message: string; stack: string } },
    )
    // The error is still useful: its message, stack and cause are written.
    expect(failed?.reqId).toBe('r-1')
    expect(failed?.err.message).toBe('grant failed: store refused')
    expect(failed?.err.stack).toContain('caused by: Error: store refused')
    expect(redirected?.url).toContain('state=kept-state')
  })

  it('writes no credential, code or token of a whole authorization code flow to the log', async () => {
    const { lines, destination } = captureLines()
    const store = createMemoryStore()
    const redirectUri = 'http://127.0.0.1:9/cb'
    const password = 'log-test password 42'
    const publicClient = await registerClient(store, {
      name: 'App',
      public: true,
      redirectUris: [redirectUri],
      scopes: ['openid', 'offline_access'],
    })
    const confidential = await registerClient(store, {
      name: 'Backend',
      grantTypes: ['client_credentials'],
      scopes: ['org:read'],
    })
    await createTestUser(store, { password, name: null, email: null })
    const server = await createTokenServer({
      config: testConfig({ logLevel: 'trace', seedDemo: true }),
      store,
      issuer: 'http://token-server.test',
      logDestination: destination,
    })
    try {
      const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
      const tokenUrl = `${baseUrl}${server.paths.token}`
      const clientSecret = confidential.clientSecret ?? ''
      const basic = await tokenRequest(
        tokenUrl,
        { grant_type: 'client_credentials' },
        {
          authorization: `Basic ${Buffer.from(`${confidential.client.clientId}:${clientSecret}`).toString('base64')}`,
        },
      )
      const posted = await tokenRequest(tokenUrl, {
        grant_type: 'client_credentials',
        client_id: confidential.client.clientId,
        client_secret: clientSecret,
      })
      expect(basic.status).toBe(200)
      expect(posted.status).toBe(200)

      const browser = new FormSession(baseUrl)
      const pkce = pkcePair()
      const login = await browser.get(
        authorizeUrl({
          baseUrl,
          authorizePath: server.paths.authorization,
          clientId: publicClient.client.clientId,
          redirectUri,
          scope: 'openid offline_access',
          challenge: pkce.challenge,
        }),
      )
      const consent = await browser.postForm(server.paths.authorization, {
        ...hiddenFields(await login.text()),
        username: 'alice',
        password,
      })
      const redirect = await browser.postForm(server.paths.authorization, {
        ...hiddenFields(await consent.text()),
        consent: 'granted',
      })
      const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? ''
      const tokens = await tokenRequest(tokenUrl, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: publicClient.client.clientId,
        code_verifier: pkce.verifier,
      })
      expect(tokens.status).toBe(200)
      const refreshed = await tokenRequest(tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: String(tokens.body.refresh_token),
        client_id: publicClient.client.clientId,
      })
      expect(refreshed.status).toBe(200)
      // Tokens in a URL (a client misusing the query) and in the Authorization header.
      await fetch(`${baseUrl}${server.paths.userinfo}?access_token=${String(tokens.body.access_token)}`)
      await fetch(`${baseUrl}${server.paths.userinfo}`, {
        headers: { authorization: `Bearer ${String(refreshed.body.access_token)}` },
      })
      // The demo callback receives the code in its query.
      await fetch(`${baseUrl}/demo/callback?code=${encodeURIComponent(code)}&state=s`)

      const secrets = {
        clientSecret,
        password,
        code,
        codeVerifier: pkce.verifier,
        accessToken: String(tokens.body.access_token),
        refreshToken: String(tokens.body.refresh_token),
        idToken: String(tokens.body.id_token),
        refreshedAccessToken: String(refreshed.body.access_token),
        refreshedRefreshToken: String(refreshed.body.refresh_token),
        sessionCookie: browser.cookies.get('pipeshub_session') ?? 'missing-session-cookie',
        csrfCookie: browser.cookies.get('pipeshub_csrf') ?? 'missing-csrf-cookie',
        csrfKey: (
          await store.serverSecrets.getOrCreate({ name: 'csrf', value: 'no key was made', createdAt: 0 })
        ).value,
      }
      expect(secrets.csrfKey).not.toBe('no key was made')
      const text = lines.join('')
      expect(lines.length).toBeGreaterThan(10)
      for (const [name, secret] of Object.entries(secrets)) {
        expect(secret.length, name).toBeGreaterThan(8)
        expect(text.includes(secret), `${name} appears in the log`).toBe(false)
      }
      // Request lines are still useful: ids, methods and paths.
      expect(text).toContain('"reqId"')
      expect(text).toContain(`"url":"${server.paths.token}"`)
    } finally {
      await server.close()
    }
  })
})

/** A token server at log level info writing into `lines`, with one confidential client. */
async function loggedServer() {
  const { lines, destination } = captureLines()
  const store = createMemoryStore()
  const job = await registerClient(store, { name: 'Job', grantTypes: ['client_credentials'] })
  const server = await createTokenServer({
    config: testConfig({ logLevel: 'info' }),
    store,
    issuer: 'http://token-server.test',
    logDestination: destination,
  })
  return { lines, server, job }
}

describe('request and security log entries', () => {
  it('writes one line per request at info, and a structured entry for a failed client authentication', async () => {
    const { lines, server, job } = await loggedServer()
    try {
      const wrongSecret = 'not-the-secret-of-this-client'
      const response = await server.app.inject({
        method: 'POST',
        url: server.paths.token,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${job.client.clientId}:${wrongSecret}`).toString('base64')}`,
        },
        payload: 'grant_type=client_credentials',
      })
      expect(response.statusCode).toBe(401)
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      const ofRequest = entries.filter((entry) => entry.reqId === response.headers['x-request-id'])
      // The event carries the request's id, which joins it to the request's line (address, route).
      expect(ofRequest.map((entry) => entry.msg)).toEqual([
        'client authentication failed',
        'request completed',
      ])
      expect(ofRequest[1]).toMatchObject({ statusCode: 401, route: server.paths.token })
      const events = entries.filter((entry) => entry.event !== undefined)
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        level: 40,
        event: 'client_authentication_failed',
        client_id: job.client.clientId,
        reason: 'client authentication failed',
        reqId: response.headers['x-request-id'],
      })
      expect(lines.join('')).not.toContain(wrongSecret)
    } finally {
      await server.close()
    }
  })

  it('logs a wrong password typed on the sign-in page as login_failed, with neither the password nor the username', async () => {
    const { lines, destination } = captureLines()
    const store = createMemoryStore()
    const redirectUri = 'http://127.0.0.1:9/cb'
    const app = await registerClient(store, {
      name: 'App',
      public: true,
      redirectUris: [redirectUri],
      scopes: ['openid'],
    })
    await createTestUser(store, { subject: 'user-login-log' })
    const server = await createTokenServer({
      config: testConfig({ logLevel: 'info' }),
      store,
      issuer: 'http://token-server.test',
      logDestination: destination,
    })
    try {
      const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
      const browser = new FormSession(baseUrl)
      const page = await browser.get(
        authorizeUrl({
          baseUrl,
          authorizePath: server.paths.authorization,
          clientId: app.client.clientId,
          redirectUri,
          scope: 'openid',
          challenge: pkcePair().challenge,
        }),
      )
      const wrongPassword = 'not alice password 7731'
      const refused = await browser.postForm(server.paths.authorization, {
        ...hiddenFields(await page.text()),
        username: 'alice',
        password: wrongPassword,
      })
      // The sign-in page again: the CSRF token passed, the password did not.
      expect(refused.status).toBe(401)
      expect(await refused.text()).toContain('name="password"')

      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      const failures = entries.filter((entry) => entry.event === 'login_failed')
      expect(failures).toHaveLength(1)
      expect(failures[0]).toMatchObject({
        level: 40,
        msg: 'login failed',
        event: 'login_failed',
        reason: 'wrong_password',
        subject: 'user-login-log',
        client_id: app.client.clientId,
        reqId: refused.headers.get('x-request-id'),
      })
      const text = lines.join('')
      expect(text).not.toContain(wrongPassword)
      // People type their password into the username field: it is not logged either.
      expect(text).not.toContain('alice')
    } finally {
      await server.close()
    }
  })

  it('logs a disabled client as a security event', async () => {
    const { lines, server, job } = await loggedServer()
    try {
      await server.authorizationServer.disableClient(job.client.clientId)
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(entries).toContainEqual(
        expect.objectContaining({
          event: 'client_disabled',
          client_id: job.client.clientId,
          msg: 'client disabled',
        }),
      )
    } finally {
      await server.close()
    }
  })

  it('writes human lines with format pretty (what a terminal gets), JSON with format json', () => {
    const pretty = captureLines()
    createLogger({ level: 'info', format: 'pretty', destination: pretty.destination }).info(
      { event: 'login_failed', reason: 'wrong_password', password: 'hunter2-secret' },
      'login failed',
    )
    const text = pretty.lines.join('')
    expect(text).toContain('login failed')
    expect(text).toContain('wrong_password')
    expect(text).not.toContain('hunter2-secret')
    expect(() => JSON.parse(text)).toThrow()
    const json = captureLines()
    createLogger({ level: 'info', format: 'json', destination: json.destination }).info('ready')
    expect(JSON.parse(json.lines[0] ?? '')).toMatchObject({ msg: 'ready', service: 'pipeshub-token-server' })
  })
})
