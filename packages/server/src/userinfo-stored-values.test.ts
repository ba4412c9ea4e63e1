import { describe, expect, it } from 'vitest'
import { buildAuthorizationServerApp } from './http/app.js'
import { createMemoryStore } from './store/memory.js'
import { authorizationCodeFor, basic, ISSUER, manualClock, REDIRECT_URI } from './test-support/fixtures.js'

describe('userinfo and stored values', () => {
  it('leaves out a stored claim its schema refuses instead of failing every answer (an empty username)', async () => {
    const store = createMemoryStore()
    const app = await buildAuthorizationServerApp({ issuer: ISSUER, store, now: manualClock().now })
    try {
      await store.users.create({
        subject: 'user-empty',
        username: '',
        passwordHash: null,
        name: '',
        email: 'ok@pipeshub.test',
        emailVerified: true,
        createdAt: 0,
      })
      const server = app.authorizationServer
      const { client, clientSecret } = await server.registerClient({
        name: 'web',
        redirectUris: [REDIRECT_URI],
      })
      const code = await authorizationCodeFor(server, client.clientId, {
        scope: 'openid profile email',
        subject: 'user-empty',
      })
      const tokens = await server.token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        { authorization: basic(client.clientId, clientSecret ?? '') },
      )
      const response = await app.inject({
        method: 'GET',
        url: server.paths.userinfo,
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({
        sub: 'user-empty',
        user_id: 'user-empty',
        updated_at: 0,
        email: 'ok@pipeshub.test',
        email_verified: true,
      })
    } finally {
      await app.close()
    }
  })
})
