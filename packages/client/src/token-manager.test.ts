import { describe, expect, it } from 'vitest'
import { OAuthError, ReauthorizationRequiredError, RefreshTokenPersistenceError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { cannedFetch, json, type Reply } from './test-support/canned-fetch.js'
import { createTokenManager } from './token-manager.js'

const metadata = { issuer: 'https://as.example', tokenEndpoint: 'https://as.example/token' }

/** A token endpoint that issues at-1, at-2, ... and (for refresh) rotates rt-1, rt-2, ... */
function tokenEndpoint(options: { expiresIn?: number; rotate?: boolean } = {}) {
  let issued = 0
  const reply: Reply = (request) => {
    issued++
    const body: Record<string, unknown> = { access_token: `at-${issued}`, token_type: 'Bearer' }
    if (options.expiresIn !== undefined) body.expires_in = options.expiresIn
    if (options.rotate && request.form.get('grant_type') === 'refresh_token')
      body.refresh_token = `rt-${issued}`
    return json(200, body)(request)
  }
  return reply
}

function setup(replies: Reply[]) {
  const canned = cannedFetch(...replies)
  const clock = { now: 1_000_000 }
  const client = new OAuthClient({
    metadata,
    clientId: 'c',
    clientSecret: 's',
    fetch: canned.fetch,
    retry: false,
  })
  return { client, clock, requests: canned.requests }
}

describe('token manager', () => {
  it('serves the cached token until skew seconds before expiry, then fetches a new one', async () => {
    const { client, clock, requests } = setup([tokenEndpoint({ expiresIn: 300 })])
    const manager = createTokenManager({
      client,
      grant: 'client_credentials',
      scope: 'org:read',
      refreshSkewSeconds: 30,
      now: () => clock.now,
    })
    expect(await manager.getAccessToken()).toBe('at-1')
    expect(requests[0]?.form.get('scope')).toBe('org:read')
    clock.now += 269_999
    expect(await manager.getAccessToken()).toBe('at-1')
    clock.now += 1
    expect(await manager.getAccessToken()).toBe('at-2')
    expect(requests).toHaveLength(2)
  })

  it('returns the same settled promise on the cached path (no allocation per call)', async () => {
    const { client } = setup([tokenEndpoint({ expiresIn: 300 })])
    const manager = createTokenManager({ client, grant: 'client_credentials' })
    await manager.getAccessToken()
    expect(manager.getAccessToken()).toBe(manager.getAccessToken())
  })

  it('sends exactly one request for 1,000 concurrent callers at expiry', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const issue = tokenEndpoint({ expiresIn: 60 })
    const { client, clock, requests } = setup([
      async (request) => {
        await gate
        return issue(request)
      },
    ])
    const manager = createTokenManager({ client, grant: 'client_credentials', now: () => clock.now })
    const callers = Array.from({ length: 1000 }, () => manager.getAccessToken())
    release()
    expect(new Set(await Promise.all(callers))).toEqual(new Set(['at-1']))
    expect(requests).toHaveLength(1)
  })

  it('hands a rotated refresh token to the callback, awaited, before the access token is returned', async () => {
    const events: string[] = []
    const { client, requests } = setup([tokenEndpoint({ expiresIn: 60, rotate: true })])
    const manager = createTokenManager({
      client,
      grant: { refreshToken: 'rt-0' },
      async onRefreshTokenRotated(refreshToken) {
        await Promise.resolve()
        events.push(`persisted ${refreshToken}`)
      },
    })
    const token = await manager.getAccessToken()
    events.push(`got ${token}`)
    expect(events).toEqual(['persisted rt-1', 'got at-1'])
    expect(requests[0]?.form.get('refresh_token')).toBe('rt-0')
    manager.invalidate()
    await manager.getAccessToken()
    expect(requests[1]?.form.get('refresh_token')).toBe('rt-1')
  })

  it('keeps the refresh token when the server does not rotate it (RFC 6749 §6)', async () => {
    const { client, requests } = setup([tokenEndpoint({ expiresIn: 60 })])
    let calls = 0
    const manager = createTokenManager({
      client,
      grant: { refreshToken: 'rt-0' },
      onRefreshTokenRotated: () => {
        calls++
      },
    })
    await manager.getAccessToken()
    manager.invalidate()
    await manager.getAccessToken()
    expect(requests.map((r) => r.form.get('refresh_token'))).toEqual(['rt-0', 'rt-0'])
    expect(calls).toBe(0)
  })

  it('withholds the access token when persisting the rotated refresh token fails, and uses the new one next', async () => {
    const { client, requests } = setup([tokenEndpoint({ expiresIn: 60, rotate: true })])
    const diskFull = new Error('ENOSPC')
    let failures = 1
    const manager = createTokenManager({
      client,
      grant: { refreshToken: 'rt-0' },
      onRefreshTokenRotated: () => {
        if (failures-- > 0) throw diskFull
      },
    })
    const error = await manager.getAccessToken().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RefreshTokenPersistenceError)
    expect((error as Error).cause).toBe(diskFull)
    expect(await manager.getAccessToken()).toBe('at-2')
    expect(requests.map((r) => r.form.get('refresh_token'))).toEqual(['rt-0', 'rt-1'])
  })

  it('ends the session on invalid_grant: a typed error, and no further requests', async () => {
    const { client, requests } = setup([json(400, { error: 'invalid_grant', error_description: 'rotated' })])
    const manager = createTokenManager({ client, grant: { refreshToken: 'rt-stale' } })
    const error = await manager.getAccessToken().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReauthorizationRequiredError)
    expect((error as Error).cause).toBeInstanceOf(OAuthError)
    expect(((error as Error).cause as OAuthError).error).toBe('invalid_grant')
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    expect(requests).toHaveLength(1)
  })

  it('starts again after setRefreshToken, and stops after clear', async () => {
    const { client, requests } = setup([
      json(400, { error: 'invalid_grant' }),
      tokenEndpoint({ expiresIn: 60 }),
    ])
    const manager = createTokenManager({ client, grant: { refreshToken: 'rt-old' } })
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    manager.setRefreshToken('rt-new')
    expect(await manager.getAccessToken()).toBe('at-1')
    expect(requests[1]?.form.get('refresh_token')).toBe('rt-new')
    manager.clear()
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    expect(requests).toHaveLength(2)
  })

  it('passes other errors through and tries again on the next call', async () => {
    const { client, requests } = setup([
      json(401, { error: 'invalid_client' }),
      tokenEndpoint({ expiresIn: 60 }),
    ])
    const manager = createTokenManager({ client, grant: 'client_credentials' })
    await expect(manager.getAccessToken()).rejects.toMatchObject({ error: 'invalid_client' })
    expect(await manager.getAccessToken()).toBe('at-1')
    expect(requests).toHaveLength(2)
  })

  it('refreshes at half-life when the lifetime is shorter than twice the skew, and assumes a default lifetime', async () => {
    const { client, clock, requests } = setup([tokenEndpoint({ expiresIn: 40 }), tokenEndpoint()])
    const manager = createTokenManager({
      client,
      grant: 'client_credentials',
      refreshSkewSeconds: 30,
      defaultExpiresInSeconds: 100,
      now: () => clock.now,
    })
    await manager.getAccessToken()
    clock.now += 19_999
    await manager.getAccessToken()
    expect(requests).toHaveLength(1)
    clock.now += 1
    await manager.getAccessToken()
    expect(requests).toHaveLength(2)
    clock.now += 69_999
    await manager.getAccessToken()
    expect(requests).toHaveLength(2)
  })

  it('does not let callers after clear() join the request of the ended session', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const issue = tokenEndpoint({ expiresIn: 60 })
    const { client, requests } = setup([
      async (request) => {
        await gate
        return issue(request)
      },
    ])
    const manager = createTokenManager({ client, grant: { refreshToken: 'rt-0' } })
    const before = manager.getAccessToken()
    manager.clear()
    const after = manager.getAccessToken()
    release()
    expect(await before).toBe('at-1')
    await expect(after).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    // The request that was in flight does not restore the session.
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    expect(requests).toHaveLength(1)
  })

  it('refuses a bad refreshSkewSeconds or defaultExpiresInSeconds, naming the option', () => {
    const { client } = setup([tokenEndpoint()])
    const grant = 'client_credentials' as const
    expect(() => createTokenManager({ client, grant, refreshSkewSeconds: -1 })).toThrow(
      'refreshSkewSeconds must be a finite number >= 0',
    )
    expect(() => createTokenManager({ client, grant, defaultExpiresInSeconds: 0 })).toThrow(
      'defaultExpiresInSeconds must be a finite number > 0',
    )
    expect(() =>
      createTokenManager({ client, grant, defaultExpiresInSeconds: Number.POSITIVE_INFINITY }),
    ).toThrow(RangeError)
  })
})

describe('token manager: fetchProtectedResource', () => {
  it('presents the current token as the type the server issued it with (Bearer here), one token request for many calls', async () => {
    const { client, requests } = setup([tokenEndpoint({ expiresIn: 300 }), json(200, { ok: true })])
    const manager = createTokenManager({ client, grant: 'client_credentials' })
    for (let i = 0; i < 3; i++) {
      const response = await manager.fetchProtectedResource('https://rs.example/items')
      expect(response.status).toBe(200)
    }
    expect(requests.map((request) => new URL(request.url).pathname)).toEqual([
      '/token',
      '/items',
      '/items',
      '/items',
    ])
    expect(requests[1]?.headers.get('authorization')).toBe('Bearer at-1')
    expect(requests[1]?.headers.get('dpop')).toBeNull()
  })

  it('needs a client that can fetch protected resources', async () => {
    const manager = createTokenManager({
      client: {
        clientCredentials: () => Promise.reject(new Error('unused')),
        refresh: () => Promise.reject(new Error('unused')),
      },
      grant: 'client_credentials',
    })
    await expect(manager.fetchProtectedResource('https://rs.example/')).rejects.toThrow(TypeError)
  })
})
