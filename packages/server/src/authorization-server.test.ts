import { createHash } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { AuthorizationRequestError, authenticationTooOld } from './authorization-request.js'
import { createAuthorizationServer } from './authorization-server.js'
import { registerClient } from './client-registration.js'
import { createMemoryStore } from './store/memory.js'
import {
  authorizationCodeFor,
  basic,
  createUser,
  ISSUER,
  manualClock,
  pkcePair,
  REDIRECT_URI,
  rejection,
  testServer,
} from './test-support/fixtures.js'

async function webApp(
  options: {
    public?: boolean
    allowPlainPkce?: boolean
    grantTypes?: ('authorization_code' | 'refresh_token')[]
  } = {},
) {
  const t = testServer()
  await createUser(t.store)
  const registered = await t.server.registerClient({
    name: 'web app',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile', 'email', 'offline_access', 'kb:read', 'kb:write'],
    ...options,
  })
  const secret = registered.clientSecret ?? ''
  const auth =
    registered.clientSecret === undefined ? {} : { authorization: basic(registered.client.clientId, secret) }
  const params = (extra: Record<string, string>) =>
    registered.clientSecret === undefined ? { client_id: registered.client.clientId, ...extra } : extra
  return { ...t, client: registered.client, secret, auth, params }
}

describe('client_credentials grant', () => {
  async function service() {
    const t = testServer()
    const { client, clientSecret } = await t.server.registerClient({
      name: 'service',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read', 'kb:write', 'openid', 'offline_access'],
    })
    return { ...t, client, secret: clientSecret ?? '' }
  }

  it('issues an RFC 9068 access token without a refresh token and drops user-only scopes', async () => {
    const { server, client, secret, clock } = await service()
    const response = await server.token(
      { grant_type: 'client_credentials', scope: 'kb:read openid offline_access' },
      { authorization: basic(client.clientId, secret) },
    )
    expect(response).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, scope: 'kb:read' })
    expect(response.refreshToken).toBeUndefined()
    expect(response.idToken).toBeUndefined()
    expect(decodeProtectedHeader(response.accessToken)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' })
    const claims = decodeJwt(response.accessToken)
    expect(claims).toMatchObject({
      iss: ISSUER,
      sub: client.clientId,
      aud: ISSUER,
      client_id: client.clientId,
      iat: clock.now(),
      exp: clock.now() + 3600,
      scope: 'kb:read',
    })
    expect(typeof claims.jti).toBe('string')
  })

  it('grants the client its allowed non-user scopes when scope is absent or empty', async () => {
    const { server, client, secret } = await service()
    for (const scope of [undefined, '']) {
      const response = await server.token(
        { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret, scope },
        {},
      )
      expect(response.scope).toBe('kb:read kb:write')
    }
  })

  it('answers invalid_scope when every requested scope needs an end-user, never an empty grant', async () => {
    const { server, client, secret } = await service()
    const auth = { authorization: basic(client.clientId, secret) }
    const dropped = await rejection(
      server.token({ grant_type: 'client_credentials', scope: 'openid offline_access' }, auth),
    )
    expect(dropped).toMatchObject({ error: 'invalid_scope', status: 400 })
    const userOnly = await server.registerClient({
      name: 'user scopes only',
      grantTypes: ['client_credentials'],
      scopes: ['openid', 'email'],
    })
    const noDefault = await rejection(
      server.token(
        { grant_type: 'client_credentials' },
        { authorization: basic(userOnly.client.clientId, userOnly.clientSecret ?? '') },
      ),
    )
    expect(noDefault.error).toBe('invalid_scope')
    // A partly dropped request is granted, and the response names what was granted (RFC 6749 section 5.1).
    const partly = await server.token({ grant_type: 'client_credentials', scope: 'openid kb:read' }, auth)
    expect(partly.scope).toBe('kb:read')
  })

  it('answers invalid_scope for unknown or not-allowed scopes', async () => {
    const { server, client, secret } = await service()
    const auth = { authorization: basic(client.clientId, secret) }
    expect(
      (await rejection(server.token({ grant_type: 'client_credentials', scope: 'kb:read nope' }, auth)))
        .error,
    ).toBe('invalid_scope')
    expect(
      (await rejection(server.token({ grant_type: 'client_credentials', scope: 'org:admin' }, auth))).error,
    ).toBe('invalid_scope')
    expect(
      (
        await rejection(
          server.token({ grant_type: 'client_credentials', scope: `kb:read ${'x'.repeat(5000)}` }, auth),
        )
      ).error,
    ).toBe('invalid_scope')
    expect(
      (await rejection(server.token({ grant_type: 'client_credentials', scope: 'kb:read "q"' }, auth))).error,
    ).toBe('invalid_scope')
  })

  it('refuses scope strings outside the RFC 6749 section 3.3 grammar, whatever the whitespace', async () => {
    const { server, client, secret } = await service()
    const auth = { authorization: basic(client.clientId, secret) }
    for (const scope of [
      'kb:read  kb:write',
      ' kb:read',
      'kb:read ',
      ' ',
      'kb:read\tkb:write',
      'kb:read\nx',
    ]) {
      const error = await rejection(server.token({ grant_type: 'client_credentials', scope }, auth))
      expect(error.error).toBe('invalid_scope')
      // Descriptions stay plain ASCII: no character is replaced on the way out (RFC 6749 A.8).
      expect(error.errorDescription).toMatch(/RFC 6749 section 3\.3\)?$/)
      expect(error.errorDescription).not.toContain("'")
    }
    expect(
      (await server.token({ grant_type: 'client_credentials', scope: 'kb:read kb:write' }, auth)).scope,
    ).toBe('kb:read kb:write')
  })

  it('refuses public clients and a request without a secret with invalid_client or unauthorized_client, never server_error', async () => {
    const { server, client, store } = await service()
    const missingSecret = await rejection(
      server.token({ grant_type: 'client_credentials', client_id: client.clientId }, {}),
    )
    expect(missingSecret).toMatchObject({ error: 'invalid_client', status: 401 })
    const registered = await server.registerClient({
      name: 'spa',
      public: true,
      redirectUris: [REDIRECT_URI],
    })
    await store.clients.update({ ...registered.client, grantTypes: ['client_credentials'] })
    const publicClient = await rejection(
      server.token({ grant_type: 'client_credentials', client_id: registered.client.clientId }, {}),
    )
    expect(publicClient.error).toBe('unauthorized_client')
  })

  it('refuses a client not registered for the grant with unauthorized_client', async () => {
    const { server, client, secret } = await webApp()
    const error = await rejection(
      server.token({ grant_type: 'client_credentials' }, { authorization: basic(client.clientId, secret) }),
    )
    expect(error.error).toBe('unauthorized_client')
  })

  it('uses the per-client access-token lifetime', async () => {
    const t = testServer()
    const { client, clientSecret } = await t.server.registerClient({
      name: 'short',
      grantTypes: ['client_credentials'],
      accessTokenLifetime: 300,
    })
    const response = await t.server.token(
      { grant_type: 'client_credentials' },
      { authorization: basic(client.clientId, clientSecret ?? '') },
    )
    expect(response.expiresIn).toBe(300)
    await expect(
      t.server.registerClient({ name: 'x', grantTypes: ['client_credentials'], accessTokenLifetime: 299 }),
    ).rejects.toThrow(/between 300 and 86400/)
    await expect(
      t.server.registerClient({
        name: 'x',
        grantTypes: ['client_credentials'],
        refreshTokenLifetime: 31_536_001,
      }),
    ).rejects.toThrow(/between 3600 and 31536000/)
  })
})

