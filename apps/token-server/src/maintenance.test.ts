import { createMemoryStore } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { createMaintenance } from './maintenance.js'

const DAY = 86_400
const running = closeAfterEach<TokenServer>()

async function start(keyRotationDays: number) {
  let t = 1_800_000_000
  const store = createMemoryStore()
  const server = await createTokenServer({
    config: testConfig({ keyRotationDays }),
    store,
    issuer: 'http://token-server.test',
    now: () => t,
  })
  running.push(server)
  const maintenance = createMaintenance({
    authorizationServer: server.authorizationServer,
    keyRotationDays,
    log: server.app.log,
  })
  // The access-token keys; the ID-token keys (RS256) follow the same schedule.
  const kids = async () =>
    (await server.authorizationServer.jwks()).keys.filter((key) => key.alg === 'ES256').map((key) => key.kid)
  const signer = async () => (await server.authorizationServer.signingKeys.signingKey()).kid
  return {
    server,
    maintenance,
    kids,
    signer,
    advance(seconds: number) {
      t += seconds
    },
  }
}

describe('scheduled signing-key rotation', () => {
  it('rotates once the key is PIPESHUB_KEY_ROTATION_DAYS old, publishing the new key before it signs', async () => {
    const { maintenance, kids, signer, advance } = await start(30)
    const first = await signer()
    await maintenance.rotateKeysIfDue()
    expect(await kids()).toEqual([first])

    advance(30 * DAY - 1)
    await maintenance.rotateKeysIfDue()
    expect(await kids()).toEqual([first])

    advance(1)
    await maintenance.rotateKeysIfDue()
    const published = await kids()
    expect(published).toHaveLength(2)
    const next = published.find((kid) => kid !== first)
    // Published in JWKS now, signing only after the publication delay (one hour).
    expect(await signer()).toBe(first)
    advance(3600)
    expect(await signer()).toBe(next)
  })

  it('never rotates when PIPESHUB_KEY_ROTATION_DAYS is 0', async () => {
    const { maintenance, kids, advance } = await start(0)
    const before = await kids()
    advance(3650 * DAY)
    await maintenance.rotateKeysIfDue()
    expect(await kids()).toEqual(before)
  })
})
