import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuthorizationRequestError } from '../authorization-request.js'
import { createAuthorizationServer } from '../authorization-server.js'
import type { OAuthError } from '../errors.js'
import type {
  AuthorizationCodeRecord,
  ClientRecord,
  DeviceCodeRecord,
  PersonalAccessTokenRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  Store,
} from '../store/types.js'
import { authorizationCodeFor, basic, createUser, ISSUER, manualClock, REDIRECT_URI } from './fixtures.js'

export interface StoreUnderTest {
  store: Store
  /** Releases everything the factory created (files, schemas). */
  dispose(): Promise<void>
}

const T = 1_800_000_000

function client(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: randomUUID(),
    secretHash: 'scrypt$32768$8$1$c2FsdA$aGFzaA',
    name: 'conformance client',
    redirectUris: ['https://app.example/cb', 'https://app.example/cb2'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'kb:read'],
    allowPlainPkce: false,
    accessTokenLifetime: 600,
    refreshTokenLifetime: null,
    createdAt: T,
    disabledAt: null,
    webOrigins: ['https://app.example'],
    idTokenSignedResponseAlg: null,
    requirePushedAuthorizationRequests: false,
    jwks: null,
    tokenEndpointAuthSigningAlg: null,
    ...overrides,
  }
}

function code(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: randomUUID(),
    clientId: 'client-1',
    subject: 'user-1',
    redirectUri: 'https://app.example/cb',
    scope: ['openid', 'offline_access'],
    codeChallenge: 'x'.repeat(43),
    codeChallengeMethod: 'S256',
    nonce: 'n-1',
    authTime: T - 10,
    resources: [],
    expiresAt: T + 600,
    createdAt: T,
    consumedAt: null,
    issuedAccessTokenJti: null,
    issuedAccessTokenExpiresAt: null,
    issuedFamilyId: null,
    ...overrides,
  }
}

function deviceCode(overrides: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
  return {
    deviceCodeHash: randomUUID(),
    userCodeHash: randomUUID(),
    clientId: 'client-1',
    scope: ['openid', 'offline_access'],
    resources: ['https://mcp.example.com/mcp'],
    interval: 5,
    expiresAt: T + 600,
    createdAt: T,
    lastPolledAt: null,
    status: 'pending',
    subject: null,
    authTime: null,
    decidedAt: null,
    consumedAt: null,
    issuedFamilyId: null,
    ...overrides,
  }
}

function personalAccessToken(
  subject: string,
  overrides: Partial<PersonalAccessTokenRecord> = {},
): PersonalAccessTokenRecord {
  return {
    id: randomUUID(),
    tokenHash: `hash-${randomUUID()}`,
    subject,
    name: 'CI deploy',
    scope: ['openid', 'kb:read'],
    createdAt: T,
    expiresAt: T + 3600,
    ...overrides,
  }
}

function refreshToken(familyId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: randomUUID(),
    familyId,
    clientId: 'client-1',
    subject: 'user-1',
    scope: ['openid', 'offline_access'],
    authTime: T - 10,
    expiresAt: T + 3600,
    createdAt: T,
    rotatedAt: null,
    accessTokenJti: randomUUID(),
    accessTokenExpiresAt: T + 600,
    ...overrides,
  }
}

async function newFamily(store: Store): Promise<string> {
  const familyId = randomUUID()
  await store.refreshTokens.createFamily({
    familyId,
    clientId: 'client-1',
    subject: 'user-1',
    authTime: T - 10,
    createdAt: T,
    revokedAt: null,
    resources: [],
  })
  return familyId
}

/** The behaviour every `Store` adapter must have; run unchanged against memory, SQLite and PostgreSQL. */
function patUser(subject: string) {
  return {
    subject,
    username: `user-${subject}`,
    passwordHash: null,
    name: null,
    email: null,
    emailVerified: false,
    createdAt: T,
  }
}