describe('client authentication', () => {
  it('form-urldecodes HTTP Basic credentials (RFC 6749 Appendix B)', async () => {
    const t = testServer()
    const { client } = await t.server.registerClient({
      name: 'odd',
      grantTypes: ['client_credentials'],
      clientId: 'odd client+id%',
      clientSecret: 'se cret+with/special=chars&%',
      scopes: ['kb:read'],
    })
    const response = await t.server.token(
      { grant_type: 'client_credentials' },
      { authorization: basic(client.clientId, 'se cret+with/special=chars&%') },
    )
    expect(response.scope).toBe('kb:read')
  })

  it('answers invalid_client 401 with WWW-Authenticate Basic when Basic authentication fails', async () => {
    const { server, client } = await webApp()
    const error = await rejection(
      server.token({ grant_type: 'client_credentials' }, { authorization: basic(client.clientId, 'wrong') }),
    )
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 })
    expect(error.wwwAuthenticate).toMatch(/^Basic realm=/)
    const malformed = await rejection(
      server.token({ grant_type: 'client_credentials' }, { authorization: 'Basic !!!' }),
    )
    expect(malformed).toMatchObject({ error: 'invalid_client', status: 401 })
    const post = await rejection(
      server.token(
        { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'wrong' },
        {},
      ),
    )
    expect(post).toMatchObject({ error: 'invalid_client', wwwAuthenticate: undefined })
  })

  it('answers invalid_request when a request uses more than one authentication method', async () => {
    const { server, client, secret } = await webApp()
    const error = await rejection(
      server.token(
        { grant_type: 'client_credentials', client_secret: secret },
        { authorization: basic(client.clientId, secret) },
      ),
    )
    expect(error.error).toBe('invalid_request')
  })

  it('refuses a confidential client that sends no secret', async () => {
    const { server, client, auth } = await webApp()
    const code = await authorizationCodeFor(server, client.clientId)
    expect(auth).toHaveProperty('authorization')
    const error = await rejection(
      server.token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: client.clientId },
        {},
      ),
    )
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 })
  })

  it('stores a generated client secret only as its SHA-256 hash, and a chosen one with scrypt', async () => {
    const { store, client, secret } = await webApp()
    const stored = await store.clients.get(client.clientId)
    expect(secret).toMatch(/^[0-9a-f]{64}$/)
    expect(client.clientId).toMatch(/^[0-9a-f-]{36}$/)
    expect(stored?.secretHash).toMatch(/^sha256\$[A-Za-z0-9_-]{43}$/)
    expect(JSON.stringify(stored)).not.toContain(secret)
    const chosen = await registerClient(store, { name: 'seeded', clientSecret: 'a secret someone chose' })
    expect(chosen.client.secretHash).toMatch(/^scrypt\$16384\$/)
  })
})

