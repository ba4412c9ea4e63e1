import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './authorization-server.js'
import { normalizeUserCode } from './device-user-code.js'
import { createMemoryStore } from './store/memory.js'
import { basic, createUser, ISSUER, manualClock, rejection } from './test-support/fixtures.js'

// RFC 8628 end to end through the framework-free server: the device authorization endpoint, the
// verification page's find/decide, and the token endpoint's device_code grant on the registry.

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'

async function setup(options: { public?: boolean; grantTypes?: string[] } = {}) {
  const clock = manualClock()
  const store = createMemoryStore()
  const server = createAuthorizationServer({ issuer: ISSUER, store, now: clock.now })
  const user = await createUser(store)
  const { client, clientSecret } = await server.registerClient({
    name: 'Living-room TV',
    ...(options.public === false ? {} : { public: true }),
    redirectUris: [],
    grantTypes: (options.grantTypes ?? [DEVICE_CODE, 'refresh_token']) as never,
    scopes: ['openid', 'offline_access', 'kb:read'],
  })
  const auth = clientSecret === undefined ? {} : { authorization: basic(client.clientId, clientSecret) }
  const id = clientSecret === undefined ? { client_id: client.clientId } : {}
  const start = (scope = 'openid offline_access kb:read') =>
    server.deviceAuthorization.authorize({ scope, ...id }, auth)
  const poll = (deviceCode: string) =>
    server.token({ grant_type: DEVICE_CODE, device_code: deviceCode, ...id }, auth)
  return { clock, store, server, user, client, start, poll }
}

