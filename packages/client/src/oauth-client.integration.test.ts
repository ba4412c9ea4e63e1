import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discover } from './discovery.js'
import { OAuthError, ReauthorizationRequiredError } from './errors.js'
import type { FetchLike } from './http.js'
import { OAuthClient } from './oauth-client.js'
import {
  DENY_HINT,
  type LoopbackAuthorizationServer,
  startAuthorizationServer,
  USER,
} from './test-support/loopback-server.js'
import { createTokenManager } from './token-manager.js'

const REDIRECT_URI = 'http://127.0.0.1/callback'
let server: LoopbackAuthorizationServer
let service: { clientId: string; clientSecret: string }
let web: { clientId: string; clientSecret: string }
let spa: { clientId: string }

beforeAll(async () => {
  server = await startAuthorizationServer()
  const as = server.app.authorizationServer
  const registeredService = await as.registerClient({
    name: 'service',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read', 'kb:write', 'org:read'],
  })
  service = {
    clientId: registeredService.client.clientId,
    clientSecret: registeredService.clientSecret ?? '',
  }
  const registeredWeb = await as.registerClient({
    name: 'web app',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile', 'email', 'offline_access', 'kb:read'],
  })
  web = { clientId: registeredWeb.client.clientId, clientSecret: registeredWeb.clientSecret ?? '' }
  const registeredSpa = await as.registerClient({
    name: 'single-page app',
    public: true,
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'kb:read', 'offline_access'],
  })
  spa = { clientId: registeredSpa.client.clientId }
})

afterAll(async () => {
  await server?.close()
})

/** Plays the user agent: follows the authorization URL to the redirect the server answers with. */
async function authorize(url: URL): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (response.status !== 302 || location === null) {
    throw new Error(`authorization endpoint answered ${response.status}: ${await response.text()}`)
  }
  return location
}

async function webClient(options: { fetch?: FetchLike } = {}) {
  return OAuthClient.fromIssuer(server.issuer, { ...web, ...options })
}

/** Runs the whole authorization code flow for the web client and returns its tokens. */
async function signIn(client: OAuthClient, scope = 'openid profile email offline_access kb:read') {
  const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope })
  const callback = client.validateAuthorizationCallback(await authorize(request.url), {
    state: request.state,
  })
  return client.exchangeAuthorizationCode({
    code: callback.code,
    redirectUri: REDIRECT_URI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  })
}