describe('authorization_code grant', () => {
  it('redeems a code with S256 PKCE for an access token, a refresh token and an ID token', async () => {
    const { server, client, auth, params, clock } = await webApp()
    const pkce = pkcePair()
    const authTime = clock.now() - 30
    const code = await authorizationCodeFor(server, client.clientId, {
      challenge: pkce.challenge,
      nonce: 'n-0S6',
      authTime,
    })
    const response = await server.token(
      params({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: pkce.verifier,
      }),
      auth,
    )
    expect(response.scope).toBe('openid profile email offline_access kb:read')
    expect(response.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const idToken = decodeJwt(response.idToken ?? '')
    const hash = createHash('sha256').update(response.accessToken).digest()
    expect(idToken).toMatchObject({
      iss: ISSUER,
      sub: 'user-alice',
      aud: client.clientId,
      iat: clock.now(),
      exp: clock.now() + 3600,
      auth_time: authTime,
      nonce: 'n-0S6',
      at_hash: hash.subarray(0, 16).toString('base64url'),
    })
    expect(decodeJwt(response.accessToken)).toMatchObject({ sub: 'user-alice', client_id: client.clientId })
  })

  it('issues no refresh token without offline_access and no ID token without openid', async () => {
    const { server, client, auth } = await webApp()
    const code = await authorizationCodeFor(server, client.clientId, { scope: 'kb:read' })
    const response = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      auth,
    )
    expect(response.refreshToken).toBeUndefined()
    expect(response.idToken).toBeUndefined()
  })

  it('refuses a reused code and revokes the tokens its first redemption issued', async () => {
    const { server, client, auth } = await webApp()
    const code = await authorizationCodeFor(server, client.clientId)
    const first = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      auth,
    )
    await expect(server.verifyAccessToken(first.accessToken)).resolves.toMatchObject({ sub: 'user-alice' })
    const reuse = await rejection(
      server.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, auth),
    )
    expect(reuse.error).toBe('invalid_grant')
    expect((await rejection(server.verifyAccessToken(first.accessToken))).error).toBe('invalid_token')
    const refresh = await rejection(
      server.token({ grant_type: 'refresh_token', refresh_token: first.refreshToken ?? '' }, auth),
    )
    expect(refresh.error).toBe('invalid_grant')
  })

  it('answers invalid_grant for expired, unknown and foreign codes and a mismatched redirect_uri', async () => {
    const { server, client, auth, clock, store } = await webApp()
    const other = await server.registerClient({ name: 'other', redirectUris: [REDIRECT_URI] })
    const otherAuth = { authorization: basic(other.client.clientId, other.clientSecret ?? '') }
    const code = await authorizationCodeFor(server, client.clientId)
    const cases: Array<[Record<string, string>, { authorization?: string }]> = [
      [{ code: 'unknown', redirect_uri: REDIRECT_URI }, auth],
      [{ code, redirect_uri: 'https://app.pipeshub.test/other' }, auth],
      [{ code, redirect_uri: REDIRECT_URI }, otherAuth],
    ]
    for (const [params, credentials] of cases) {
      const error = await rejection(
        server.token({ grant_type: 'authorization_code', ...params }, credentials),
      )
      expect(error.error).toBe('invalid_grant')
    }
    clock.advance(600)
    expect(
      (
        await rejection(
          server.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, auth),
        )
      ).error,
    ).toBe('invalid_grant')
    // The failed attempts never consumed it.
    expect(
      (await store.authorizationCodes.get(createHash('sha256').update(code).digest('base64url')))?.consumedAt,
    ).toBeNull()
  })

  it('checks PKCE: wrong verifier, missing verifier, and a verifier for a code without challenge', async () => {
    const { server, client, auth } = await webApp()
    const pkce = pkcePair()
    const code = await authorizationCodeFor(server, client.clientId, { challenge: pkce.challenge })
    const base = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }
    expect((await rejection(server.token({ ...base, code_verifier: pkcePair().verifier }, auth))).error).toBe(
      'invalid_grant',
    )
    expect((await rejection(server.token(base, auth))).error).toBe('invalid_grant')
    expect((await rejection(server.token({ ...base, code_verifier: 'short' }, auth))).error).toBe(
      'invalid_request',
    )
    expect(
      (await rejection(server.token({ ...base, code_verifier: `${'a'.repeat(43)}!` }, auth))).error,
    ).toBe('invalid_request')
    const plainCode = await authorizationCodeFor(server, client.clientId)
    const verifierForNone = await rejection(
      server.token(
        {
          grant_type: 'authorization_code',
          code: plainCode,
          redirect_uri: REDIRECT_URI,
          code_verifier: pkce.verifier,
        },
        auth,
      ),
    )
    expect(verifierForNone.error).toBe('invalid_grant')
    await expect(server.token({ ...base, code_verifier: pkce.verifier }, auth)).resolves.toHaveProperty(
      'accessToken',
    )
  })

  it('lets a public client redeem with PKCE and client_id only', async () => {
    const { server, client, params, auth } = await webApp({ public: true })
    const pkce = pkcePair()
    const code = await authorizationCodeFor(server, client.clientId, { challenge: pkce.challenge })
    const response = await server.token(
      params({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: pkce.verifier,
      }),
      auth,
    )
    expect(response.refreshToken).toBeDefined()
  })
})

