import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './authorization-server.js'
import type { SecurityEvent } from './security-events.js'
import { createMemoryStore } from './store/memory.js'
import {
  authorizationCodeFor,
  basic,
  createUser,
  ISSUER,
  manualClock,
  REDIRECT_URI,
} from './test-support/fixtures.js'

function recordingServer() {
  const events: SecurityEvent[] = []
  const server = createAuthorizationServer({
    issuer: ISSUER,
    store: createMemoryStore(),
    now: manualClock().now,
    onSecurityEvent: (event) => events.push(event),
  })
  return { server, events }
}

describe('security events (onSecurityEvent)', () => {
  it('reports a failed client authentication with the client id and the reason, never the secret', async () => {
    const { server, events } = recordingServer()
    const { client } = await server.registerClient({ name: 'job', grantTypes: ['client_credentials'] })
    await expect(
      server.token(
        { grant_type: 'client_credentials' },
        { authorization: basic(client.clientId, 'wrong secret value') },
      ),
    ).rejects.toMatchObject({ error: 'invalid_client' })
    expect(events).toEqual([
      {
        type: 'client_authentication_failed',
        clientId: client.clientId,
        reason: 'client authentication failed',
      },
    ])
    expect(JSON.stringify(events)).not.toContain('wrong secret value')
  })

  it('reports refresh-token reuse and authorization-code reuse', async () => {
    const { server, events } = recordingServer()
    await createUser(server.store)
    const { client, clientSecret } = await server.registerClient({
      name: 'web',
      redirectUris: [REDIRECT_URI],
    })
    const authorization = basic(client.clientId, clientSecret ?? '')
    const code = await authorizationCodeFor(server, client.clientId)
    const params = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }
    await server.token(params, { authorization })
    await expect(server.token(params, { authorization })).rejects.toMatchObject({ error: 'invalid_grant' })
    // A second sign-in (the first one's tokens were revoked with the reused code).
    const second = await authorizationCodeFor(server, client.clientId)
    const tokens = await server.token({ ...params, code: second }, { authorization })
    const refresh = { grant_type: 'refresh_token', refresh_token: tokens.refreshToken ?? '' }
    await server.token(refresh, { authorization })
    await expect(server.token(refresh, { authorization })).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(events).toEqual([
      { type: 'authorization_code_reuse_detected', clientId: client.clientId },
      {
        type: 'refresh_token_reuse_detected',
        clientId: client.clientId,
        subject: 'user-alice',
        familyId: expect.any(String),
      },
    ])
  })

  it('reports key rotations and clients disabled and enabled; a throwing listener changes nothing', async () => {
    const { server, events } = recordingServer()
    const { client } = await server.registerClient({ name: 'job', grantTypes: ['client_credentials'] })
    const key = await server.rotateSigningKeys()
    expect(await server.disableClient(client.clientId)).toBe(true)
    expect(await server.enableClient(client.clientId)).toBe(true)
    expect(await server.disableClient('unknown')).toBe(false)
    expect(events).toEqual([
      { type: 'signing_key_rotated', kid: key.kid, alg: 'ES256', activatesAt: key.activatesAt },
      { type: 'client_disabled', clientId: client.clientId },
      { type: 'client_enabled', clientId: client.clientId },
    ])
    const throwing = createAuthorizationServer({
      issuer: ISSUER,
      store: createMemoryStore(),
      onSecurityEvent: () => {
        throw new Error('listener bug')
      },
    })
    await expect(throwing.rotateSigningKeys()).resolves.toMatchObject({ alg: 'ES256' })
  })
})
