import { randomUUID } from 'node:crypto'
import { createMemoryStore, registerClient } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import type { TokenServerConfig } from './config.js'

const running = closeAfterEach<TokenServer>()

async function start(overrides: Partial<TokenServerConfig>) {
  const store = createMemoryStore()
  const { client, clientSecret } = await registerClient(store, {
    name: 'Backend',
    grantTypes: ['client_credentials'],
    scopes: ['org:read'],
  })
  // The source address comes from X-Forwarded-For, so that one test can speak from several addresses.
  const server = await createTokenServer({ config: testConfig({ trustProxy: true, ...overrides }), store })
  running.push(server)
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  const post = async (path: string, from: string, clientId: string, secret: string, body: string) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': from,
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      },
      body,
    })
    await response.arrayBuffer()
    return response.status
  }
  const token = (from: string, clientId: string = randomUUID(), secret = 'guess') =>
    post(server.paths.token, from, clientId, secret, 'grant_type=client_credentials&scope=org%3Aread')
  return { server, token, post, client: { clientId: client.clientId, secret: clientSecret ?? '' } }
}

/** CPU time (ms) this process spent while `work` ran: the scrypt work the server did for it. */
async function cpuMs(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage()
  await work()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

describe('failed client authentications', () => {
  it('limits one source address before hashing, however many client ids it makes up, sequential or in a burst', async () => {
    const { token, client } = await start({ rateLimitClientAuthFailures: 5 })
    const sequential: number[] = []
    for (let i = 0; i < 20; i++) sequential.push(await token('10.0.0.1'))
    const cpu = await cpuMs(async () => {
      for (let i = 0; i < 20; i++) sequential.push(await token('10.0.0.1'))
    })
    expect(sequential.filter((status) => status === 401)).toHaveLength(5)
    expect(sequential.slice(5).every((status) => status === 429)).toBe(true)
    // A refusal costs no scrypt run (one is ~40 ms of CPU here): 20 of them well under 20 x 15 ms.
    expect(cpu).toBeLessThan(20 * 15)

    // A burst from an address that has failed once: the requests still being checked count as
    // failures, so no more than the 4 left get in.
    expect(await token('10.0.0.2')).toBe(401)
    const burst = await Promise.all(Array.from({ length: 30 }, () => token('10.0.0.2')))
    expect(burst.filter((status) => status === 401).length).toBeLessThanOrEqual(4)
    expect(burst.filter((status) => status === 429).length).toBeGreaterThanOrEqual(26)

    // The real client, from its own address, is not affected, even with 30 requests at once.
    const busy = await Promise.all(
      Array.from({ length: 30 }, () => token('10.0.0.3', client.clientId, client.secret)),
    )
    expect(busy.every((status) => status === 200)).toBe(true)
  })

  it('limits the failures of all sources together, and counts revocation and introspection too', async () => {
    const { server, token, post } = await start({
      rateLimitClientAuthFailures: 100,
      rateLimitClientAuthFailuresTotal: 6,
    })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push(await token(`10.1.0.${i}`))
    statuses.push(await post(server.paths.revocation, '10.1.1.1', randomUUID(), 'guess', 'token=abc'))
    statuses.push(await post(server.paths.introspection, '10.1.1.2', randomUUID(), 'guess', 'token=abc'))
    statuses.push(await token('10.1.2.1'))
    for (let i = 0; i < 4; i++) statuses.push(await token(`10.1.3.${i}`))
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429, 429, 429])
  })

  it('answers a limited request with Retry-After and an RFC 6749 section 5.2 body', async () => {
    const { server } = await start({ rateLimitClientAuthFailures: 1 })
    const request = () =>
      server.app.inject({
        method: 'POST',
        url: server.paths.token,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': '10.2.0.1',
          authorization: `Basic ${Buffer.from(`${randomUUID()}:x`).toString('base64')}`,
        },
        payload: 'grant_type=client_credentials',
      })
    expect((await request()).statusCode).toBe(401)
    const limited = await request()
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json()).toMatchObject({ error: 'temporarily_unavailable' })
  })
})