describe('authorization request validation', () => {
  const request = (clientId: string, extra: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'openid kb:read',
    state: 'xyz',
    ...extra,
  })

  async function requestError(promise: Promise<unknown>): Promise<AuthorizationRequestError> {
    const error = await rejection(promise)
    expect(error).toBeInstanceOf(AuthorizationRequestError)
    return error as AuthorizationRequestError
  }

  it('never redirects to an unregistered redirect_uri or for an unknown client', async () => {
    const { server, client } = await webApp()
    const badRedirect = await requestError(
      server.validateAuthorizationRequest(request(client.clientId, { redirect_uri: 'https://evil.test/cb' })),
    )
    expect(badRedirect.redirectTo()).toBeUndefined()
    const prefix = await requestError(
      server.validateAuthorizationRequest(request(client.clientId, { redirect_uri: `${REDIRECT_URI}/x` })),
    )
    expect(prefix.redirectTo()).toBeUndefined()
    const unknown = await requestError(server.validateAuthorizationRequest(request('nope')))
    expect(unknown.redirectTo()).toBeUndefined()
  })

  it('redirects errors to a registered redirect_uri with state and iss', async () => {
    const { server, client } = await webApp()
    const error = await requestError(
      server.validateAuthorizationRequest(request(client.clientId, { response_type: 'token' })),
    )
    const location = new URL(error.redirectTo() ?? '')
    expect(location.searchParams.get('error')).toBe('unsupported_response_type')
    expect(location.searchParams.get('state')).toBe('xyz')
    expect(location.searchParams.get('iss')).toBe(ISSUER)
    const scope = await requestError(
      server.validateAuthorizationRequest(request(client.clientId, { scope: 'org:admin' })),
    )
    expect(scope.error).toBe('invalid_scope')
  })

  it('parses max_age as a non-negative integer and refuses anything else with a redirected invalid_request', async () => {
    const { server, client } = await webApp()
    expect((await server.validateAuthorizationRequest(request(client.clientId))).maxAge).toBeNull()
    for (const [value, parsed] of [
      ['0', 0],
      ['300', 300],
      ['0042', 42],
    ] as const) {
      const validated = await server.validateAuthorizationRequest(
        request(client.clientId, { max_age: value }),
      )
      expect(validated.maxAge).toBe(parsed)
    }
    for (const value of ['-1', '1.5', 'abc', '1e3', ' 5', '12345678901']) {
      const error = await requestError(
        server.validateAuthorizationRequest(request(client.clientId, { max_age: value })),
      )
      expect(error.error).toBe('invalid_request')
      expect(new URL(error.redirectTo() ?? '').searchParams.get('error')).toBe('invalid_request')
    }
    const now = server.now()
    expect(authenticationTooOld({ maxAge: null }, now - 10_000, now)).toBe(false)
    expect(authenticationTooOld({ maxAge: 0 }, now, now)).toBe(true)
    expect(authenticationTooOld({ maxAge: 60 }, now - 60, now)).toBe(false)
    expect(authenticationTooOld({ maxAge: 60 }, now - 61, now)).toBe(true)
  })

  it('refuses to issue a code for no scope at all', async () => {
    const { server, client } = await webApp()
    const validated = await server.validateAuthorizationRequest(request(client.clientId))
    const error = await rejection(
      server.issueAuthorizationCode({
        request: validated,
        subject: 'user-alice',
        authTime: server.now(),
        scope: [],
      }),
    )
    expect(error.error).toBe('invalid_scope')
  })

  it('requires PKCE S256 for public clients and refuses plain unless the client enables it', async () => {
    const pub = await webApp({ public: true })
    expect(
      (await requestError(pub.server.validateAuthorizationRequest(request(pub.client.clientId)))).error,
    ).toBe('invalid_request')
    const plain = { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }
    expect(
      (await requestError(pub.server.validateAuthorizationRequest(request(pub.client.clientId, plain))))
        .error,
    ).toBe('invalid_request')
    const implicitPlain = { code_challenge: 'a'.repeat(43) }
    expect(
      (
        await requestError(
          pub.server.validateAuthorizationRequest(request(pub.client.clientId, implicitPlain)),
        )
      ).error,
    ).toBe('invalid_request')
    const compat = await webApp({ allowPlainPkce: true })
    const accepted = await compat.server.validateAuthorizationRequest(request(compat.client.clientId, plain))
    expect(accepted.codeChallengeMethod).toBe('plain')
  })

  it('issues a code redirect carrying code, state and iss, bound to the granted scope subset', async () => {
    const { server, client, auth } = await webApp()
    const validated = await server.validateAuthorizationRequest(request(client.clientId))
    const location = new URL(
      await server.issueAuthorizationCode({
        request: validated,
        subject: 'user-alice',
        authTime: server.now(),
        scope: ['kb:read'],
      }),
    )
    expect(location.origin + location.pathname).toBe(REDIRECT_URI)
    expect(location.searchParams.get('state')).toBe('xyz')
    const response = await server.token(
      {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
      },
      auth,
    )
    expect(response.scope).toBe('kb:read')
    const denied = new URL(server.denyAuthorization(validated))
    expect(denied.searchParams.get('error')).toBe('access_denied')
  })
})