describe('the device authorization endpoint (RFC 8628 §3.1-§3.2)', () => {
  it('answers a device code, a user code people can type, the verification URIs, expires_in and interval', async () => {
    const { start } = await setup()
    const response = await start()
    expect(response.userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(response.deviceCode.length).toBeGreaterThanOrEqual(43)
    expect(response).toMatchObject({
      verificationUri: `${ISSUER}/device`,
      verificationUriComplete: `${ISSUER}/device?user_code=${response.userCode}`,
      expiresIn: 600,
      interval: 5,
    })
    expect((await start()).userCode).not.toBe(response.userCode)
  })

  it('authenticates a confidential client, and refuses it without its secret', async () => {
    const { server, start, client } = await setup({ public: false })
    await expect(start()).resolves.toMatchObject({ interval: 5 })
    const refused = await rejection(
      server.deviceAuthorization.authorize({ scope: 'openid', client_id: client.clientId }, {}),
    )
    expect(refused).toMatchObject({ error: 'invalid_client', status: 401 })
  })

  it('refuses a client not registered for the device grant, a missing or unknown scope', async () => {
    const other = await setup({ grantTypes: ['refresh_token'] })
    expect(await rejection(other.start())).toMatchObject({ error: 'unauthorized_client', status: 400 })
    const { start } = await setup()
    expect(await rejection(start(''))).toMatchObject({ error: 'invalid_scope', status: 400 })
    expect(await rejection(start('openid admin:everything'))).toMatchObject({ error: 'invalid_scope' })
  })

  it('is in the discovery document, and so is the grant type', async () => {
    const { server } = await setup()
    expect(server.metadata()).toMatchObject({
      device_authorization_endpoint: `${ISSUER}/api/v1/oauth2/device_authorization`,
      grant_types_supported: expect.arrayContaining([DEVICE_CODE]),
    })
  })
})

describe('polling the token endpoint (RFC 8628 §3.4-§3.5)', () => {
  it('answers authorization_pending, then the tokens once the end-user approved, then invalid_grant', async () => {
    const { clock, server, user, client, start, poll } = await setup()
    const device = await start()
    clock.advance(5)
    expect(await rejection(poll(device.deviceCode))).toMatchObject({
      error: 'authorization_pending',
      status: 400,
    })
    // The verification page: the code as typed, lower case and without its dash.
    const typed = device.userCode.replace('-', '').toLowerCase()
    const pending = await server.deviceAuthorization.find(typed)
    expect(pending).toMatchObject({
      userCode: device.userCode,
      client: { clientId: client.clientId, name: 'Living-room TV' },
      scope: ['openid', 'offline_access', 'kb:read'],
    })
    expect(
      await server.deviceAuthorization.decide(typed, {
        approved: true,
        subject: user.subject,
        authTime: clock.now(),
      }),
    ).toBe(true)
    // The user code is single use: the page cannot find or decide it again.
    expect(await server.deviceAuthorization.find(device.userCode)).toBeUndefined()
    expect(
      await server.deviceAuthorization.decide(device.userCode, {
        approved: false,
        subject: user.subject,
        authTime: 1,
      }),
    ).toBe(false)
    clock.advance(5)
    const tokens = await poll(device.deviceCode)
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'openid offline_access kb:read' })
    expect(tokens.refreshToken).toBeDefined()
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ sub: user.subject, client_id: client.clientId })
    expect(decodeJwt(tokens.idToken ?? '')).toMatchObject({ sub: user.subject, aud: client.clientId })
    expect(decodeJwt(tokens.idToken ?? '').nonce).toBeUndefined()
    clock.advance(5)
    expect(await rejection(poll(device.deviceCode))).toMatchObject({ error: 'invalid_grant', status: 400 })
    // The refresh token of a device grant refreshes like any other.
    await expect(
      server.token(
        { grant_type: 'refresh_token', refresh_token: tokens.refreshToken ?? '', client_id: client.clientId },
        {},
      ),
    ).resolves.toMatchObject({ scope: 'openid offline_access kb:read' })
  })

  it('answers slow_down to a device polling faster than its interval, and expects 5 s more from then on', async () => {
    const { clock, poll, start } = await setup()
    const device = await start()
    clock.advance(2)
    expect(await rejection(poll(device.deviceCode))).toMatchObject({ error: 'slow_down', status: 400 })
    clock.advance(5)
    expect((await rejection(poll(device.deviceCode))).error).toBe('slow_down')
    clock.advance(15)
    expect((await rejection(poll(device.deviceCode))).error).toBe('authorization_pending')
  })

  it('answers access_denied when the end-user denied, and expired_token once the code expired', async () => {
    const denied = await setup()
    const device = await denied.start()
    await denied.server.deviceAuthorization.decide(device.userCode, {
      approved: false,
      subject: denied.user.subject,
      authTime: denied.clock.now(),
    })
    denied.clock.advance(5)
    expect(await rejection(denied.poll(device.deviceCode))).toMatchObject({
      error: 'access_denied',
      status: 400,
    })

    const late = await setup()
    const expiring = await late.start()
    late.clock.advance(600)
    expect(await rejection(late.poll(expiring.deviceCode))).toMatchObject({
      error: 'expired_token',
      status: 400,
    })
    expect(await late.server.deviceAuthorization.find(expiring.userCode)).toBeUndefined()
  })

  it('answers invalid_grant for an unknown device code or another client’s', async () => {
    const first = await setup()
    const device = await first.start()
    expect((await rejection(first.poll('not-a-device-code'))).error).toBe('invalid_grant')
    const { client } = await first.server.registerClient({
      name: 'another TV',
      public: true,
      redirectUris: [],
      grantTypes: [DEVICE_CODE] as never,
      scopes: ['openid'],
    })
    first.clock.advance(5)
    const stolen = await rejection(
      first.server.token(
        { grant_type: DEVICE_CODE, device_code: device.deviceCode, client_id: client.clientId },
        {},
      ),
    )
    expect(stolen).toMatchObject({ error: 'invalid_grant', status: 400 })
  })

  it('gives the tokens to exactly one of 20 concurrent polls of an approved code', async () => {
    const { clock, server, user, start, poll } = await setup()
    const device = await start()
    await server.deviceAuthorization.decide(device.userCode, {
      approved: true,
      subject: user.subject,
      authTime: 1,
    })
    clock.advance(5)
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => poll(device.deviceCode)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ error: 'invalid_grant' })
  })

  it('answers invalid_grant when the user who approved was disabled before the device polled', async () => {
    const { clock, server, user, start, poll } = await setup()
    const device = await start()
    await server.deviceAuthorization.decide(device.userCode, {
      approved: true,
      subject: user.subject,
      authTime: 1,
    })
    expect(await server.disableUser(user.subject)).toBe(true)
    clock.advance(5)
    expect(await rejection(poll(device.deviceCode))).toMatchObject({ error: 'invalid_grant', status: 400 })
  })

  it('lets the page grant fewer scopes than requested, never others', async () => {
    const { clock, server, user, start, poll } = await setup()
    const device = await start()
    const decision = { approved: true as const, subject: user.subject, authTime: clock.now() }
    expect(
      await rejection(
        server.deviceAuthorization.decide(device.userCode, { ...decision, scope: ['openid', 'kb:write'] }),
      ),
    ).toMatchObject({
      error: 'invalid_scope',
    })
    expect(await server.deviceAuthorization.decide(device.userCode, { ...decision, scope: ['openid'] })).toBe(
      true,
    )
    clock.advance(5)
    expect(await poll(device.deviceCode)).toMatchObject({ scope: 'openid' })
  })
})

describe('user codes (RFC 8628 §6.1)', () => {
  it('are normalized as people type them: case, dashes and spaces ignored; anything else refused', () => {
    expect(normalizeUserCode('wdjb-mjht')).toBe('WDJBMJHT')
    expect(normalizeUserCode(' WDJB MJHT ')).toBe('WDJBMJHT')
    expect(normalizeUserCode('WDJBMJHT')).toBe('WDJBMJHT')
    for (const bad of ['', 'WDJB-MJH', 'WDJB-MJHTX', 'WAJB-MJHT', 'WDJB-MJH1', 'ẀDJB-MJHT', 'x'.repeat(100)])
      expect(normalizeUserCode(bad)).toBeUndefined()
  })
})
