import { describe, expect, it } from 'vitest'
import { OAuthError } from './errors.js'
import {
  authorizationCodeFor,
  basic,
  createUser,
  REDIRECT_URI,
  rejectionOf,
  testServer,
} from './test-support/fixtures.js'

async function twoClients() {
  const { server, store } = testServer()
  await createUser(store)
  const register = async (name: string) => {
    const { client, clientSecret } = await server.registerClient({
      name,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'offline_access', 'kb:read'],
    })
    return { client, auth: { authorization: basic(client.clientId, clientSecret ?? '') } }
  }
  const owner = await register('owner')
  const other = await register('other')
  const code = await authorizationCodeFor(server, owner.client.clientId, {
    scope: 'openid offline_access kb:read',
  })
  const tokens = await server.token(
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
    owner.auth,
  )
  return { server, owner, other, tokens }
}

describe('revocation (RFC 7009)', () => {
  it('refuses to revoke a token issued to another client with invalid_request (RFC 7009 section 2.1)', async () => {
    const { server, owner, other, tokens } = await twoClients()
    for (const token of [tokens.accessToken, tokens.refreshToken ?? '']) {
      const error = await rejectionOf(server.revoke({ token }, other.auth), OAuthError)
      expect(error.error).toBe('invalid_request')
      expect(error.status).toBe(400)
      // Refused, so nothing was revoked.
      expect((await server.introspect({ token }, owner.auth)).active).toBe(true)
    }
  })

  it('answers 200 for an unknown or invalid token (RFC 7009 section 2.2)', async () => {
    const { server, owner } = await twoClients()
    await expect(server.revoke({ token: 'never-issued-token-value' }, owner.auth)).resolves.toBeUndefined()
    await expect(server.revoke({ token: 'aaaa.bbbb.cccc' }, owner.auth)).resolves.toBeUndefined()
  })
})