describe('refresh_token grant', () => {
  async function withRefreshToken(options: Parameters<typeof webApp>[0] = {}) {
    const app = await webApp(options)
    const code = await authorizationCodeFor(app.server, app.client.clientId, {
      nonce: 'n1',
      authTime: app.clock.now() - 100,
    })
    const first = await app.server.token(
      app.params({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }),
      app.auth,
    )
    return { ...app, first, refreshToken: first.refreshToken ?? '' }
  }

  it('rotates: a new pair, the old refresh token no longer works', async () => {
    const { server, auth, refreshToken, first, clock } = await withRefreshToken()
    clock.advance(60)
    const second = await server.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, auth)
    expect(second.refreshToken).toBeDefined()
    expect(second.refreshToken).not.toBe(refreshToken)
    expect(second.accessToken).not.toBe(first.accessToken)
    const idToken = decodeJwt(second.idToken ?? '')
    const original = decodeJwt(first.idToken ?? '')
    expect(idToken.sub).toBe(original.sub)
    expect(idToken.aud).toBe(original.aud)
    expect(idToken.auth_time).toBe(original.auth_time)
    expect(idToken.iat).toBe(clock.now())
  })

  it('revokes the whole family when a rotated refresh token is replayed', async () => {
    const { server, auth, refreshToken } = await withRefreshToken()
    const second = await server.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, auth)
    const replay = await rejection(
      server.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, auth),
    )
    expect(replay.error).toBe('invalid_grant')
    const successor = await rejection(
      server.token({ grant_type: 'refresh_token', refresh_token: second.refreshToken ?? '' }, auth),
    )
    expect(successor.error).toBe('invalid_grant')
    expect((await rejection(server.verifyAccessToken(second.accessToken))).error).toBe('invalid_token')
  })

  it('only narrows scope (RFC 6749 section 6): the access token narrows, the new refresh token keeps the original scope', async () => {
    const { server, auth, refreshToken, first } = await withRefreshToken()
    const widen = await rejection(
      server.token(
        { grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'kb:read kb:write' },
        auth,
      ),
    )
    expect(widen.error).toBe('invalid_scope')
    const narrowed = await server.token(
      { grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'kb:read offline_access' },
      auth,
    )
    expect(narrowed.scope).toBe('kb:read offline_access')
    // Leaving offline_access out narrows the access token only: a refresh token still comes back.
    const last = await server.token(
      { grant_type: 'refresh_token', refresh_token: narrowed.refreshToken ?? '', scope: 'kb:read' },
      auth,
    )
    expect(last.scope).toBe('kb:read')
    expect(last.refreshToken).toBeDefined()
    expect(last.idToken).toBeUndefined()
    // ... and that refresh token still carries the whole original grant.
    const full = await server.token(
      { grant_type: 'refresh_token', refresh_token: last.refreshToken ?? '' },
      auth,
    )
    expect(full.scope).toBe(first.scope)
    expect(full.idToken).toBeDefined()
  })

  it('binds the refresh token to its client and answers invalid_grant for expired tokens, never server_error', async () => {
    const { server, auth, refreshToken, clock } = await withRefreshToken()
    const other = await server.registerClient({ name: 'other', redirectUris: [REDIRECT_URI] })
    const foreign = await rejection(
      server.token(
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        { authorization: basic(other.client.clientId, other.clientSecret ?? '') },
      ),
    )
    expect(foreign.error).toBe('invalid_grant')
    clock.advance(30 * 86_400)
    const expired = await rejection(
      server.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, auth),
    )
    expect(expired.error).toBe('invalid_grant')
    const unknown = await rejection(
      server.token({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) }, auth),
    )
    expect(unknown.error).toBe('invalid_grant')
  })

  it('gives each rotated refresh token the full lifetime again', async () => {
    const { server, auth, refreshToken, clock } = await withRefreshToken()
    clock.advance(20 * 86_400)
    const second = await server.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, auth)
    clock.advance(20 * 86_400)
    const third = await server.token(
      { grant_type: 'refresh_token', refresh_token: second.refreshToken ?? '' },
      auth,
    )
    expect(third.refreshToken).toBeDefined()
  })

  it('follows the configured refresh-token policy', async () => {
    for (const [policy, expected] of [
      ['always', true],
      ['never', false],
    ] as const) {
      const clock = manualClock()
      const store = createMemoryStore()
      const server = createAuthorizationServer({
        issuer: ISSUER,
        store,
        now: clock.now,
        refreshTokenPolicy: policy,
      })
      const { client, clientSecret } = await server.registerClient({
        name: 'w',
        redirectUris: [REDIRECT_URI],
      })
      const scope = policy === 'always' ? 'kb:read' : 'kb:read offline_access'
      const code = await authorizationCodeFor(server, client.clientId, { scope })
      const response = await server.token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        { authorization: basic(client.clientId, clientSecret ?? '') },
      )
      expect(response.refreshToken !== undefined).toBe(expected)
    }
  })

  it('issues refresh tokens to public clients bound to their client_id', async () => {
    const app = await webApp({ public: true })
    const pkce = pkcePair()
    const code = await authorizationCodeFor(app.server, app.client.clientId, { challenge: pkce.challenge })
    const first = await app.server.token(
      app.params({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: pkce.verifier,
      }),
      {},
    )
    const second = await app.server.token(
      app.params({ grant_type: 'refresh_token', refresh_token: first.refreshToken ?? '' }),
      {},
    )
    expect(second.refreshToken).toBeDefined()
  })
})

