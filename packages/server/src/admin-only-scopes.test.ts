import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './authorization-server.js'
import { ADMIN_ONLY_SCOPES } from './scopes.js'
import { createMemoryStore } from './store/memory.js'
import {
  authorizationCodeFor,
  createUser,
  REDIRECT_URI,
  rejection,
  testServer,
} from './test-support/fixtures.js'

describe("PipesHub's admin-only scopes", () => {
  async function setup(isAdministrator?: (user: { username: string }) => boolean) {
    const store = createMemoryStore()
    const { server, clock } = testServer(store)
    const configured =
      isAdministrator === undefined
        ? server
        : createAuthorizationServer({ issuer: server.issuer, store, now: clock.now, isAdministrator })
    await createUser(store, 'alice')
    await createUser(store, 'bob')
    const { client } = await configured.registerClient({
      name: 'admin console',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'org:read', 'org:admin', 'crawl:delete'],
    })
    return { server: configured, client }
  }

  it("are PipesHub's nine", () => {
    expect(ADMIN_ONLY_SCOPES).toEqual([
      'org:write',
      'org:admin',
      'user:invite',
      'user:delete',
      'usergroup:write',
      'team:write',
      'config:write',
      'crawl:write',
      'crawl:delete',
    ])
  })

  it('are never granted by default: nobody is an administrator until isAdministrator says so', async () => {
    const { server, client } = await setup()
    expect(await server.refusedScopes('user-alice', ['openid', 'org:admin'])).toEqual(['org:admin'])
    const refused = await rejection(
      authorizationCodeFor(server, client.clientId, { scope: 'openid org:admin crawl:delete' }),
    )
    expect(refused.error).toBe('access_denied')
    expect(refused.errorDescription).toBe(
      'scope org:admin crawl:delete may be granted by an administrator of the organisation only',
    )
    await expect(
      authorizationCodeFor(server, client.clientId, { scope: 'openid org:read' }),
    ).resolves.toBeTruthy()
  })

  it('are granted by an administrator only', async () => {
    const { server, client } = await setup((user) => user.username === 'alice')
    expect(await server.isAdministrator('user-alice')).toBe(true)
    expect(await server.isAdministrator('user-bob')).toBe(false)
    expect(await server.isAdministrator('user-nobody')).toBe(false)
    await expect(
      authorizationCodeFor(server, client.clientId, { scope: 'openid org:admin', subject: 'user-alice' }),
    ).resolves.toBeTruthy()
    const refused = await rejection(
      authorizationCodeFor(server, client.clientId, { scope: 'openid org:admin', subject: 'user-bob' }),
    )
    expect(refused.error).toBe('access_denied')
  })
})
