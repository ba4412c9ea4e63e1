import { describe, expect, it } from 'vitest'
import {
  authorizationCodeFor,
  basic,
  createUser,
  REDIRECT_URI,
  rejection,
  testServer,
} from '../test-support/fixtures.js'

/**
 * PipesHub's rule for a replayed authorization code: every live token of that end-user at that client
 * is revoked, not only what the replayed code issued (RFC 6749 section 4.1.2 asks for the latter).
 */
describe('authorization code reuse', () => {
  async function setup() {
    const t = testServer()
    await createUser(t.store, 'alice')
    await createUser(t.store, 'bob')
    const register = async (name: string) => {
      const { client, clientSecret } = await t.server.registerClient({
        name,
        redirectUris: [REDIRECT_URI],
        scopes: ['openid', 'profile', 'email', 'offline_access', 'kb:read'],
      })
      return { client, auth: { authorization: basic(client.clientId, clientSecret ?? '') } }
    }
    const app = await register('app')
    const other = await register('other app')
    const redeem = async (
      target: Awaited<ReturnType<typeof register>>,
      options: { subject?: string; scope?: string } = {},
    ) => {
      const code = await authorizationCodeFor(t.server, target.client.clientId, options)
      const tokens = await t.server.token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        target.auth,
      )
      return { code, tokens }
    }
    const live = async (
      target: Awaited<ReturnType<typeof register>>,
      tokens: { accessToken: string; refreshToken?: string | undefined },
    ) => {
      const access = await t.server.introspect({ token: tokens.accessToken }, target.auth)
      const refresh =
        tokens.refreshToken === undefined
          ? undefined
          : (await t.server.introspect({ token: tokens.refreshToken }, target.auth)).active
      return { access: access.active, refresh }
    }
    return { ...t, app, other, redeem, live }
  }

  it('revokes every live token of the user at the client, including grants the replayed code did not start', async () => {
    const { server, app, other, redeem, live, clock } = await setup()
    const replayed = await redeem(app)
    // A second grant of the same user and client, refreshed once, and one without a refresh token.
    const second = await redeem(app)
    clock.advance(10)
    const refreshed = await server.token(
      { grant_type: 'refresh_token', refresh_token: second.tokens.refreshToken ?? '' },
      app.auth,
    )
    const accessOnly = await redeem(app, { scope: 'kb:read' })
    // What must survive: another user at the same client, the same user at another client.
    const bob = await redeem(app, { subject: 'user-bob' })
    const elsewhere = await redeem(other)

    const reuse = await rejection(
      server.token(
        { grant_type: 'authorization_code', code: replayed.code, redirect_uri: REDIRECT_URI },
        app.auth,
      ),
    )
    expect(reuse.error).toBe('invalid_grant')

    for (const tokens of [replayed.tokens, refreshed]) {
      expect(await live(app, tokens)).toEqual({ access: false, refresh: false })
    }
    expect(await live(app, accessOnly.tokens)).toEqual({ access: false, refresh: undefined })
    expect(await live(app, bob.tokens)).toEqual({ access: true, refresh: true })
    expect(await live(other, elsewhere.tokens)).toEqual({ access: true, refresh: true })
  })

  it('still revokes an access-only grant after its code expired and the store was purged', async () => {
    const { server, app, redeem, live, clock } = await setup()
    const replayed = await redeem(app)
    const accessOnly = await redeem(app, { scope: 'kb:read' })
    clock.advance(601)
    await server.purgeExpired()
    const reuse = await rejection(
      server.token(
        { grant_type: 'authorization_code', code: replayed.code, redirect_uri: REDIRECT_URI },
        app.auth,
      ),
    )
    expect(reuse.error).toBe('invalid_grant')
    expect(await live(app, accessOnly.tokens)).toEqual({ access: false, refresh: undefined })
  })
})