describe('token endpoint parameters', () => {
  it('answers invalid_request for a missing grant_type and unsupported_grant_type for unknown ones', async () => {
    const { server, auth } = await webApp()
    expect((await rejection(server.token({}, auth))).error).toBe('invalid_request')
    expect((await rejection(server.token({ grant_type: '' }, auth))).error).toBe('invalid_request')
    expect((await rejection(server.token({ grant_type: 'password' }, auth))).error).toBe(
      'unsupported_grant_type',
    )
    expect(
      (await rejection(server.token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }, auth)))
        .error,
    ).toBe('unsupported_grant_type')
  })

  it('answers invalid_request for a missing code or redirect_uri', async () => {
    const { server, auth } = await webApp()
    expect(
      (await rejection(server.token({ grant_type: 'authorization_code', redirect_uri: REDIRECT_URI }, auth)))
        .error,
    ).toBe('invalid_request')
    expect((await rejection(server.token({ grant_type: 'authorization_code', code: 'c' }, auth))).error).toBe(
      'invalid_request',
    )
    expect((await rejection(server.token({ grant_type: 'refresh_token' }, auth))).error).toBe(
      'invalid_request',
    )
  })
})

describe('revocation and introspection', () => {
  it('revokes a refresh token family and an access token, only for the owning client', async () => {
    const { server, client, auth } = await webApp()
    const code = await authorizationCodeFor(server, client.clientId)
    const tokens = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      auth,
    )
    const other = await server.registerClient({ name: 'other', redirectUris: [REDIRECT_URI] })
    const otherAuth = { authorization: basic(other.client.clientId, other.clientSecret ?? '') }

    // RFC 7009 section 2.1: another client's token is refused with an error, and stays valid.
    expect((await rejection(server.revoke({ token: tokens.accessToken }, otherAuth))).error).toBe(
      'invalid_request',
    )
    expect((await rejection(server.revoke({ token: tokens.refreshToken ?? '' }, otherAuth))).error).toBe(
      'invalid_request',
    )
    expect((await server.introspect({ token: tokens.accessToken }, auth)).active).toBe(true)
    expect((await server.introspect({ token: tokens.refreshToken ?? '' }, auth)).active).toBe(true)

    await server.revoke({ token: tokens.accessToken, token_type_hint: 'access_token' }, auth)
    expect(await server.introspect({ token: tokens.accessToken }, auth)).toEqual({ active: false })
    await server.revoke({ token: tokens.refreshToken ?? '' }, auth)
    expect(await server.introspect({ token: tokens.refreshToken ?? '' }, auth)).toEqual({ active: false })
    await expect(server.revoke({ token: 'never-issued' }, auth)).resolves.toBeUndefined()
    expect((await rejection(server.revoke({}, auth))).error).toBe('invalid_request')
    expect((await rejection(server.revoke({ token: tokens.accessToken }, {}))).error).toBe('invalid_client')
  })

  it('introspects access tokens with RFC 7662 members and requires client authentication', async () => {
    const { server, client, auth, clock } = await webApp()
    const code = await authorizationCodeFor(server, client.clientId, { scope: 'openid kb:read' })
    const tokens = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      auth,
    )
    expect(await server.introspect({ token: tokens.accessToken }, auth)).toMatchObject({
      active: true,
      scope: 'openid kb:read',
      client_id: client.clientId,
      username: 'alice',
      token_type: 'Bearer',
      sub: 'user-alice',
      user_id: 'user-alice',
      iss: ISSUER,
      exp: clock.now() + 3600,
    })
    clock.advance(3600)
    expect(await server.introspect({ token: tokens.accessToken }, auth)).toEqual({ active: false })
    expect((await rejection(server.introspect({ token: tokens.accessToken }, {}))).error).toBe(
      'invalid_client',
    )
  })

  it('tells a client only about its own tokens; configured resource servers about any access token', async () => {
    const store = createMemoryStore()
    const clock = manualClock()
    const resourceServer = await registerClient(store, {
      name: 'resource server',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    const server = createAuthorizationServer({
      issuer: ISSUER,
      store,
      now: clock.now,
      introspectionClients: [resourceServer.client.clientId],
    })
    await createUser(store)
    const web = await server.registerClient({
      name: 'web',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'offline_access', 'kb:read'],
    })
    const other = await server.registerClient({
      name: 'other',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    const code = await authorizationCodeFor(server, web.client.clientId, {
      scope: 'openid offline_access kb:read',
    })
    const tokens = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { authorization: basic(web.client.clientId, web.clientSecret ?? '') },
    )
    const as = (registered: { client: { clientId: string }; clientSecret?: string | undefined }) => ({
      authorization: basic(registered.client.clientId, registered.clientSecret ?? ''),
    })
    // Another confidential client learns nothing, about access or refresh tokens.
    expect(await server.introspect({ token: tokens.accessToken }, as(other))).toEqual({ active: false })
    expect(await server.introspect({ token: tokens.refreshToken ?? '' }, as(other))).toEqual({
      active: false,
    })
    // The resource server learns about the access token, not about the refresh token.
    expect(await server.introspect({ token: tokens.accessToken }, as(resourceServer))).toMatchObject({
      active: true,
      client_id: web.client.clientId,
      sub: 'user-alice',
    })
    expect(await server.introspect({ token: tokens.refreshToken ?? '' }, as(resourceServer))).toEqual({
      active: false,
    })
    // The client itself learns about both.
    expect(await server.introspect({ token: tokens.accessToken }, as(web))).toMatchObject({ active: true })
    expect(await server.introspect({ token: tokens.refreshToken ?? '' }, as(web))).toMatchObject({
      active: true,
      token_type: 'refresh_token',
    })
  })
})

