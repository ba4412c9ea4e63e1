import { authorizationConsentCodec, authorizationRedirectCodec } from '@pipeshub/models/oauth-apps'
import { registerClient } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import {
  authorizeUrl,
  FormSession,
  hiddenFields,
  pkcePair,
  tokenRequest,
} from './test-support/form-session.js'
import { sqliteAndPostgres } from './test-support/stores.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

// PIPESHUB_FRONTEND_URL: login and consent in PipesHub's own frontend, driven by the authorization
// endpoint's JSON (PipesHub's provider renders no page).

const ISSUER = 'http://token-server.test'
const FRONTEND = 'https://app.pipeshub.test'
const FRONTEND_CALLBACK = 'https://app.pipeshub.test/oauth/session'
const APP_CALLBACK = 'http://127.0.0.1:9/callback'

const running = closeAfterEach<TokenServer>()
const stores = await sqliteAndPostgres('frontend_consent', 'the frontend consent test')

describe.each(stores)('consent in an external frontend (%s)', (_name, openStore, available) => {
  async function start(mcpResource?: string) {
    const store = await openStore()
    const frontendClient = await registerClient(store, {
      name: 'PipesHub',
      public: true,
      redirectUris: [FRONTEND_CALLBACK],
      scopes: ['openid', 'profile', 'email'],
    })
    const app = await registerClient(store, {
      name: 'Notes',
      public: true,
      redirectUris: [APP_CALLBACK],
      scopes: ['openid', 'offline_access', 'kb:read', 'org:admin'],
    })
    await store.clients.update({
      ...app.client,
      description: 'Team notes',
      logoUrl: 'https://notes.example/logo.png',
      homepageUrl: 'https://notes.example/',
      privacyPolicyUrl: 'https://notes.example/privacy',
    })
    await createTestUser(store)
    const server = await createTokenServer({
      config: testConfig({
        frontendUrl: FRONTEND,
        frontendClientId: frontendClient.client.clientId,
        ...(mcpResource === undefined ? {} : { mcpResource }),
      }),
      store,
      issuer: ISSUER,
    })
    running.push(server)
    const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
    const authorizePath = server.paths.authorization
    const tokenUrl = `${baseUrl}${server.paths.token}`

    /** The frontend's session: the code flow of its own client, on this server's sign-in page. */
    const session = async () => {
      const browser = new FormSession(baseUrl)
      const pkce = pkcePair()
      const login = await browser.get(
        authorizeUrl({
          baseUrl,
          authorizePath,
          clientId: frontendClient.client.clientId,
          redirectUri: FRONTEND_CALLBACK,
          scope: 'openid profile email',
          challenge: pkce.challenge,
        }),
      )
      const consent = await browser.postForm(authorizePath, {
        ...hiddenFields(await login.text()),
        username: 'alice',
        password: TEST_PASSWORD,
      })
      const granted = await browser.postForm(authorizePath, {
        ...hiddenFields(await consent.text()),
        consent: 'granted',
      })
      const code = new URL(granted.headers.get('location') ?? '').searchParams.get('code') ?? ''
      const tokens = await tokenRequest(tokenUrl, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: FRONTEND_CALLBACK,
        client_id: frontendClient.client.clientId,
        code_verifier: pkce.verifier,
      })
      expect(tokens.status).toBe(200)
      return tokens.body.access_token as string
    }
    const pkce = pkcePair()
    const query = (scope = 'openid offline_access kb:read', extra: Record<string, string> = {}) => ({
      response_type: 'code',
      client_id: app.client.clientId,
      redirect_uri: APP_CALLBACK,
      scope,
      state: 'app-state-1',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...extra,
    })
    const get = (params: Record<string, string>, bearer?: string) =>
      fetch(`${baseUrl}${authorizePath}?${new URLSearchParams(params)}`, {
        redirect: 'manual',
        headers:
          bearer === undefined ? {} : { authorization: `Bearer ${bearer}`, accept: 'application/json' },
      })
    const post = (params: Record<string, string>, bearer?: string) =>
      fetch(`${baseUrl}${authorizePath}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
        },
        body: JSON.stringify(params),
      })
    const redeem = async (redirectUrl: string) => {
      const url = new URL(redirectUrl)
      expect(`${url.origin}${url.pathname}`).toBe(APP_CALLBACK)
      expect(url.searchParams.get('state')).toBe('app-state-1')
      return tokenRequest(tokenUrl, {
        grant_type: 'authorization_code',
        code: url.searchParams.get('code') ?? '',
        redirect_uri: APP_CALLBACK,
        client_id: app.client.clientId,
        code_verifier: pkce.verifier,
      })
    }
    return { server, store, baseUrl, app, frontendClient, session, query, get, post, redeem, pkce }
  }

  it.runIf(available)(
    "makes the frontend's client an account client: its session manages the account, the app's token not",
    async () => {
      const { server, store, baseUrl, app, session, query, post, redeem } = await start()
      const bearer = await session()
      const granted = await post({ ...query(), consent: 'granted' }, bearer)
      const appTokens = await redeem(((await granted.json()) as { redirectUrl: string }).redirectUrl)
      const call = (path: string, token: string, init: RequestInit = {}) =>
        fetch(`${baseUrl}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        })
      const pats = server.paths.personalAccessTokens
      const consents = server.paths.consents
      // Not named in PIPESHUB_ACCOUNT_CLIENT_IDS, yet the frontend's session works.
      const created = await call(pats, bearer, {
        method: 'POST',
        body: JSON.stringify({ name: 'CLI', scope: 'openid' }),
      })
      expect(created.status).toBe(201)
      const listed = await call(consents, bearer)
      expect(listed.status).toBe(200)
      expect(await listed.json()).toMatchObject({
        consents: expect.arrayContaining([expect.objectContaining({ client_id: app.client.clientId })]),
      })
      // The app the user allowed openid may not: neither read nor mint nor revoke.
      const appToken = appTokens.body.access_token as string
      for (const refused of [
        await call(pats, appToken),
        await call(pats, appToken, { method: 'POST', body: JSON.stringify({ name: 'x', scope: 'openid' }) }),
        await call(consents, appToken),
        await call(`${consents}/${app.client.clientId}`, appToken, { method: 'DELETE' }),
      ]) {
        expect(refused.status).toBe(403)
        expect(await refused.json()).toMatchObject({ error: 'insufficient_scope' })
      }
      expect(await store.personalAccessTokens.list('user-1', 0)).toHaveLength(1)
      expect(await store.consents.get('user-1', app.client.clientId)).toBeDefined()
    },
  )

  it.runIf(available)(
    'redirects a request without a session to the frontend, answers the consent data, and a decision as {redirectUrl}',
    async () => {
      const { store, app, session, query, get, post, redeem, pkce } = await start()
      const anonymous = await get(query())
      expect(anonymous.status).toBe(302)
      const login = new URL(anonymous.headers.get('location') ?? '')
      expect(`${login.origin}${login.pathname}`).toBe(`${FRONTEND}/oauth/authorize`)
      expect(login.searchParams.get('client_id')).toBe(app.client.clientId)
      expect(login.searchParams.get('state')).toBe('app-state-1')

      const bearer = await session()
      const asked = await get(query(), bearer)
      expect(asked.status).toBe(200)
      expect(asked.headers.get('cache-control')).toBe('no-store')
      const consent = authorizationConsentCodec.decode(await asked.json())
      expect(consent).toEqual({
        requiresConsent: true,
        consentData: {
          app: {
            name: 'Notes',
            description: 'Team notes',
            logoUrl: 'https://notes.example/logo.png',
            homepageUrl: 'https://notes.example/',
            privacyPolicyUrl: 'https://notes.example/privacy',
          },
          scopes: [
            expect.objectContaining({ name: 'openid', category: 'Identity' }),
            expect.objectContaining({ name: 'offline_access', category: 'Access' }),
            {
              name: 'kb:read',
              description: 'Read the documents and records in your knowledge bases',
              category: 'Knowledge Base',
            },
          ],
          user: { email: 'alice@example.com', name: 'Alice' },
          redirectUri: APP_CALLBACK,
          state: 'app-state-1',
        },
        codeChallenge: pkce.challenge,
        codeChallengeMethod: 'S256',
      })

      // As PipesHub's frontend posts it: the request's parameters without response_type, and the decision.
      const { response_type: _code, ...decision } = query()
      const granted = await post({ ...decision, consent: 'granted' }, bearer)
      expect(granted.status).toBe(200)
      const { redirectUrl } = authorizationRedirectCodec.decode(await granted.json())
      const tokens = await redeem(redirectUrl)
      expect(tokens.status).toBe(200)
      expect(tokens.body.scope).toBe('openid offline_access kb:read')
      expect(await store.consents.get('user-1', app.client.clientId)).toMatchObject({
        scope: ['openid', 'offline_access', 'kb:read'],
      })
      // Remembered: the next request is decided at once.
      const again = await get(query(), bearer)
      expect(again.status).toBe(200)
      const decided = authorizationRedirectCodec.decode(await again.json())
      expect(new URL(decided.redirectUrl).searchParams.has('code')).toBe(true)
      // prompt=consent asks again.
      const prompted = await get(query('openid kb:read', { prompt: 'consent' }), bearer)
      expect(authorizationConsentCodec.check(await prompted.json())).toBe(true)
    },
  )

  it.runIf(available)(
    'asks again for consented scopes at a resource the consent did not cover (RFC 8707), then remembers it',
    async () => {
      const mcp = 'https://pipeshub.test/mcp'
      const { store, app, session, query, get, post } = await start(mcp)
      const bearer = await session()
      const { response_type: _code, ...decision } = query('openid kb:read')
      expect((await post({ ...decision, consent: 'granted' }, bearer)).status).toBe(200)
      const remembered = await get(query('openid kb:read'), bearer)
      expect(authorizationRedirectCodec.check(await remembered.json())).toBe(true)

      const atMcp = await get(query('openid kb:read', { resource: mcp }), bearer)
      expect(atMcp.status).toBe(200)
      const asked = authorizationConsentCodec.decode(await atMcp.json())
      expect(asked.requiresConsent).toBe(true)
      expect(asked.consentData.resources).toEqual([{ resource: mcp, name: 'PipesHub MCP server' }])

      expect((await post({ ...decision, resource: mcp, consent: 'granted' }, bearer)).status).toBe(200)
      expect(await store.consents.get('user-1', app.client.clientId)).toMatchObject({
        scope: ['openid', 'kb:read'],
        resources: [mcp],
      })
      const again = await get(query('openid kb:read', { resource: mcp }), bearer)
      const decided = authorizationRedirectCodec.decode(await again.json())
      expect(new URL(decided.redirectUrl).searchParams.has('code')).toBe(true)
    },
  )

  it.runIf(available)(
    'denies as {redirectUrl} with access_denied, and refuses sessions that are none',
    async () => {
      const { app, frontendClient, session, query, get, post, redeem } = await start()
      const bearer = await session()
      // The app's own token of the user is no session of the frontend.
      const granted = await post({ ...query(), consent: 'granted' }, bearer)
      const appTokens = await redeem(((await granted.json()) as { redirectUrl: string }).redirectUrl)
      const notFrontend = await get(query(), appTokens.body.access_token as string)
      expect(notFrontend.status).toBe(401)
      expect(await notFrontend.json()).toMatchObject({ error: 'invalid_token' })
      const denied = await post({ ...query(), consent: 'denied' }, bearer)
      expect(denied.status).toBe(200)
      const { redirectUrl } = authorizationRedirectCodec.decode(await denied.json())
      expect(new URL(redirectUrl).searchParams.get('error')).toBe('access_denied')
      // Admin-only scopes of a non-administrator: refused before any consent is asked.
      const admin = await get(query('openid org:admin'), bearer)
      expect(
        new URL(((await admin.json()) as { redirectUrl: string }).redirectUrl).searchParams.get('error'),
      ).toBe('access_denied')
      // A decision needs the session; a bad decision is a 400.
      expect((await post({ ...query(), consent: 'granted' })).status).toBe(401)
      const bad = await post({ ...query(), consent: 'maybe' }, bearer)
      expect(bad.status).toBe(400)
      expect(await bad.json()).toMatchObject({ error: 'invalid_request' })
      // Not a token of this server, or a token of another app: no session.
      const forged = await get(query(), 'not-a-token')
      expect(forged.status).toBe(401)
      expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(app.client.clientId).not.toBe(frontendClient.client.clientId)
      // prompt=none without a session goes back to the app with login_required.
      const silent = await get(query('openid', { prompt: 'none' }))
      expect(silent.status).toBe(302)
      expect(new URL(silent.headers.get('location') ?? '').searchParams.get('error')).toBe('login_required')
    },
  )
})
