import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './authorization-server.js'
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
} from './test-support/fixtures.js'

/** A signed-in user's grant to a confidential (or public) client, with its first refresh token. */
async function grant(options: { reuseInterval?: number; public?: boolean } = {}) {
  const clock = manualClock()
  const store = createMemoryStore()
  const server = createAuthorizationServer({
    issuer: ISSUER,
    store,
    now: clock.now,
    ...(options.reuseInterval === undefined ? {} : { refreshTokenReuseInterval: options.reuseInterval }),
  })
  await createUser(store)
  const { client, clientSecret } = await server.registerClient({
    name: 'web',
    redirectUris: [REDIRECT_URI],
    ...(options.public ? { public: true } : {}),
  })
  const auth = options.public ? {} : { authorization: basic(client.clientId, clientSecret ?? '') }
  const extra: Record<string, string> = options.public ? { client_id: client.clientId } : {}
  const pkce = pkcePair()
  const code = await authorizationCodeFor(server, client.clientId, { challenge: pkce.challenge })
  const first = await server.token(
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce.verifier,
      ...extra,
    },
    auth,
  )
  const refresh = (refreshToken: string | undefined) =>
    server.token({ grant_type: 'refresh_token', refresh_token: refreshToken ?? '', ...extra }, auth)
  return { server, clock, refresh, refreshToken: first.refreshToken }
}

describe('refresh token reuse interval', () => {
  it('gives a confidential client that retries a refresh whose answer was lost a working successor', async () => {
    const { server, clock, refresh, refreshToken } = await grant({ reuseInterval: 30 })
    clock.advance(60)
    const lost = await refresh(refreshToken)
    clock.advance(10)
    const retried = await refresh(refreshToken)
    expect(retried.refreshToken).not.toBe(lost.refreshToken)
    // The answer that never arrived is revoked, refresh and access token: one token of the family lives.
    expect((await rejection(server.verifyAccessToken(lost.accessToken))).error).toBe('invalid_token')
    const next = await refresh(retried.refreshToken)
    expect(next.refreshToken).toEqual(expect.any(String))
    expect((await server.verifyAccessToken(retried.accessToken)).sub).toBe('user-alice')
  })

  it('still revokes the family when the lost successor turns up later: replay detection stays', async () => {
    const { refresh, refreshToken } = await grant({ reuseInterval: 30 })
    const lost = await refresh(refreshToken)
    const retried = await refresh(refreshToken)
    expect((await rejection(refresh(lost.refreshToken))).error).toBe('invalid_grant')
    expect((await rejection(refresh(retried.refreshToken))).error).toBe('invalid_grant')
  })

  it('treats a reuse after the interval, or after the successor was used, as a replay that revokes the family', async () => {
    const late = await grant({ reuseInterval: 30 })
    const second = await late.refresh(late.refreshToken)
    late.clock.advance(31)
    expect((await rejection(late.refresh(late.refreshToken))).error).toBe('invalid_grant')
    expect((await rejection(late.refresh(second.refreshToken))).error).toBe('invalid_grant')

    const used = await grant({ reuseInterval: 30 })
    const next = await used.refresh(used.refreshToken)
    const after = await used.refresh(next.refreshToken)
    expect((await rejection(used.refresh(used.refreshToken))).error).toBe('invalid_grant')
    expect((await rejection(used.refresh(after.refreshToken))).error).toBe('invalid_grant')
  })

  it('never forgives a public client, and is off by default (RFC 9700 section 4.14.2)', async () => {
    for (const options of [{ reuseInterval: 30, public: true }, {}]) {
      const { refresh, refreshToken } = await grant(options)
      const second = await refresh(refreshToken)
      expect((await rejection(refresh(refreshToken))).error).toBe('invalid_grant')
      expect((await rejection(refresh(second.refreshToken))).error).toBe('invalid_grant')
    }
  })

  it('refuses an interval outside 0-300 seconds', () => {
    expect(() =>
      createAuthorizationServer({
        issuer: ISSUER,
        store: createMemoryStore(),
        refreshTokenReuseInterval: 301,
      }),
    ).toThrow(RangeError)
  })
})