describe('userinfo', () => {
  /** Tokens of an authorization code granted `scope` to the web client, redeemed at once. */
  async function tokensFor(
    server: Awaited<ReturnType<typeof webApp>>['server'],
    clientId: string,
    auth: Awaited<ReturnType<typeof webApp>>['auth'],
    scope: string,
  ) {
    const code = await authorizationCodeFor(server, clientId, { scope })
    return server.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, auth)
  }

  it("answers PipesHub's user_id always, and given_name, family_name, updated_at for profile", async () => {
    const { server, client, auth } = await webApp()
    const bare = await tokensFor(server, client.clientId, auth, 'openid')
    expect(await server.userinfo(`Bearer ${bare.accessToken}`)).toEqual({
      sub: 'user-alice',
      user_id: 'user-alice',
    })
    const tokens = await tokensFor(server, client.clientId, auth, 'openid profile')
    expect(await server.userinfo(`Bearer ${tokens.accessToken}`)).toEqual({
      sub: 'user-alice',
      user_id: 'user-alice',
      preferred_username: 'alice',
      name: 'Alice Example',
      given_name: 'Alice',
      family_name: 'Example',
      // Never updated since it was created (createUser's createdAt).
      updated_at: 1_700_000_000,
    })
  })

  it('answers claims by scope for a Bearer token with openid', async () => {
    const { server, client, auth } = await webApp()
    const tokens = await tokensFor(server, client.clientId, auth, 'openid profile email')
    expect(await server.userinfo(`Bearer ${tokens.accessToken}`)).toEqual({
      sub: 'user-alice',
      user_id: 'user-alice',
      preferred_username: 'alice',
      name: 'Alice Example',
      given_name: 'Alice',
      family_name: 'Example',
      updated_at: 1_700_000_000,
      email: 'alice@pipeshub.test',
      email_verified: true,
    })
    const kb = await tokensFor(server, client.clientId, auth, 'kb:read')
    expect(await rejection(server.userinfo(`Bearer ${kb.accessToken}`))).toMatchObject({
      error: 'insufficient_scope',
      status: 403,
    })
    expect(await rejection(server.userinfo('Bearer abc.def.ghi'))).toMatchObject({
      error: 'invalid_token',
      status: 401,
    })
  })

  it('challenges a request without a Bearer token without an error code (RFC 6750 section 3.1)', async () => {
    const { server } = await webApp()
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz']) {
      const error = await rejection(server.userinfo(authorization))
      expect(error).toMatchObject({ status: 401, challengeOnly: true })
      expect(error.wwwAuthenticate).toMatch(
        /^Bearer realm="pipeshub", DPoP realm="pipeshub", algs="[A-Za-z0-9 ]+"$/,
      )
    }
    const malformed = await rejection(server.userinfo('Bearer '))
    expect(malformed).toMatchObject({ error: 'invalid_token', status: 401, challengeOnly: false })
    expect(malformed.wwwAuthenticate).toMatch(/error="invalid_token"/)
  })
})