describe('against the real @pipeshub/server on loopback', () => {
  it('discovers the metadata with the issuer checked', async () => {
    const metadata = await discover(server.issuer)
    expect(metadata.issuer).toBe(server.issuer)
    expect(metadata.tokenEndpoint).toBe(`${server.issuer}/api/v1/oauth2/token`)
    expect(metadata.jwksUri).toBeDefined()
  })

  it('gets a client_credentials token with client_secret_basic and client_secret_post', async () => {
    for (const clientAuthentication of ['client_secret_basic', 'client_secret_post'] as const) {
      const client = await OAuthClient.fromIssuer(server.issuer, { ...service, clientAuthentication })
      const tokens = await client.clientCredentials({ scope: ['kb:read'] })
      expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'kb:read', expiresIn: 3600 })
      expect(tokens.refreshToken).toBeUndefined()
      expect(tokens.raw.access_token).toBe(tokens.accessToken)
    }
  })

  it('reports invalid_client (401) and invalid_scope as OAuthError', async () => {
    const wrongSecret = await OAuthClient.fromIssuer(server.issuer, { ...service, clientSecret: 'not-it' })
    await expect(wrongSecret.clientCredentials()).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    })
    const client = await OAuthClient.fromIssuer(server.issuer, service)
    const error = await client.clientCredentials({ scope: 'user:delete' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OAuthError)
    expect((error as OAuthError).error).toBe('invalid_scope')
  })

  it('runs the authorization code flow with PKCE, iss, nonce and a verified ID token', async () => {
    const client = await webClient()
    const tokens = await signIn(client)
    expect(tokens.refreshToken).toBeDefined()
    expect(tokens.idToken).toBeDefined()
    expect(tokens.idTokenClaims).toMatchObject({ iss: server.issuer, sub: USER.subject, aud: web.clientId })
    // The server binds the ID token to its access token; the client checked that hash.
    expect(tokens.idTokenClaims?.atHash).toMatch(/^[A-Za-z0-9_-]+$/)
  })

  it('refuses to redeem a code twice (invalid_grant), and sends the second attempt once', async () => {
    let posts = 0
    const counting: FetchLike = (input, init) => {
      if (init?.method === 'POST') posts++
      return fetch(input, init)
    }
    const client = await webClient({ fetch: counting })
    const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'kb:read' })
    const { code } = client.validateAuthorizationCallback(await authorize(request.url), {
      state: request.state,
    })
    const exchange = { code, redirectUri: REDIRECT_URI, codeVerifier: request.codeVerifier }
    await client.exchangeAuthorizationCode(exchange)
    await expect(client.exchangeAuthorizationCode(exchange)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(posts).toBe(2)
  })

  it('refuses a code with the wrong PKCE verifier', async () => {
    const client = await webClient()
    const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'kb:read' })
    const { code } = client.validateAuthorizationCallback(await authorize(request.url), {
      state: request.state,
    })
    await expect(
      client.exchangeAuthorizationCode({ code, redirectUri: REDIRECT_URI, codeVerifier: 'x'.repeat(43) }),
    ).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('turns a denied consent into an OAuthError access_denied', async () => {
    const client = await webClient()
    const request = await client.createAuthorizationRequest({
      redirectUri: REDIRECT_URI,
      scope: 'kb:read',
      extraParameters: { login_hint: DENY_HINT },
    })
    const location = await authorize(request.url)
    expect(() => client.validateAuthorizationCallback(location, { state: request.state })).toThrow(
      expect.objectContaining({ error: 'access_denied', status: undefined }),
    )
  })

  it('refreshes with rotation; the old refresh token then answers invalid_grant', async () => {
    const client = await webClient()
    const first = await signIn(client)
    const second = await client.refresh({ refreshToken: first.refreshToken as string })
    expect(second.refreshToken).toBeDefined()
    expect(second.refreshToken).not.toBe(first.refreshToken)
    await expect(client.refresh({ refreshToken: first.refreshToken as string })).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('accepts the refreshed ID token as the same authentication (OIDC Core §12.2)', async () => {
    const client = await webClient()
    const first = await signIn(client)
    const second = await client.refresh({
      refreshToken: first.refreshToken as string,
      originalIdTokenClaims: first.idTokenClaims,
    })
    expect(second.idTokenClaims).toMatchObject({
      sub: first.idTokenClaims?.sub,
      aud: web.clientId,
      authTime: first.idTokenClaims?.authTime,
    })
    expect(second.idTokenClaims?.nonce).toBeUndefined()
  })

  it('posts an extension grant the server does not support and gets unsupported_grant_type', async () => {
    const client = await webClient()
    await expect(client.grant('urn:example:unsupported', { assertion: 'x' })).rejects.toMatchObject({
      error: 'unsupported_grant_type',
      status: 400,
    })
  })

  it('introspects an active token, revokes a refresh token, and introspects it inactive', async () => {
    const client = await webClient()
    const tokens = await signIn(client)
    const active = await client.introspect({ token: tokens.accessToken, tokenTypeHint: 'access_token' })
    expect(active).toMatchObject({ active: true, clientId: web.clientId, sub: USER.subject })
    await client.revoke({ token: tokens.refreshToken as string, tokenTypeHint: 'refresh_token' })
    await expect(client.introspect({ token: tokens.refreshToken as string })).resolves.toEqual({
      active: false,
    })
    await expect(client.refresh({ refreshToken: tokens.refreshToken as string })).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('reads userinfo for the ID token subject', async () => {
    const client = await webClient()
    const tokens = await signIn(client)
    const claims = await client.userinfo(tokens.accessToken, { expectedSubject: tokens.idTokenClaims?.sub })
    expect(claims).toMatchObject({ sub: USER.subject, email: USER.email, name: USER.name })
    await expect(client.userinfo('not-a-token')).rejects.toMatchObject({
      error: 'invalid_token',
      status: 401,
    })
  })

  it('serves a public client (authentication none) through the code flow', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, spa)
    expect(client.clientAuthentication).toBe('none')
    const tokens = await signIn(client, 'openid kb:read offline_access')
    expect(tokens.idTokenClaims?.aud).toBe(spa.clientId)
  })

  it('keeps a token manager alive across rotation: one request for 1,000 callers, rotated token persisted', async () => {
    let tokenRequests = 0
    const counting: FetchLike = (input, init) => {
      if (String(input).endsWith('/oauth2/token')) tokenRequests++
      return fetch(input, init)
    }
    const client = await webClient({ fetch: counting })
    const initial = await signIn(client)
    tokenRequests = 0
    const persisted: string[] = []
    const manager = createTokenManager({
      client,
      grant: { refreshToken: initial.refreshToken as string },
      async onRefreshTokenRotated(refreshToken) {
        persisted.push(refreshToken)
      },
    })
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => manager.getAccessToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(tokenRequests).toBe(1)
    expect(persisted).toHaveLength(1)
    expect(persisted[0]).not.toBe(initial.refreshToken)
    await expect(client.introspect({ token: tokens[0] as string })).resolves.toMatchObject({ active: true })

    // The server now holds only the rotated token; a manager still holding the old one must stop.
    const stale = createTokenManager({ client, grant: { refreshToken: initial.refreshToken as string } })
    await expect(stale.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError)
  })

  it('keeps a client_credentials token manager on one token while it is fresh', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, service)
    const manager = createTokenManager({ client, grant: 'client_credentials', scope: 'kb:read' })
    const first = await manager.getAccessToken()
    expect(await manager.getAccessToken()).toBe(first)
    await expect(client.introspect({ token: first })).resolves.toMatchObject({
      active: true,
      scope: 'kb:read',
    })
  })
})
