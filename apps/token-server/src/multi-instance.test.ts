import { createHash } from 'node:crypto'
import { hashSecret, registerClient } from '@pipeshub/server'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import { createRemoteJWKSet, jwtVerify } from 'jose'
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

const available = await postgresAvailable('the multi-instance test')

const ISSUER = 'https://auth.example.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const PASSWORD = 'shared database password'

describe.runIf(available)('two token-server instances on one PostgreSQL schema', () => {
  const schema = uniqueSchema('token_server')
  const storeUrl = `${TEST_DATABASE_URL}?schema=${schema}`
  let a: TokenServer
  let b: TokenServer
  let urlA: string
  let urlB: string

  beforeAll(async () => {
    // Two instances as two processes would have them: their own pool, the same database and schema.
    // Started at the same moment, on an empty schema: both migrate and neither has a signing key yet.
    const config = testConfig({ store: storeUrl })
    const startOne = async () =>
      createTokenServer({ config, store: await openConfiguredStore(config), issuer: ISSUER })
    ;[a, b] = await Promise.all([startOne(), startOne()])
    urlA = await a.app.listen({ host: '127.0.0.1', port: 0 })
    urlB = await b.app.listen({ host: '127.0.0.1', port: 0 })
  })

  afterAll(async () => {
    await a?.close()
    await b?.close()
    await dropSchema(schema)
  })

  it('accepts at each instance the login and consent forms the other rendered: one CSRF key for both', async () => {
    const client = await registerClient(a.store, {
      name: 'Forms app',
      public: true,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid'],
    })
    await a.store.users.create({
      subject: 'user-forms',
      username: 'erin',
      passwordHash: await hashSecret(PASSWORD),
      name: 'Erin',
      email: null,
      emailVerified: false,
      createdAt: 0,
    })
    const request = (baseUrl: string) =>
      authorizeUrl({
        baseUrl,
        authorizePath: a.paths.authorization,
        clientId: client.client.clientId,
        redirectUri: REDIRECT_URI,
        scope: 'openid',
        challenge: pkcePair().challenge,
      })
    const moveTo = (from: FormSession, baseUrl: string) => {
      const moved = new FormSession(baseUrl)
      for (const [name, value] of from.cookies) moved.cookies.set(name, value)
      return moved
    }
    // The first forms of both instances, at the same moment: each would make the key if none existed.
    const atA = new FormSession(urlA)
    const atB = new FormSession(urlB)
    const [pageOfA, pageOfB] = await Promise.all([atA.get(request(urlA)), atB.get(request(urlB))])
    const formOfA = hiddenFields(await pageOfA.text())
    const formOfB = hiddenFields(await pageOfB.text())

    // A's login form, posted to B: B renders the consent form, which A accepts.
    const login = { username: 'erin', password: PASSWORD }
    const browserAtB = moveTo(atA, urlB)
    const consent = await browserAtB.postForm(b.paths.authorization, { ...formOfA, ...login })
    expect(consent.status).toBe(200)
    const consentForm = hiddenFields(await consent.text())
    const backAtA = moveTo(browserAtB, urlA)
    const approved = await backAtA.postForm(a.paths.authorization, { ...consentForm, consent: 'granted' })
    expect(approved.status).toBe(303)
    expect(new URL(approved.headers.get('location') ?? '').searchParams.get('code')).not.toBeNull()

    // B's login form, posted to A: signed in, and the consent given above is remembered.
    const fromB = await moveTo(atB, urlA).postForm(a.paths.authorization, { ...formOfB, ...login })
    expect(fromB.status).toBe(303)
    expect(new URL(fromB.headers.get('location') ?? '').searchParams.get('code')).not.toBeNull()

    // Without the key, the cookie alone makes no token either instance accepts.
    const binding = atB.cookies.get('pipeshub_csrf') ?? ''
    const forged = createHash('sha256').update(`pipeshub-csrf:${binding}`, 'utf8').digest('base64url')
    for (const url of [urlA, urlB]) {
      const refused = await moveTo(atB, url).postForm(a.paths.authorization, {
        ...formOfB,
        csrf_token: forged,
        ...login,
      })
      expect(refused.status).toBe(403)
    }
    const candidate = { name: 'csrf', value: 'not the key', createdAt: 0 }
    const [keyOfA, keyOfB] = await Promise.all([
      a.store.serverSecrets.getOrCreate(candidate),
      b.store.serverSecrets.getOrCreate(candidate),
    ])
    expect(keyOfA.value).not.toBe('not the key')
    expect(keyOfB).toEqual(keyOfA)
  })

  it('serves at B a client created through A; first tokens issued at once at A and B verify at the other', async () => {
    const registered = await registerClient(a.store, {
      name: 'Shared',
      grantTypes: ['client_credentials'],
      scopes: ['org:read'],
    })
    const basic = `Basic ${Buffer.from(`${registered.client.clientId}:${registered.clientSecret}`).toString('base64')}`
    // The first token requests create the first signing key: both instances at the same moment.
    const [fromA, fromB] = await Promise.all(
      [
        [urlA, a],
        [urlB, b],
      ].map(([url, server]) =>
        tokenRequest(
          `${url}${(server as TokenServer).paths.token}`,
          { grant_type: 'client_credentials' },
          { authorization: basic },
        ),
      ),
    )
    expect(fromA?.status).toBe(200)
    expect(fromB?.status).toBe(200)
    if (!fromA || !fromB) throw new Error('two token responses expected')
    expect(await a.store.signingKeys.list()).toHaveLength(1)
    for (const [token, url, server] of [
      [fromA.body.access_token, urlB, b],
      [fromB.body.access_token, urlA, a],
    ] as const) {
      const introspection = await tokenRequest(
        `${url}${server.paths.introspection}`,
        { token: String(token) },
        { authorization: basic },
      )
      expect(introspection.status).toBe(200)
      expect(introspection.body.active).toBe(true)
    }
    const jwksOfB = createRemoteJWKSet(new URL(`${urlB}/.well-known/jwks.json`))
    await jwtVerify(String(fromA.body.access_token), jwksOfB, { issuer: ISSUER })
    const jwksOfA = createRemoteJWKSet(new URL(`${urlA}/.well-known/jwks.json`))
    await jwtVerify(String(fromB.body.access_token), jwksOfA, { issuer: ISSUER })
  })

  it('refuses at B, at its very next request, a secret rotated and a client disabled through A', async () => {
    const registered = await registerClient(a.store, {
      name: 'Rotating',
      grantTypes: ['client_credentials'],
      scopes: ['org:read'],
    })
    const { clientId } = registered.client
    const basic = (secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`
    const atB = (secret: string) =>
      tokenRequest(
        `${urlB}${b.paths.token}`,
        { grant_type: 'client_credentials' },
        { authorization: basic(secret) },
      )
    // B has verified the secret and remembers the verdict.
    expect((await atB(String(registered.clientSecret))).status).toBe(200)
    expect((await atB(String(registered.clientSecret))).status).toBe(200)

    const { clientSecret: rotated } = await a.authorizationServer.appManagement.regenerateSecret(clientId)
    const old = await atB(String(registered.clientSecret))
    expect(old.status).toBe(401)
    expect(old.body.error).toBe('invalid_client')
    expect((await atB(rotated)).status).toBe(200)

    expect(await a.authorizationServer.disableClient(clientId)).toBe(true)
    const disabled = await atB(rotated)
    expect(disabled.status).toBe(401)
    expect(disabled.body.error).toBe('invalid_client')
  })

  it('redeems at B a code issued by A, shares the login session, and refreshes across instances', async () => {
    const client = await registerClient(a.store, {
      name: 'Browser app',
      public: true,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'offline_access', 'kb:read'],
    })
    await b.store.users.create({
      subject: 'user-shared',
      username: 'dana',
      passwordHash: await hashSecret(PASSWORD),
      name: 'Dana',
      email: null,
      emailVerified: false,
      createdAt: 0,
    })
    const clientId = client.client.clientId

    // Login and consent at A.
    const atA = new FormSession(urlA)
    const pkce = pkcePair()
    const request = (baseUrl: string, challenge: string, state: string) =>
      authorizeUrl({
        baseUrl,
        authorizePath: a.paths.authorization,
        clientId,
        redirectUri: REDIRECT_URI,
        scope: 'openid offline_access kb:read',
        challenge,
        state,
      })
    const login = await atA.get(request(urlA, pkce.challenge, 'one'))
    const consent = await atA.postForm(a.paths.authorization, {
      ...hiddenFields(await login.text()),
      username: 'dana',
      password: PASSWORD,
    })
    const approved = await atA.postForm(a.paths.authorization, {
      ...hiddenFields(await consent.text()),
      consent: 'granted',
    })
    expect(approved.status).toBe(303)
    const code = new URL(approved.headers.get('location') ?? '').searchParams.get('code') ?? ''

    // The code issued by A is redeemed at B.
    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: pkce.verifier,
    }
    const tokens = await tokenRequest(`${urlB}${b.paths.token}`, exchange)
    expect(tokens.status).toBe(200)
    expect(tokens.body.scope).toBe('openid offline_access kb:read')

    // The session cookie set by A signs the browser in at B, where the consent is remembered too.
    const atB = new FormSession(urlB)
    for (const [name, value] of atA.cookies) atB.cookies.set(name, value)
    const second = await atB.get(request(urlB, pkcePair().challenge, 'two'))
    expect(second.status).toBe(302)
    expect(new URL(second.headers.get('location') ?? '').searchParams.get('state')).toBe('two')

    // Refresh hops between instances: B's token rotates at A, A's at B.
    const refresh = (baseUrl: string, refreshToken: unknown) =>
      tokenRequest(`${baseUrl}${a.paths.token}`, {
        grant_type: 'refresh_token',
        refresh_token: String(refreshToken),
        client_id: clientId,
      })
    const atInstanceA = await refresh(urlA, tokens.body.refresh_token)
    expect(atInstanceA.status).toBe(200)
    const atInstanceB = await refresh(urlB, atInstanceA.body.refresh_token)
    expect(atInstanceB.status).toBe(200)
    // A rotated token replayed at the other instance is refused and revokes the family (RFC 9700 §4.14.2).
    const replayed = await refresh(urlB, tokens.body.refresh_token)
    expect(replayed.status).toBe(400)
    expect(replayed.body.error).toBe('invalid_grant')
    const afterRevocation = await refresh(urlA, atInstanceB.body.refresh_token)
    expect(afterRevocation.body.error).toBe('invalid_grant')

    // The code, redeemed at B, is spent at A too.
    const replay = await tokenRequest(`${urlA}${a.paths.token}`, exchange)
    expect(replay.status).toBe(400)
    expect(replay.body.error).toBe('invalid_grant')
  })
  it('ends at A a session that logged out at B (RP-Initiated Logout: the session lives in the store)', async () => {
    const bye = 'http://127.0.0.1:9/signed-out'
    const client = await registerClient(a.store, {
      name: 'Logout app',
      public: true,
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: [bye],
      scopes: ['openid'],
    })
    await a.store.users.create({
      subject: 'user-logout',
      username: 'frank',
      passwordHash: await hashSecret(PASSWORD),
      name: 'Frank',
      email: null,
      emailVerified: false,
      createdAt: 0,
    })
    const clientId = client.client.clientId
    const request = (baseUrl: string) =>
      authorizeUrl({
        baseUrl,
        authorizePath: a.paths.authorization,
        clientId,
        redirectUri: REDIRECT_URI,
        scope: 'openid',
        challenge: pkcePair().challenge,
      })
    const atA = new FormSession(urlA)
    const login = await atA.get(request(urlA))
    const consent = await atA.postForm(a.paths.authorization, {
      ...hiddenFields(await login.text()),
      username: 'frank',
      password: PASSWORD,
    })
    const approved = await atA.postForm(a.paths.authorization, {
      ...hiddenFields(await consent.text()),
      consent: 'granted',
    })
    expect(approved.status).toBe(303)
    // Signed in at A: A's next authorization request needs no login.
    expect((await atA.get(request(urlA))).status).toBe(302)

    // The same browser logs out at B, which confirms and ends the session.
    const atB = new FormSession(urlB)
    for (const [name, value] of atA.cookies) atB.cookies.set(name, value)
    const logout = `${b.paths.endSession}?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: bye, state: 's' })}`
    const confirm = await atB.get(logout)
    expect(confirm.status).toBe(200)
    const done = await atB.postForm(b.paths.endSession, {
      ...hiddenFields(await confirm.text()),
      logout: 'confirm',
    })
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe(`${bye}?state=s`)

    // A, with the cookie it set (the browser still sends it there), asks to sign in again.
    const again = await atA.get(request(urlA))
    expect(again.status).toBe(200)
    expect(await again.text()).toContain('name="password"')
  })
})