describe('signing algorithms', () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
    it(`signs and verifies ${alg} access tokens and publishes the key`, async () => {
      const clock = manualClock()
      const store = createMemoryStore()
      const server = createAuthorizationServer({
        issuer: ISSUER,
        store,
        now: clock.now,
        signingAlgorithm: alg,
      })
      const { client, clientSecret } = await server.registerClient({
        name: 's',
        grantTypes: ['client_credentials'],
      })
      const response = await server.token(
        { grant_type: 'client_credentials' },
        { authorization: basic(client.clientId, clientSecret ?? '') },
      )
      expect(decodeProtectedHeader(response.accessToken).alg).toBe(alg)
      await expect(server.verifyAccessToken(response.accessToken)).resolves.toMatchObject({
        client_id: client.clientId,
      })
      const { keys } = await server.jwks()
      // The access-token key, and the default ID-token key (RS256) when that is another algorithm.
      expect(keys.map((key) => key.alg).sort()).toEqual([...new Set([alg, 'RS256'])].sort())
      for (const key of keys) {
        expect(key).toMatchObject({ use: 'sig' })
        expect(key).not.toHaveProperty('d')
      }
    })
  }
})

describe('seeding for provider states', () => {
  it('issues a code and a refresh token with fixed values that then work at the token endpoint', async () => {
    const { server, client, auth } = await webApp()
    const request = await server.validateAuthorizationRequest({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid kb:read',
      state: 's',
    })
    await server.issueAuthorizationCode({
      request,
      subject: 'user-alice',
      authTime: server.now(),
      code: 'fixed-code-for-pact-0001',
    })
    const fromCode = await server.token(
      { grant_type: 'authorization_code', code: 'fixed-code-for-pact-0001', redirect_uri: REDIRECT_URI },
      auth,
    )
    expect(fromCode.scope).toBe('openid kb:read')
    const refreshToken = await server.issueRefreshToken({
      clientId: client.clientId,
      subject: 'user-alice',
      scope: ['kb:read', 'offline_access'],
      refreshToken: 'fixed-refresh-token-0001',
    })
    expect(refreshToken).toBe('fixed-refresh-token-0001')
    const refreshed = await server.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, auth)
    expect(refreshed).toMatchObject({ scope: 'kb:read offline_access', refreshToken: expect.any(String) })
  })

  it('stores codes and refresh tokens only as SHA-256 hashes of 256-bit random values', async () => {
    const { server, client, auth, store } = await webApp()
    const code = await authorizationCodeFor(server, client.clientId)
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await store.authorizationCodes.get(code)).toBeUndefined()
    expect(
      await store.authorizationCodes.get(createHash('sha256').update(code).digest('base64url')),
    ).toBeDefined()
    const tokens = await server.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      auth,
    )
    const refreshToken = tokens.refreshToken ?? ''
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await store.refreshTokens.get(refreshToken)).toBeUndefined()
    expect(
      await store.refreshTokens.get(createHash('sha256').update(refreshToken).digest('base64url')),
    ).toBeDefined()
  })

  it('purges expired records', async () => {
    const { server, client, clock } = await webApp()
    await authorizationCodeFor(server, client.clientId)
    clock.advance(601)
    expect(await server.purgeExpired()).toBe(1)
  })
})