export function describeStoreConformance(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Store conformance: ${name}`, () => {
    let subject: StoreUnderTest
    let store: Store
    beforeEach(async () => {
      subject = await open()
      store = subject.store
    })
    afterEach(async () => {
      await subject.dispose()
    })

    it('stores, lists, updates and deletes clients, keeping every field', async () => {
      const a = client({
        secretHash: null,
        allowPlainPkce: true,
        accessTokenLifetime: null,
        refreshTokenLifetime: 7200,
      })
      const b = client({
        createdAt: T + 1,
        description: 'Reads the knowledge base for the support team',
        logoUrl: 'https://app.example/logo.png',
        homepageUrl: 'https://app.example/',
        privacyPolicyUrl: 'https://app.example/privacy',
        tokensRevokedAt: T + 1,
      })
      await store.clients.create(a)
      await store.clients.create(b)
      expect(await store.clients.get(a.clientId)).toEqual(a)
      expect((await store.clients.list()).map((c) => c.clientId)).toEqual([a.clientId, b.clientId])
      await expect(store.clients.create(a)).rejects.toThrow()
      const renamed = { ...b, name: 'renamed', scopes: ['kb:read'], webOrigins: ['http://127.0.0.1:5173'] }
      expect(await store.clients.update(renamed)).toBe(true)
      expect(await store.clients.get(b.clientId)).toEqual(renamed)
      const { description: _, logoUrl: __, ...withoutMetadata } = renamed
      expect(await store.clients.update(withoutMetadata)).toBe(true)
      expect(await store.clients.get(b.clientId)).toEqual(withoutMetadata)
      expect(await store.clients.update(client())).toBe(false)
      expect(await store.clients.delete(a.clientId)).toBe(true)
      expect(await store.clients.delete(a.clientId)).toBe(false)
      expect(await store.clients.get(a.clientId)).toBeUndefined()
    })

    it('keeps a client disabled until it is enabled again', async () => {
      const c = client()
      await store.clients.create(c)
      expect(await store.clients.update({ ...c, disabledAt: T + 5 })).toBe(true)
      expect(await store.clients.get(c.clientId)).toEqual({ ...c, disabledAt: T + 5 })
      expect((await store.clients.list())[0]?.disabledAt).toBe(T + 5)
      expect(await store.clients.update({ ...c, disabledAt: null })).toBe(true)
      expect((await store.clients.get(c.clientId))?.disabledAt).toBeNull()
    })

    it('makes a disabled client fail authentication and its tokens inactive, until enabled', async () => {
      const clock = manualClock(T)
      const resourceServerId = randomUUID()
      // The resource server may introspect every access token (RFC 7662 section 4).
      const server = createAuthorizationServer({
        issuer: ISSUER,
        store,
        now: clock.now,
        introspectionClients: [resourceServerId],
      })
      await createUser(store)
      const { client: web, clientSecret } = await server.registerClient({
        name: 'web',
        redirectUris: [REDIRECT_URI],
      })
      const { client: api, clientSecret: apiSecret } = await server.registerClient({
        name: 'resource server',
        grantTypes: ['client_credentials'],
        clientId: resourceServerId,
      })
      const auth = { authorization: basic(web.clientId, clientSecret ?? '') }
      const apiAuth = { authorization: basic(api.clientId, apiSecret ?? '') }
      const code = await authorizationCodeFor(server, web.clientId)
      const granted = await server.token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        auth,
      )
      const introspect = (token: string) => server.introspect({ token }, apiAuth)
      expect(await introspect(granted.accessToken)).toMatchObject({ active: true })

      expect(await server.disableClient(web.clientId)).toBe(true)
      await expect(server.token({ grant_type: 'client_credentials' }, auth)).rejects.toMatchObject({
        error: 'invalid_client',
        status: 401,
      })
      await expect(
        server.token({ grant_type: 'refresh_token', refresh_token: granted.refreshToken ?? '' }, auth),
      ).rejects.toMatchObject({ error: 'invalid_client' })
      expect(await introspect(granted.accessToken)).toEqual({ active: false })
      await expect(server.userinfo(`Bearer ${granted.accessToken}`)).rejects.toMatchObject({
        error: 'invalid_token',
      })
      await expect(
        server.validateAuthorizationRequest({
          response_type: 'code',
          client_id: web.clientId,
          redirect_uri: REDIRECT_URI,
          state: 's',
        }),
      ).rejects.toThrow('disabled')

      // Enabling restores what has not expired; the refresh token was never rotated while disabled.
      expect(await server.enableClient(web.clientId)).toBe(true)
      expect(await introspect(granted.accessToken)).toMatchObject({ active: true })
      const refreshed = await server.token(
        { grant_type: 'refresh_token', refresh_token: granted.refreshToken ?? '' },
        auth,
      )
      expect(refreshed.accessToken).toEqual(expect.any(String))
      expect(await server.disableClient('no-such-client')).toBe(false)
    })

    it("makes a disabled user's codes and refresh tokens invalid_grant and tokens inactive, until enabled", async () => {
      const server = createAuthorizationServer({ issuer: ISSUER, store, now: manualClock(T).now })
      const alice = await createUser(store)
      const { client: web, clientSecret } = await server.registerClient({
        name: 'web',
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      })
      const auth = { authorization: basic(web.clientId, clientSecret ?? '') }
      const granted = await server.token(
        {
          grant_type: 'authorization_code',
          code: await authorizationCodeFor(server, web.clientId),
          redirect_uri: REDIRECT_URI,
        },
        auth,
      )
      const pendingCode = await authorizationCodeFor(server, web.clientId)
      const introspect = (token: string) => server.introspect({ token }, auth)
      expect(await introspect(granted.refreshToken ?? '')).toMatchObject({ active: true })

      expect(await server.disableUser(alice.subject)).toBe(true)
      expect((await store.users.get(alice.subject))?.disabledAt).toBe(T)
      await expect(
        server.token({ grant_type: 'refresh_token', refresh_token: granted.refreshToken ?? '' }, auth),
      ).rejects.toMatchObject({
        error: 'invalid_grant',
        errorDescription: 'the user of the refresh token is disabled',
      })
      await expect(
        server.token(
          { grant_type: 'authorization_code', code: pendingCode, redirect_uri: REDIRECT_URI },
          auth,
        ),
      ).rejects.toMatchObject({ error: 'invalid_grant' })
      expect(await introspect(granted.accessToken)).toEqual({ active: false })
      expect(await introspect(granted.refreshToken ?? '')).toEqual({ active: false })
      await expect(server.userinfo(`Bearer ${granted.accessToken}`)).rejects.toMatchObject({
        error: 'invalid_token',
        status: 401,
      })
      // The client itself is not affected: its own client_credentials tokens stay active.
      const own = await server.token({ grant_type: 'client_credentials', scope: 'kb:read' }, auth)
      expect(await introspect(own.accessToken)).toMatchObject({ active: true })

      // Enabling restores what has not expired: nothing was revoked or rotated while disabled.
      expect(await server.enableUser(alice.subject)).toBe(true)
      expect((await store.users.get(alice.subject))?.disabledAt ?? null).toBeNull()
      expect(await introspect(granted.accessToken)).toMatchObject({ active: true, sub: alice.subject })
      const refreshed = await server.token(
        { grant_type: 'refresh_token', refresh_token: granted.refreshToken ?? '' },
        auth,
      )
      expect(refreshed.accessToken).toEqual(expect.any(String))
      expect(await server.disableUser('no-such-user')).toBe(false)
    })

    it('refuses a NUL byte in any parameter as invalid_request before the store, the same on every store', async () => {
      const server = createAuthorizationServer({ issuer: ISSUER, store, now: manualClock(T).now })
      const { client: web, clientSecret } = await server.registerClient({
        name: 'web',
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      })
      const auth = { authorization: basic(web.clientId, clientSecret ?? '') }
      const invalidRequest = { error: 'invalid_request', status: 400 }
      await expect(
        server.token({ grant_type: 'client_credentials', client_id: '\0' }, {}),
      ).rejects.toMatchObject(invalidRequest)
      await expect(
        server.token({ grant_type: 'refresh_token', refresh_token: 'a\0b' }, auth),
      ).rejects.toMatchObject(invalidRequest)
      await expect(
        server.token({ grant_type: 'authorization_code', code: '\0', redirect_uri: REDIRECT_URI }, auth),
      ).rejects.toMatchObject(invalidRequest)
      await expect(server.revoke({ token: 'x\0' }, auth)).rejects.toMatchObject(invalidRequest)
      await expect(server.introspect({ token: '\x01' }, auth)).rejects.toMatchObject(invalidRequest)
      // A NUL in the HTTP Basic user-id is malformed credentials, whichever store is behind.
      await expect(
        server.token({ grant_type: 'client_credentials' }, { authorization: basic('\0', 'secret') }),
      ).rejects.toMatchObject({ error: 'invalid_client', status: 401 })
      const authorization = {
        response_type: 'code',
        client_id: web.clientId,
        redirect_uri: REDIRECT_URI,
        state: 's',
        scope: 'openid',
      }
      for (const params of [
        { ...authorization, client_id: '\0' },
        { ...authorization, nonce: 'n\0' },
        // The login form's fields travel with the authorization request's parameters.
        { ...authorization, username: 'alice\0', password: 'x' },
      ]) {
        const refused = await server.validateAuthorizationRequest(params).then(
          () => undefined,
          (error: unknown) => error as AuthorizationRequestError,
        )
        expect(refused).toMatchObject(invalidRequest)
        expect(refused?.redirectTo()).toBeUndefined()
      }
      // The store still answers normally afterwards: nothing reached it.
      expect(await server.token({ grant_type: 'client_credentials' }, auth)).toMatchObject({
        tokenType: 'Bearer',
      })
    })

    it('answers every failed client check with one description, whether or not the client exists', async () => {
      const server = createAuthorizationServer({ issuer: ISSUER, store, now: manualClock(T).now })
      const { client: web } = await server.registerClient({ name: 'web', redirectUris: [REDIRECT_URI] })
      const { client: spa } = await server.registerClient({
        name: 'spa',
        public: true,
        redirectUris: [REDIRECT_URI],
      })
      const descriptions = new Set<string>()
      for (const [params, credentials] of [
        [{ grant_type: 'client_credentials' }, { authorization: basic(randomUUID(), 'guess') }],
        [{ grant_type: 'client_credentials' }, { authorization: basic(web.clientId, 'guess') }],
        [{ grant_type: 'client_credentials' }, { authorization: basic(spa.clientId, 'guess') }],
        [{ grant_type: 'refresh_token', refresh_token: 'r', client_id: randomUUID() }, {}],
        [{ grant_type: 'refresh_token', refresh_token: 'r', client_id: web.clientId }, {}],
      ] as const) {
        const error = await server.token(params, credentials).catch((e: unknown) => e as OAuthError)
        expect(error).toMatchObject({ error: 'invalid_client', status: 401 })
        descriptions.add((error as OAuthError).errorDescription)
      }
      expect([...descriptions]).toEqual(['client authentication failed'])
    })

    it('keeps a client and its registration together: create, update and delete them atomically', async () => {
      const c = client({ secretHash: null })
      const registration = {
        clientId: c.clientId,
        accessTokenHash: 'hash-1',
        metadata: '{"client_name":"agent","redirect_uris":["http://127.0.0.1:9/cb"]}',
        createdAt: T,
        updatedAt: T,
      }
      await store.clientRegistrations.create(c, registration)
      expect(await store.clients.get(c.clientId)).toEqual(c)
      expect(await store.clientRegistrations.get(c.clientId)).toEqual(registration)
      // A client id that exists is refused, and neither row is written.
      await expect(
        store.clientRegistrations.create(c, { ...registration, accessTokenHash: 'hash-2' }),
      ).rejects.toThrow()
      expect((await store.clientRegistrations.get(c.clientId))?.accessTokenHash).toBe('hash-1')
      const renamed = { ...c, name: 'renamed' }
      const changed = { ...registration, metadata: '{"client_name":"renamed"}', updatedAt: T + 5 }
      expect(await store.clientRegistrations.update(renamed, changed)).toBe(true)
      expect(await store.clients.get(c.clientId)).toEqual(renamed)
      expect(await store.clientRegistrations.get(c.clientId)).toEqual(changed)
      // A client registered by other means has no registration to update or delete.
      const other = client()
      await store.clients.create(other)
      expect(
        await store.clientRegistrations.update(other, { ...registration, clientId: other.clientId }),
      ).toBe(false)
      expect(await store.clientRegistrations.delete(other.clientId, T)).toBe(false)
      expect((await store.clients.get(other.clientId))?.disabledAt).toBeNull()
      expect(await store.clientRegistrations.delete(c.clientId, T + 9)).toBe(true)
      expect(await store.clientRegistrations.get(c.clientId)).toBeUndefined()
      expect((await store.clients.get(c.clientId))?.disabledAt).toBe(T + 9)
      expect(await store.clientRegistrations.delete(c.clientId, T + 10)).toBe(false)
    })

    it('stores users with unique usernames', async () => {
      const user = {
        subject: 'user-1',
        username: 'alice',
        passwordHash: 'h',
        name: 'Alice',
        email: 'alice@example.com',
        emailVerified: true,
        createdAt: T,
      }
      await store.users.create(user)
      expect(await store.users.get('user-1')).toEqual(user)
      expect(await store.users.findByUsername('alice')).toEqual(user)
      await expect(store.users.create({ ...user, subject: 'user-2' })).rejects.toThrow()
      expect(await store.users.update({ ...user, name: null, emailVerified: false })).toBe(true)
      expect(await store.users.get('user-1')).toMatchObject({ name: null, emailVerified: false })
      expect(await store.users.list()).toHaveLength(1)
      // The OIDC profile members (migration 7) are stored and read back; absent stays absent.
      const profile = { ...user, givenName: 'Alice', familyName: 'Liddell', updatedAt: T + 60 }
      expect(await store.users.update(profile)).toBe(true)
      expect(await store.users.get('user-1')).toEqual(profile)
      expect(await store.users.update({ ...user, givenName: null })).toBe(true)
      const cleared = await store.users.get('user-1')
      expect(cleared).toMatchObject(user)
      expect([cleared?.givenName ?? null, cleared?.familyName ?? null, cleared?.updatedAt ?? null]).toEqual([
        null,
        null,
        null,
      ])
      expect(await store.users.delete('user-1')).toBe(true)
      expect(await store.users.findByUsername('alice')).toBeUndefined()
    })

    it('reads a code or refresh token with whether its user is disabled, false for a subject that is no user', async () => {
      const user = {
        subject: 'user-1',
        username: 'alice',
        passwordHash: 'h',
        name: null,
        email: null,
        emailVerified: false,
        createdAt: T,
      }
      await store.users.create(user)
      const ofUser = code()
      const ofNoUser = code({ subject: 'client-1' })
      await store.authorizationCodes.create(ofUser)
      await store.authorizationCodes.create(ofNoUser)
      const familyId = await newFamily(store)
      const token = refreshToken(familyId)
      await store.refreshTokens.create(token)
      const codes = store.authorizationCodes
      const tokens = store.refreshTokens
      expect(await codes.getWithUserStatus(ofUser.codeHash)).toEqual({ record: ofUser, userDisabled: false })
      expect(await codes.getWithUserStatus(ofNoUser.codeHash)).toEqual({
        record: ofNoUser,
        userDisabled: false,
      })
      expect(await tokens.getWithUserStatus(token.tokenHash)).toEqual({ record: token, userDisabled: false })
      expect(await codes.getWithUserStatus('unknown')).toBeUndefined()
      expect(await tokens.getWithUserStatus('unknown')).toBeUndefined()

      expect(await store.users.update({ ...user, disabledAt: T + 1 })).toBe(true)
      expect(await codes.getWithUserStatus(ofUser.codeHash)).toEqual({ record: ofUser, userDisabled: true })
      expect(await codes.getWithUserStatus(ofNoUser.codeHash)).toEqual({
        record: ofNoUser,
        userDisabled: false,
      })
      expect(await tokens.getWithUserStatus(token.tokenHash)).toEqual({ record: token, userDisabled: true })
    })

    it('consumes an authorization code exactly once and records what it issued', async () => {
      const record = code()
      await store.authorizationCodes.create(record)
      expect(await store.authorizationCodes.get(record.codeHash)).toEqual(record)
      const issuance = { accessTokenJti: 'jti-1', accessTokenExpiresAt: T + 600, familyId: randomUUID() }
      const first = await store.authorizationCodes.consume(record.codeHash, T + 1, issuance)
      expect(first.outcome).toBe('consumed')
      expect(await store.refreshTokens.getFamily(issuance.familyId)).toMatchObject({
        subject: 'user-1',
        revokedAt: null,
      })
      const second = await store.authorizationCodes.consume(record.codeHash, T + 2, {
        accessTokenJti: 'jti-2',
        accessTokenExpiresAt: T + 600,
        familyId: randomUUID(),
      })
      expect(second).toMatchObject({
        outcome: 'already_consumed',
        code: { consumedAt: T + 1, issuedAccessTokenJti: 'jti-1', issuedFamilyId: issuance.familyId },
      })
      expect(await store.authorizationCodes.consume('unknown', T, issuance)).toEqual({ outcome: 'not_found' })
    })

    it('keeps the resource indicators of a code and gives them to the family its redemption creates', async () => {
      const resources = ['https://mcp.example.com/mcp', 'https://api.example.com/v1?tenant=a']
      const record = code({ resources })
      await store.authorizationCodes.create(record)
      expect(await store.authorizationCodes.get(record.codeHash)).toEqual(record)
      const familyId = randomUUID()
      const result = await store.authorizationCodes.consume(record.codeHash, T + 1, {
        accessTokenJti: 'jti-1',
        accessTokenExpiresAt: T + 600,
        familyId,
      })
      expect(result).toMatchObject({ outcome: 'consumed', code: { resources } })
      expect((await store.refreshTokens.getFamily(familyId))?.resources).toEqual(resources)
      const seeded = {
        familyId: randomUUID(),
        clientId: 'client-1',
        subject: 'user-1',
        authTime: T,
        createdAt: T,
        revokedAt: null,
        resources: ['urn:example:api'],
      }
      await store.refreshTokens.createFamily(seeded)
      expect(await store.refreshTokens.getFamily(seeded.familyId)).toEqual(seeded)
    })

    it('stores the refresh token of a redemption atomically with consuming the code', async () => {
      const record = code()
      await store.authorizationCodes.create(record)
      const familyId = randomUUID()
      const issued = refreshToken(familyId, { clientId: record.clientId })
      const result = await store.authorizationCodes.consume(record.codeHash, T + 1, {
        accessTokenJti: 'jti-1',
        accessTokenExpiresAt: T + 600,
        familyId,
        refreshToken: issued,
      })
      expect(result.outcome).toBe('consumed')
      expect(await store.refreshTokens.get(issued.tokenHash)).toEqual(issued)

      // A failing insert (colliding hash) rolls the consumption back: the code can still be redeemed.
      const other = code()
      await store.authorizationCodes.create(other)
      await expect(
        store.authorizationCodes.consume(other.codeHash, T + 1, {
          accessTokenJti: 'jti-2',
          accessTokenExpiresAt: T + 600,
          familyId: randomUUID(),
          refreshToken: { ...issued },
        }),
      ).rejects.toThrow()
      expect(await store.authorizationCodes.get(other.codeHash)).toEqual(other)
    })

    it('lets exactly one of 50 concurrent consumptions of a code win', async () => {
      const record = code()
      await store.authorizationCodes.create(record)
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.authorizationCodes.consume(record.codeHash, T + 1, {
            accessTokenJti: `jti-${i}`,
            accessTokenExpiresAt: T + 600,
            familyId: randomUUID(),
          }),
        ),
      )
      expect(results.filter((r) => r.outcome === 'consumed')).toHaveLength(1)
      expect(results.filter((r) => r.outcome === 'already_consumed')).toHaveLength(49)
    })

    it('deletes expired authorization codes only', async () => {
      await store.authorizationCodes.create(code({ codeHash: 'old', expiresAt: T }))
      await store.authorizationCodes.create(code({ codeHash: 'new', expiresAt: T + 600 }))
      expect(await store.authorizationCodes.deleteExpired(T)).toBe(1)
      expect(await store.authorizationCodes.get('old')).toBeUndefined()
      expect(await store.authorizationCodes.get('new')).toBeDefined()
    })

    it('stores a device authorization and finds it by user code only while pending and unexpired (RFC 8628)', async () => {
      const record = deviceCode()
      await store.deviceCodes.create(record)
      expect(await store.deviceCodes.get(record.deviceCodeHash)).toEqual(record)
      expect(await store.deviceCodes.findPendingByUserCode(record.userCodeHash, T + 1)).toEqual(record)
      expect(await store.deviceCodes.findPendingByUserCode(record.userCodeHash, T + 600)).toBeUndefined()
      expect(await store.deviceCodes.findPendingByUserCode('unknown', T)).toBeUndefined()
      // A user code names one authorization: a second one with it is refused, the first kept.
      await expect(
        store.deviceCodes.create(deviceCode({ userCodeHash: record.userCodeHash })),
      ).rejects.toThrow()
      expect(await store.deviceCodes.get(record.deviceCodeHash)).toEqual(record)
      await store.deviceCodes.decide(record.userCodeHash, T + 1, {
        approved: false,
        subject: 'u',
        authTime: T,
      })
      expect(await store.deviceCodes.findPendingByUserCode(record.userCodeHash, T + 1)).toBeUndefined()
    })

    it('records one decision on a device authorization: exactly one of 50 concurrent decisions wins', async () => {
      const record = deviceCode()
      await store.deviceCodes.create(record)
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.deviceCodes.decide(
            record.userCodeHash,
            T + 1,
            i % 2 === 0
              ? { approved: true, subject: `user-${i}`, authTime: T, scope: ['openid'] }
              : { approved: false, subject: `user-${i}`, authTime: T },
          ),
        ),
      )
      const winners = results.filter((r) => r !== undefined)
      expect(winners).toHaveLength(1)
      const stored = await store.deviceCodes.get(record.deviceCodeHash)
      expect(stored).toEqual(winners[0])
      expect(stored).toMatchObject({ decidedAt: T + 1, authTime: T })
      expect(stored?.status === 'approved' ? stored.scope : record.scope).toEqual(
        stored?.status === 'approved' ? ['openid'] : ['openid', 'offline_access'],
      )
      // An expired authorization cannot be decided.
      const late = deviceCode({ expiresAt: T + 5 })
      await store.deviceCodes.create(late)
      expect(
        await store.deviceCodes.decide(late.userCodeHash, T + 5, {
          approved: false,
          subject: 'u',
          authTime: T,
        }),
      ).toBeUndefined()
      expect((await store.deviceCodes.get(late.deviceCodeHash))?.status).toBe('pending')
    })

    it('answers slow_down to a pending device code polled too soon, raising its interval by 5 for good', async () => {
      const record = deviceCode({ interval: 5 })
      const deviceCodeOnTime = deviceCode({ interval: 5 })
      await store.deviceCodes.create(record)
      await store.deviceCodes.create(deviceCodeOnTime)
      // interval - 1 seconds after issuance is soon enough (whole-second clocks), one less is too soon.
      expect((await store.deviceCodes.poll(record.deviceCodeHash, T + 3)).outcome).toBe('slow_down')
      expect((await store.deviceCodes.poll(deviceCodeOnTime.deviceCodeHash, T + 4)).outcome).toBe('polled')
      const slowed = await store.deviceCodes.get(record.deviceCodeHash)
      expect(slowed).toMatchObject({ interval: 10, lastPolledAt: T + 3 })
      expect((await store.deviceCodes.poll(record.deviceCodeHash, T + 11)).outcome).toBe('slow_down')
      expect(await store.deviceCodes.get(record.deviceCodeHash)).toMatchObject({ interval: 15 })
      expect(await store.deviceCodes.poll(record.deviceCodeHash, T + 25)).toMatchObject({
        outcome: 'polled',
        deviceCode: { interval: 15, lastPolledAt: T + 25, status: 'pending' },
      })
      expect(await store.deviceCodes.poll('unknown', T)).toEqual({ outcome: 'not_found' })
      // A decided code is answered, however fast it is polled.
      const approved = deviceCode({ status: 'approved', subject: 'user-1', authTime: T, decidedAt: T })
      await store.deviceCodes.create(approved)
      expect(await store.deviceCodes.poll(approved.deviceCodeHash, T)).toMatchObject({
        outcome: 'polled',
        deviceCode: { interval: 5, status: 'approved' },
      })
    })

    it('lets exactly one of 50 concurrent polls slow down when they all come too soon after one poll', async () => {
      const record = deviceCode({ interval: 5 })
      await store.deviceCodes.create(record)
      expect((await store.deviceCodes.poll(record.deviceCodeHash, T + 5)).outcome).toBe('polled')
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.deviceCodes.poll(record.deviceCodeHash, T + 10)),
      )
      // The first of them is on time; each later one comes 0 s after its predecessor and slows down.
      expect(results.filter((r) => r.outcome === 'polled')).toHaveLength(1)
      expect(results.filter((r) => r.outcome === 'slow_down')).toHaveLength(49)
      expect((await store.deviceCodes.get(record.deviceCodeHash))?.interval).toBe(5 + 49 * 5)
    })

    it('consumes an approved device code exactly once of 50 concurrent tries, with its family and refresh token', async () => {
      const record = deviceCode({ status: 'approved', subject: 'user-1', authTime: T - 10, decidedAt: T })
      await store.deviceCodes.create(record)
      const familyIds = Array.from({ length: 50 }, () => randomUUID())
      const results = await Promise.all(
        familyIds.map((familyId, i) =>
          store.deviceCodes.consume(record.deviceCodeHash, T + 1, {
            accessTokenJti: `jti-${i}`,
            accessTokenExpiresAt: T + 600,
            familyId,
            refreshToken: refreshToken(familyId, { clientId: record.clientId }),
          }),
        ),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = familyIds[results.indexOf(true)] as string
      expect(await store.deviceCodes.get(record.deviceCodeHash)).toMatchObject({
        status: 'consumed',
        consumedAt: T + 1,
        issuedFamilyId: winner,
      })
      expect(await store.refreshTokens.getFamily(winner)).toMatchObject({
        clientId: 'client-1',
        subject: 'user-1',
        authTime: T - 10,
        resources: record.resources,
        revokedAt: null,
      })
      for (const familyId of familyIds.filter((id) => id !== winner))
        expect(await store.refreshTokens.getFamily(familyId)).toBeUndefined()
    })

    it('consumes only approved device codes, and rolls back when its refresh token cannot be stored', async () => {
      const issuance = { accessTokenJti: 'jti-1', accessTokenExpiresAt: T + 600, familyId: randomUUID() }
      for (const status of ['pending', 'denied'] as const) {
        const record = deviceCode({ status })
        await store.deviceCodes.create(record)
        expect(await store.deviceCodes.consume(record.deviceCodeHash, T + 1, issuance)).toBe(false)
        expect(await store.deviceCodes.get(record.deviceCodeHash)).toEqual(record)
      }
      expect(await store.deviceCodes.consume('unknown', T, issuance)).toBe(false)
      const familyId = randomUUID()
      const taken = refreshToken(await newFamily(store))
      await store.refreshTokens.create(taken)
      const approved = deviceCode({ status: 'approved', subject: 'user-1', authTime: T, decidedAt: T })
      await store.deviceCodes.create(approved)
      await expect(
        store.deviceCodes.consume(approved.deviceCodeHash, T + 1, {
          accessTokenJti: 'jti-2',
          accessTokenExpiresAt: T + 600,
          familyId,
          refreshToken: { ...taken, familyId },
        }),
      ).rejects.toThrow()
      expect(await store.deviceCodes.get(approved.deviceCodeHash)).toEqual(approved)
    })

    it('deletes expired device codes only, and frees their user codes', async () => {
      const old = deviceCode({ expiresAt: T })
      const live = deviceCode({ expiresAt: T + 600 })
      await store.deviceCodes.create(old)
      await store.deviceCodes.create(live)
      expect(await store.deviceCodes.deleteExpired(T)).toBe(1)
      expect(await store.deviceCodes.get(old.deviceCodeHash)).toBeUndefined()
      expect(await store.deviceCodes.get(live.deviceCodeHash)).toEqual(live)
      await store.deviceCodes.create(deviceCode({ userCodeHash: old.userCodeHash }))
    })

    it('keeps an expired consumed code until the access token its redemption issued expires', async () => {
      const record = code({ codeHash: 'redeemed', expiresAt: T + 600 })
      await store.authorizationCodes.create(record)
      await store.authorizationCodes.consume('redeemed', T + 1, {
        accessTokenJti: 'jti-1',
        accessTokenExpiresAt: T + 3600,
        familyId: randomUUID(),
      })
      expect(await store.authorizationCodes.deleteExpired(T + 600)).toBe(0)
      expect(await store.authorizationCodes.deleteExpired(T + 3600)).toBe(1)
      expect(await store.authorizationCodes.get('redeemed')).toBeUndefined()
    })

    it('denies the device codes not yet redeemed of a user at a client, or of a client, when their grants are revoked', async () => {
      const approved = (subject: string, clientId = 'client-a') =>
        deviceCode({ clientId, status: 'approved', subject, authTime: T, decidedAt: T })
      const alice = approved('alice')
      const bob = approved('bob')
      const pending = deviceCode({ clientId: 'client-a' })
      const elsewhere = approved('alice', 'client-b')
      for (const record of [alice, bob, pending, elsewhere]) await store.deviceCodes.create(record)
      await store.grants.revoke({ clientId: 'client-a', subject: 'alice' }, T + 1)
      expect(await store.deviceCodes.get(alice.deviceCodeHash)).toMatchObject({
        status: 'denied',
        decidedAt: T + 1,
      })
      expect(await store.deviceCodes.get(bob.deviceCodeHash)).toEqual(bob)
      expect(await store.deviceCodes.get(pending.deviceCodeHash)).toEqual(pending)
      expect(await store.deviceCodes.get(elsewhere.deviceCodeHash)).toEqual(elsewhere)
      await store.grants.revoke({ clientId: 'client-a' }, T + 2)
      expect((await store.deviceCodes.get(bob.deviceCodeHash))?.status).toBe('denied')
      expect((await store.deviceCodes.get(pending.deviceCodeHash))?.status).toBe('denied')
      expect(
        await store.deviceCodes.consume(bob.deviceCodeHash, T + 3, {
          accessTokenJti: 'jti-1',
          accessTokenExpiresAt: T + 600,
          familyId: randomUUID(),
        }),
      ).toBe(false)
      expect(await store.deviceCodes.get(elsewhere.deviceCodeHash)).toEqual(elsewhere)
    })

    it('revokes every grant of a user at a client, or of a client, in one step and nothing else', async () => {
      // Redeems a code of `owner`, with a refresh token when `refresh`; answers what it issued.
      const grant = async (owner: { clientId: string; subject: string }, refresh: boolean) => {
        const record = code(owner)
        await store.authorizationCodes.create(record)
        const familyId = randomUUID()
        const issued = refreshToken(familyId, { ...owner, accessTokenExpiresAt: T + 900 })
        const accessTokenJti = randomUUID()
        await store.authorizationCodes.consume(record.codeHash, T + 1, {
          accessTokenJti,
          accessTokenExpiresAt: T + 600,
          familyId,
          refreshToken: refresh ? issued : null,
        })
        const jtis = refresh ? [accessTokenJti, issued.accessTokenJti ?? ''] : [accessTokenJti]
        return { familyId, jtis }
      }
      const state = async (issued: { familyId: string; jtis: string[] }) => ({
        revokedAt: (await store.refreshTokens.getFamily(issued.familyId))?.revokedAt,
        revoked: await Promise.all(issued.jtis.map((jti) => store.revokedAccessTokens.isRevoked(jti))),
      })
      const alice = { clientId: 'client-a', subject: 'alice' }
      const first = await grant(alice, true)
      const second = await grant(alice, false)
      const bob = await grant({ clientId: 'client-a', subject: 'bob' }, true)
      const elsewhere = await grant({ clientId: 'client-b', subject: 'alice' }, true)

      expect(await store.grants.revoke(alice, T + 2)).toBe(2)
      expect(await state(first)).toEqual({ revokedAt: T + 2, revoked: [true, true] })
      expect(await state(second)).toEqual({ revokedAt: T + 2, revoked: [true] })
      expect(await state(bob)).toEqual({ revokedAt: null, revoked: [false, false] })
      expect(await state(elsewhere)).toEqual({ revokedAt: null, revoked: [false, false] })
      expect(await store.grants.revoke(alice, T + 3)).toBe(0)
      expect((await state(first)).revokedAt).toBe(T + 2)
      expect(await store.grants.revoke({ clientId: 'client-c' }, T + 3)).toBe(0)

      expect(await store.grants.revoke({ clientId: 'client-a' }, T + 4)).toBe(1)
      expect(await state(bob)).toEqual({ revokedAt: T + 4, revoked: [true, true] })
      expect(await state(elsewhere)).toEqual({ revokedAt: null, revoked: [false, false] })
    })

    it("lists the live tokens of a client's grants, never a rotated, expired or revoked one", async () => {
      const redeem = async (subject: string, refresh: boolean, consumedAt = T + 1) => {
        const record = code({ clientId: 'client-l', subject, scope: ['openid', 'kb:read'] })
        await store.authorizationCodes.create(record)
        const familyId = randomUUID()
        const accessTokenJti = randomUUID()
        const issued = refreshToken(familyId, {
          clientId: 'client-l',
          subject,
          scope: ['openid', 'kb:read'],
          createdAt: consumedAt,
          accessTokenJti,
          accessTokenExpiresAt: consumedAt + 600,
        })
        await store.authorizationCodes.consume(record.codeHash, consumedAt, {
          accessTokenJti,
          accessTokenExpiresAt: consumedAt + 600,
          familyId,
          refreshToken: refresh ? issued : null,
        })
        return { familyId, issued, accessTokenJti }
      }
      const withRefresh = await redeem('alice', true)
      const accessOnly = await redeem('bob', false, T + 2)
      const revokedOne = await redeem('carol', true, T + 3)
      await store.revokedAccessTokens.revoke(revokedOne.accessTokenJti, T + 603)
      const revokedFamily = await redeem('dave', true, T + 4)
      await store.refreshTokens.revokeFamily(revokedFamily.familyId, T + 5)
      await redeem('erin', false, T - 700) // its access token expired long ago
      // A rotation: the old refresh token goes, its access token stays until it expires.
      const next = refreshToken(withRefresh.familyId, {
        clientId: 'client-l',
        subject: 'alice',
        scope: ['kb:read'],
        createdAt: T + 6,
        accessTokenExpiresAt: T + 606,
      })
      await store.refreshTokens.rotate(withRefresh.issued.tokenHash, T + 6, next)

      const listed = await store.grants.list({ clientId: 'client-l' }, T + 10)
      const scope = ['openid', 'kb:read']
      expect(listed).toEqual([
        {
          tokenType: 'access_token',
          grantId: withRefresh.familyId,
          clientId: 'client-l',
          subject: 'alice',
          scope,
          issuedAt: T + 1,
          expiresAt: T + 601,
        },
        {
          tokenType: 'access_token',
          grantId: accessOnly.familyId,
          clientId: 'client-l',
          subject: 'bob',
          scope,
          issuedAt: T + 2,
          expiresAt: T + 602,
        },
        {
          tokenType: 'refresh_token',
          grantId: revokedOne.familyId,
          clientId: 'client-l',
          subject: 'carol',
          scope,
          issuedAt: T + 3,
          expiresAt: T + 3600,
        },
        {
          tokenType: 'access_token',
          grantId: withRefresh.familyId,
          clientId: 'client-l',
          subject: 'alice',
          scope: ['kb:read'],
          issuedAt: T + 6,
          expiresAt: T + 606,
        },
        {
          tokenType: 'refresh_token',
          grantId: withRefresh.familyId,
          clientId: 'client-l',
          subject: 'alice',
          scope: ['kb:read'],
          issuedAt: T + 6,
          expiresAt: T + 3600,
        },
      ])
      expect(await store.grants.list({ clientId: 'client-l', subject: 'bob' }, T + 10)).toEqual([listed[1]])
      expect(await store.grants.list({ clientId: 'client-l' }, T + 3600)).toEqual([])
      expect(await store.grants.list({ clientId: 'client-x' }, T + 10)).toEqual([])
    })

    it('rotates a refresh token once; a replay reports the rotated token', async () => {
      const familyId = await newFamily(store)
      const first = refreshToken(familyId)
      await store.refreshTokens.create(first)
      expect(await store.refreshTokens.get(first.tokenHash)).toEqual(first)
      const next = refreshToken(familyId)
      expect(await store.refreshTokens.rotate(first.tokenHash, T + 5, next)).toEqual({ outcome: 'rotated' })
      expect(await store.refreshTokens.get(next.tokenHash)).toEqual(next)
      const replay = await store.refreshTokens.rotate(first.tokenHash, T + 6, refreshToken(familyId))
      expect(replay).toMatchObject({
        outcome: 'already_rotated',
        token: { tokenHash: first.tokenHash, rotatedAt: T + 5 },
      })
      expect(await store.refreshTokens.rotate('unknown', T, refreshToken(familyId))).toEqual({
        outcome: 'inactive',
      })
    })

    it('rotates without a successor when the new grant has no refresh token', async () => {
      const familyId = await newFamily(store)
      const first = refreshToken(familyId)
      await store.refreshTokens.create(first)
      expect(await store.refreshTokens.rotate(first.tokenHash, T + 5, null)).toEqual({ outcome: 'rotated' })
      expect((await store.refreshTokens.get(first.tokenHash))?.rotatedAt).toBe(T + 5)
    })

    it('refuses to rotate expired tokens and tokens of revoked families, leaving them unchanged', async () => {
      const familyId = await newFamily(store)
      const expired = refreshToken(familyId, { expiresAt: T })
      await store.refreshTokens.create(expired)
      expect(await store.refreshTokens.rotate(expired.tokenHash, T, refreshToken(familyId))).toEqual({
        outcome: 'inactive',
      })
      expect(await store.refreshTokens.get(expired.tokenHash)).toEqual(expired)

      const live = refreshToken(familyId, { accessTokenExpiresAt: T + 600 })
      await store.refreshTokens.create(live)
      const revoked = await store.refreshTokens.revokeFamily(familyId, T + 1)
      expect(revoked).toContainEqual({ jti: live.accessTokenJti, expiresAt: T + 600 })
      expect((await store.refreshTokens.getFamily(familyId))?.revokedAt).toBe(T + 1)
      const successor = refreshToken(familyId)
      expect(await store.refreshTokens.rotate(live.tokenHash, T + 2, successor)).toEqual({
        outcome: 'inactive',
      })
      expect(await store.refreshTokens.get(successor.tokenHash)).toBeUndefined()
    })

    it('leaves a refresh token unrotated when storing its successor fails', async () => {
      const familyId = await newFamily(store)
      const first = refreshToken(familyId)
      const existing = refreshToken(familyId)
      await store.refreshTokens.create(first)
      await store.refreshTokens.create(existing)
      // A successor whose hash collides cannot be stored: the whole rotation must roll back.
      await expect(store.refreshTokens.rotate(first.tokenHash, T + 1, { ...existing })).rejects.toThrow()
      expect(await store.refreshTokens.get(first.tokenHash)).toEqual(first)
      expect(await store.refreshTokens.get(existing.tokenHash)).toEqual(existing)
    })

    it('lets exactly one of 50 concurrent rotations of a refresh token win', async () => {
      const familyId = await newFamily(store)
      const first = refreshToken(familyId)
      await store.refreshTokens.create(first)
      const successors = Array.from({ length: 50 }, () => refreshToken(familyId))
      const results = await Promise.all(
        successors.map((next) => store.refreshTokens.rotate(first.tokenHash, T + 1, next)),
      )
      expect(results.filter((r) => r.outcome === 'rotated')).toHaveLength(1)
      expect(results.filter((r) => r.outcome === 'already_rotated')).toHaveLength(49)
      const stored = await Promise.all(successors.map((next) => store.refreshTokens.get(next.tokenHash)))
      expect(stored.filter((s) => s !== undefined)).toHaveLength(1)
    })

    it('rotates a token again within the reuse interval, revoking the unused successor and its access token', async () => {
      const familyId = await newFamily(store)
      const first = refreshToken(familyId)
      await store.refreshTokens.create(first)
      const lost = refreshToken(familyId, { accessTokenExpiresAt: T + 600 })
      expect(await store.refreshTokens.rotate(first.tokenHash, T + 5, lost)).toEqual({ outcome: 'rotated' })
      const retried = refreshToken(familyId)
      expect(
        await store.refreshTokens.rotate(first.tokenHash, T + 8, retried, { reusableSince: T + 5 }),
      ).toEqual({ outcome: 'rotated' })
      expect((await store.refreshTokens.get(lost.tokenHash))?.rotatedAt).toBe(T + 8)
      expect(await store.revokedAccessTokens.isRevoked(lost.accessTokenJti ?? '')).toBe(true)
      expect((await store.refreshTokens.get(retried.tokenHash))?.rotatedAt).toBeNull()

      // Once the successor is used, presenting its predecessor again is a replay, window or not.
      expect(await store.refreshTokens.rotate(retried.tokenHash, T + 9, refreshToken(familyId))).toEqual({
        outcome: 'rotated',
      })
      expect(
        await store.refreshTokens.rotate(first.tokenHash, T + 10, refreshToken(familyId), {
          reusableSince: T,
        }),
      ).toMatchObject({ outcome: 'already_rotated' })
      // Rotated before the window began: a replay.
      const other = await newFamily(store)
      const old = refreshToken(other)
      await store.refreshTokens.create(old)
      await store.refreshTokens.rotate(old.tokenHash, T + 1, refreshToken(other))
      expect(
        await store.refreshTokens.rotate(old.tokenHash, T + 40, refreshToken(other), {
          reusableSince: T + 10,
        }),
      ).toMatchObject({ outcome: 'already_rotated' })
    })

    it('keeps exactly one refresh token of a family live under 20 concurrent retries within the reuse interval', async () => {
      const familyId = await newFamily(store)
      const first = refreshToken(familyId)
      await store.refreshTokens.create(first)
      const lost = refreshToken(familyId)
      await store.refreshTokens.rotate(first.tokenHash, T + 1, lost)
      const retries = Array.from({ length: 20 }, () => refreshToken(familyId))
      const results = await Promise.all(
        retries.map((next) => store.refreshTokens.rotate(first.tokenHash, T + 2, next, { reusableSince: T })),
      )
      expect(results.every((result) => result.outcome === 'rotated')).toBe(true)
      const tokens = await Promise.all(
        [lost, ...retries].map((token) => store.refreshTokens.get(token.tokenHash)),
      )
      expect(tokens.filter((token) => token !== undefined && token.rotatedAt === null)).toHaveLength(1)
    })

    it('rotates signing keys in one step: the new key, the old one expiring, expired ones gone, or nothing', async () => {
      const key = (kid: string, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord => ({
        kid,
        alg: 'ES256',
        privateJwk: '{"kty":"EC"}',
        publicJwk: '{"kty":"EC"}',
        createdAt: T,
        activatesAt: T,
        expiresAt: null,
        ...overrides,
      })
      await store.signingKeys.create(key('current'))
      await store.signingKeys.create(key('expired', { expiresAt: T + 5 }))
      await store.signingKeys.create(key('other-alg', { alg: 'RS256' }))
      expect(
        await store.signingKeys.rotate(key('next', { createdAt: T + 10 }), {
          now: T + 10,
          expiresAt: T + 99,
        }),
      ).toBe(true)
      const byKid = new Map((await store.signingKeys.list()).map((k) => [k.kid, k.expiresAt]))
      expect(Object.fromEntries(byKid)).toEqual({ current: T + 99, 'other-alg': null, next: null })

      // A failure (the kid exists) changes nothing: no half rotation.
      await expect(
        store.signingKeys.rotate(key('current', { createdAt: T + 20 }), { now: T + 200, expiresAt: T + 300 }),
      ).rejects.toThrow()
      expect(Object.fromEntries((await store.signingKeys.list()).map((k) => [k.kid, k.expiresAt]))).toEqual({
        current: T + 99,
        'other-alg': null,
        next: null,
      })
      // A scheduled rotation does nothing while a recent enough key exists.
      expect(
        await store.signingKeys.rotate(key('too-soon', { createdAt: T + 11 }), {
          now: T + 11,
          expiresAt: T + 500,
          absence: { now: T + 11, createdAfter: T + 11 - 3600 },
        }),
      ).toBe(false)
      expect((await store.signingKeys.list()).map((k) => k.kid)).not.toContain('too-soon')
    })

    it('seeds an empty store once, all or nothing, even when instances seed at the same time', async () => {
      const seed = (n: number) => ({
        clients: [client({ name: `seed ${n}` }), client({ name: `seed ${n} public`, secretHash: null })],
        users: [
          {
            subject: `seed-user-${n}`,
            username: 'demo',
            passwordHash: 'h',
            name: null,
            email: null,
            emailVerified: false,
            createdAt: T,
          },
        ],
      })
      // A seed that cannot be stored whole (a username twice) stores none of it.
      const broken = seed(0)
      await expect(
        store.seedIfEmpty({
          ...broken,
          users: [...broken.users, { ...broken.users[0], subject: 'x' } as never],
        }),
      ).rejects.toThrow()
      expect(await store.clients.list()).toEqual([])
      expect(await store.users.list()).toEqual([])

      const results = await Promise.all(Array.from({ length: 8 }, (_, n) => store.seedIfEmpty(seed(n + 1))))
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = results.indexOf(true) + 1
      expect((await store.clients.list()).map((c) => c.name).sort()).toEqual([
        `seed ${winner}`,
        `seed ${winner} public`,
      ])
      expect((await store.users.list()).map((u) => u.subject)).toEqual([`seed-user-${winner}`])
      expect(await store.seedIfEmpty(seed(99))).toBe(false)
    })

    it('creates a server secret once: concurrent first callers all get the one stored, later ones too', async () => {
      const candidate = (n: number) => ({ name: 'csrf', value: `secret-${n}`, createdAt: T + n })
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) => store.serverSecrets.getOrCreate(candidate(n))),
      )
      const stored = results[0]
      expect(stored?.value).toMatch(/^secret-\d+$/)
      expect(stored).toEqual(candidate(Number(stored?.value.slice('secret-'.length))))
      expect(results.filter((result) => JSON.stringify(result) !== JSON.stringify(stored))).toEqual([])
      expect(await store.serverSecrets.getOrCreate(candidate(99))).toEqual(stored)
      // Each name has its own secret.
      const other = { name: 'other', value: 'another secret', createdAt: T }
      expect(await store.serverSecrets.getOrCreate(other)).toEqual(other)
      expect(await store.serverSecrets.getOrCreate(candidate(100))).toEqual(stored)
    })

    it('keeps signing keys and their expiry', async () => {
      const key = {
        kid: 'k1',
        alg: 'ES256' as const,
        privateJwk: '{"kty":"EC"}',
        publicJwk: '{"kty":"EC"}',
        createdAt: T,
        activatesAt: T + 60,
        expiresAt: null,
      }
      await store.signingKeys.create(key)
      await expect(store.signingKeys.create(key)).rejects.toThrow()
      expect(await store.signingKeys.list()).toEqual([key])
      expect(await store.signingKeys.expire('k1', T + 100)).toBe(true)
      expect((await store.signingKeys.list())[0]?.expiresAt).toBe(T + 100)
      expect(await store.signingKeys.delete('k1')).toBe(true)
      expect(await store.signingKeys.list()).toEqual([])
    })

    it('creates a signing key only when no matching key exists, once among concurrent callers', async () => {
      const key = (kid: string, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord => ({
        kid,
        alg: 'ES256',
        privateJwk: '{"kty":"EC"}',
        publicJwk: '{"kty":"EC"}',
        createdAt: T,
        activatesAt: T,
        expiresAt: null,
        ...overrides,
      })
      const firstKey = { now: T, activeAt: T }
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.signingKeys.createIfAbsent(key(`first-${i}`), firstKey)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      expect(await store.signingKeys.list()).toHaveLength(1)
      // Another algorithm is not "present".
      expect(await store.signingKeys.createIfAbsent(key('ed', { alg: 'EdDSA' }), firstKey)).toBe(true)
      // A key created within the rotation period blocks a scheduled rotation; an older one does not.
      const pending = key('next-1', { createdAt: T + 100, activatesAt: T + 200 })
      expect(await store.signingKeys.createIfAbsent(pending, { now: T + 100, createdAfter: T + 50 })).toBe(
        true,
      )
      expect(
        await store.signingKeys.createIfAbsent(key('next-2', { createdAt: T + 100 }), {
          now: T + 100,
          createdAfter: T + 50,
        }),
      ).toBe(false)
      // An expired key is absent.
      const winner = (await store.signingKeys.list()).find((k) => k.kid.startsWith('first-'))
      await store.signingKeys.expire(winner?.kid ?? '', T + 300)
      await store.signingKeys.expire('next-1', T + 300)
      expect(
        await store.signingKeys.createIfAbsent(key('after', { createdAt: T + 300 }), {
          now: T + 300,
          activeAt: T + 300,
        }),
      ).toBe(true)
      expect((await store.signingKeys.list()).map((k) => k.kid)).toContain('after')
    })

    it('replaces consents per subject and client', async () => {
      await store.consents.put({
        subject: 's',
        clientId: 'c',
        scope: ['openid'],
        resources: [],
        grantedAt: T,
      })
      await store.consents.put({
        subject: 's',
        clientId: 'c',
        scope: ['openid', 'kb:read'],
        resources: ['https://mcp.example/mcp', 'https://api.example/'],
        grantedAt: T + 1,
      })
      expect(await store.consents.get('s', 'c')).toEqual({
        subject: 's',
        clientId: 'c',
        scope: ['openid', 'kb:read'],
        resources: ['https://mcp.example/mcp', 'https://api.example/'],
        grantedAt: T + 1,
      })
      expect(await store.consents.get('s', 'other')).toBeUndefined()
      expect(await store.consents.delete('s', 'c')).toBe(true)
      expect(await store.consents.get('s', 'c')).toBeUndefined()
    })

    it("lists a subject's consents to existing apps, oldest first, with the apps' names", async () => {
      const a = client({ clientId: 'consent-a', name: 'App A', logoUrl: 'https://a.example/logo.png' })
      const b = client({ clientId: 'consent-b', name: 'App B', homepageUrl: 'https://b.example/' })
      const gone = client({ clientId: 'consent-gone', name: 'Gone' })
      for (const c of [a, b, gone]) await store.clients.create(c)
      await store.consents.put({
        subject: 's',
        clientId: 'consent-b',
        scope: ['openid'],
        resources: [],
        grantedAt: T + 2,
      })
      await store.consents.put({
        subject: 's',
        clientId: 'consent-a',
        scope: ['openid', 'kb:read'],
        resources: ['https://mcp.example/mcp'],
        grantedAt: T + 1,
      })
      await store.consents.put({
        subject: 's',
        clientId: 'consent-gone',
        scope: ['openid'],
        resources: [],
        grantedAt: T,
      })
      await store.consents.put({
        subject: 'other',
        clientId: 'consent-a',
        scope: ['openid'],
        resources: [],
        grantedAt: T,
      })
      expect(await store.clients.delete('consent-gone')).toBe(true)
      expect(await store.consents.list('s')).toEqual([
        {
          subject: 's',
          clientId: 'consent-a',
          scope: ['openid', 'kb:read'],
          resources: ['https://mcp.example/mcp'],
          grantedAt: T + 1,
          clientName: 'App A',
          logoUrl: 'https://a.example/logo.png',
          homepageUrl: null,
        },
        {
          subject: 's',
          clientId: 'consent-b',
          scope: ['openid'],
          resources: [],
          grantedAt: T + 2,
          clientName: 'App B',
          logoUrl: null,
          homepageUrl: 'https://b.example/',
        },
      ])
      expect(await store.consents.list('nobody')).toEqual([])
      expect(await store.consents.delete('s', 'consent-a')).toBe(true)
      expect((await store.consents.list('s')).map((c) => c.clientId)).toEqual(['consent-b'])
      expect((await store.consents.list('other')).map((c) => c.clientId)).toEqual(['consent-a'])
    })

    it('answers sessions only until they expire', async () => {
      await store.sessions.create({ sessionId: 'sid', subject: 's', authTime: T, expiresAt: T + 100 })
      expect(await store.sessions.get('sid', T + 99)).toEqual({
        sessionId: 'sid',
        subject: 's',
        authTime: T,
        expiresAt: T + 100,
      })
      expect(await store.sessions.get('sid', T + 100)).toBeUndefined()
      expect(await store.sessions.deleteExpired(T + 100)).toBe(1)
      await store.sessions.create({ sessionId: 'sid2', subject: 's', authTime: T, expiresAt: T + 100 })
      expect(await store.sessions.delete('sid2')).toBe(true)
    })

    it('remembers revoked access tokens until they expire', async () => {
      await store.revokedAccessTokens.revoke('jti-a', T + 10)
      await store.revokedAccessTokens.revoke('jti-a', T + 5)
      expect(await store.revokedAccessTokens.isRevoked('jti-a')).toBe(true)
      expect(await store.revokedAccessTokens.isRevoked('jti-b')).toBe(false)
      expect(await store.revokedAccessTokens.deleteExpired(T + 5)).toBe(0)
      expect(await store.revokedAccessTokens.deleteExpired(T + 10)).toBe(1)
      expect(await store.revokedAccessTokens.isRevoked('jti-a')).toBe(false)
    })

    it('keeps the post-logout redirect URIs of clients (OpenID Connect RP-Initiated Logout 1.0 §3.1)', async () => {
      const rp = client({ postLogoutRedirectUris: ['https://app.example/bye', 'http://127.0.0.1:8080/bye'] })
      await store.clients.create(rp)
      expect(await store.clients.get(rp.clientId)).toEqual(rp)
      const changed = { ...rp, postLogoutRedirectUris: ['https://app.example/signed-out'] }
      expect(await store.clients.update(changed)).toBe(true)
      expect(await store.clients.get(rp.clientId)).toEqual(changed)
      await store.clients.update({ ...rp, postLogoutRedirectUris: undefined })
      expect((await store.clients.get(rp.clientId))?.postLogoutRedirectUris).toBeUndefined()
      expect(
        (await store.clients.list()).find((c) => c.clientId === rp.clientId)?.postLogoutRedirectUris,
      ).toBeUndefined()
    })

    it("keeps a private_key_jwt client's jwks_uri (RFC 7591), and clears it", async () => {
      const remote = client({ secretHash: null, jwksUri: 'https://rp.example/jwks.json' })
      await store.clients.create(remote)
      expect(await store.clients.get(remote.clientId)).toEqual(remote)
      const moved = { ...remote, jwksUri: 'http://127.0.0.1:8080/keys' }
      expect(await store.clients.update(moved)).toBe(true)
      expect(await store.clients.get(remote.clientId)).toEqual(moved)
      expect((await store.clients.list()).find((c) => c.clientId === remote.clientId)?.jwksUri).toBe(
        'http://127.0.0.1:8080/keys',
      )
      await store.clients.update({ ...remote, jwksUri: undefined })
      expect((await store.clients.get(remote.clientId))?.jwksUri).toBeUndefined()
    })

    it('keeps the DPoP bindings of clients, codes and refresh tokens (RFC 9449 §§5, 10)', async () => {
      const strict = client({ dpopBoundAccessTokens: true })
      await store.clients.create(strict)
      expect(await store.clients.get(strict.clientId)).toEqual(strict)
      await store.clients.update({ ...strict, dpopBoundAccessTokens: undefined })
      expect((await store.clients.get(strict.clientId))?.dpopBoundAccessTokens).toBeUndefined()
      const jkt = 'A'.repeat(43)
      const bound = code({ dpopJkt: jkt })
      await store.authorizationCodes.create(bound)
      const consumed = await store.authorizationCodes.consume(bound.codeHash, T + 1, {
        accessTokenJti: 'jti-bound',
        accessTokenExpiresAt: T + 600,
        familyId: randomUUID(),
      })
      expect(consumed).toMatchObject({ outcome: 'consumed', code: { dpopJkt: jkt } })
      const familyId = await newFamily(store)
      const token = refreshToken(familyId, { dpopJkt: jkt })
      await store.refreshTokens.create(token)
      expect(await store.refreshTokens.get(token.tokenHash)).toEqual(token)
      const next = refreshToken(familyId, { dpopJkt: jkt })
      expect(await store.refreshTokens.rotate(token.tokenHash, T + 1, next)).toEqual({ outcome: 'rotated' })
      expect((await store.refreshTokens.get(next.tokenHash))?.dpopJkt).toBe(jkt)
      const unbound = code()
      await store.authorizationCodes.create(unbound)
      expect((await store.authorizationCodes.get(unbound.codeHash))?.dpopJkt ?? null).toBeNull()
    })

    it('accepts a JWT ID once per kind until its use expires and is purged', async () => {
      expect(await store.usedJwtIds.use('dpop', 'jti-a', T + 10)).toBe(true)
      expect(await store.usedJwtIds.use('dpop', 'jti-a', T + 20)).toBe(false)
      expect(await store.usedJwtIds.use('client_assertion', 'jti-a', T + 10)).toBe(true)
      expect(await store.usedJwtIds.use('dpop', 'jti-b', T + 30)).toBe(true)
      expect(await store.usedJwtIds.deleteExpired(T + 9)).toBe(0)
      // Not purged yet: still refused even though its time is over.
      expect(await store.usedJwtIds.use('dpop', 'jti-a', T + 40)).toBe(false)
      expect(await store.usedJwtIds.deleteExpired(T + 10)).toBe(2)
      expect(await store.usedJwtIds.use('dpop', 'jti-a', T + 40)).toBe(true)
      expect(await store.usedJwtIds.use('dpop', 'jti-b', T + 40)).toBe(false)
    })

    it('lets exactly one of 50 concurrent uses of a JWT ID win', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.usedJwtIds.use('dpop', 'jti-concurrent', T + 60)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    })

    it('keeps a pushed authorization request until it is consumed once or expires, extended on first use', async () => {
      const c = client()
      await store.clients.create(c)
      const record = {
        requestUriHash: 'par-hash-a',
        clientId: c.clientId,
        parameters: { client_id: c.clientId, scope: 'openid kb:read', state: 'é' },
        expiresAt: T + 60,
        createdAt: T,
        firstUsedAt: null,
      }
      await store.pushedAuthorizationRequests.create(record)
      await store.pushedAuthorizationRequests.create({ ...record, requestUriHash: 'par-hash-b' })
      await expect(store.pushedAuthorizationRequests.create(record)).rejects.toThrow()
      expect(await store.pushedAuthorizationRequests.resolve('unknown', T, T + 600)).toBeUndefined()
      // The first resolution extends it to the interaction's expiry; later ones change nothing.
      expect(await store.pushedAuthorizationRequests.resolve('par-hash-a', T + 59, T + 659)).toEqual({
        ...record,
        expiresAt: T + 659,
        firstUsedAt: T + 59,
      })
      expect(
        (await store.pushedAuthorizationRequests.resolve('par-hash-a', T + 100, T + 9999))?.expiresAt,
      ).toBe(T + 659)
      // Never brought within expires_in: gone.
      expect(await store.pushedAuthorizationRequests.resolve('par-hash-b', T + 60, T + 660)).toBeUndefined()
      expect(await store.pushedAuthorizationRequests.consume('par-hash-b', T + 60)).toBe(false)
      expect(await store.pushedAuthorizationRequests.deleteExpired(T + 60)).toBe(1)
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.pushedAuthorizationRequests.consume('par-hash-a', T + 200)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      expect(await store.pushedAuthorizationRequests.resolve('par-hash-a', T + 200, T + 800)).toBeUndefined()
    })

    it("keeps personal access tokens by hash, lists each user's live ones oldest first, revokes by owner", async () => {
      await store.users.create(patUser('pat-a'))
      await store.users.create(patUser('pat-b'))
      const first = personalAccessToken('pat-a', { scope: [], expiresAt: T + 10 })
      const second = personalAccessToken('pat-a', { createdAt: T + 1, expiresAt: T + 20 })
      const other = personalAccessToken('pat-b')
      for (const token of [second, first, other]) {
        expect(await store.personalAccessTokens.create(token, 10)).toBe('created')
      }
      expect(await store.personalAccessTokens.getByHash(first.tokenHash)).toEqual(first)
      expect(await store.personalAccessTokens.getByHash('unknown')).toBeUndefined()
      expect(await store.personalAccessTokens.list('pat-a', T)).toEqual([first, second])
      expect(await store.personalAccessTokens.list('pat-a', T + 10)).toEqual([second])
      // Another user cannot revoke it, and cannot learn that it exists.
      expect(await store.personalAccessTokens.revoke('pat-b', second.id)).toBe(false)
      expect(await store.personalAccessTokens.revoke('pat-a', second.id)).toBe(true)
      expect(await store.personalAccessTokens.revoke('pat-a', second.id)).toBe(false)
      expect(await store.personalAccessTokens.getByHash(second.tokenHash)).toBeUndefined()
      expect(await store.personalAccessTokens.deleteExpired(T + 10)).toBe(1)
      expect(await store.personalAccessTokens.getByHash(first.tokenHash)).toBeUndefined()
      expect(await store.personalAccessTokens.list('pat-b', T)).toEqual([other])
    })

    it('creates personal access tokens for known users only, never past the limit, even concurrently', async () => {
      expect(await store.personalAccessTokens.create(personalAccessToken('nobody'), 5)).toBe('unknown_user')
      await store.users.create(patUser('pat-c'))
      // An expired token does not count against the limit.
      await store.personalAccessTokens.create(
        personalAccessToken('pat-c', { createdAt: T - 100, expiresAt: T }),
        5,
      )
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, () => store.personalAccessTokens.create(personalAccessToken('pat-c'), 5)),
      )
      expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(5)
      expect(outcomes.filter((outcome) => outcome === 'limit_reached')).toHaveLength(7)
      expect(await store.personalAccessTokens.list('pat-c', T)).toHaveLength(5)
      const duplicate = (await store.personalAccessTokens.list('pat-c', T))[0] as PersonalAccessTokenRecord
      await expect(
        store.personalAccessTokens.create({ ...duplicate, id: randomUUID() }, 100),
      ).rejects.toThrow()
    })

    it('answers a ping while open and rejects it once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
      await store.close()
      await expect(store.ping()).rejects.toThrow()
    })

    it('rejects calls after close instead of answering stale data', async () => {
      await store.close()
      await expect(store.clients.get('x')).rejects.toThrow()
    })
  })
}
