import { randomUUID } from 'node:crypto'
import { createMemoryStore, registerClient, type Store } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { afterAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import type { TokenServerConfig } from './config.js'
import { unusedLoopbackPort } from './test-support/ports.js'
import { deleteRedisKeys, redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from './test-support/redis.js'

const available = await redisAvailable()
const prefixes: string[] = []
const running = closeAfterEach<TokenServer>()
afterAll(async () => {
  if (available) await Promise.all(prefixes.map(deleteRedisKeys))
})

async function instances(count: number, config: Partial<TokenServerConfig>) {
  // Instances sharing one store, as several processes share one database.
  const store: Store = createMemoryStore()
  const { client, clientSecret } = await registerClient(store, {
    name: 'Backend',
    grantTypes: ['client_credentials'],
    scopes: ['org:read'],
  })
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      createTokenServer({ config: testConfig(config), store, closeStore: false }),
    ),
  )
  running.push(...servers)
  const basic = `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`
  const token = async (server: TokenServer, authorization = basic) => {
    const response = await server.app.inject({
      method: 'POST',
      url: server.paths.token,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      payload: 'grant_type=client_credentials&scope=org%3Aread',
    })
    return response.statusCode
  }
  return { servers, token }
}

describe.runIf(available)('rate limits shared through Redis', () => {
  it('admits no more than the limit across two instances', async () => {
    const prefix = uniqueRedisPrefix()
    prefixes.push(prefix)
    const { servers, token } = await instances(2, {
      rateLimitToken: 10,
      redisUrl: TEST_REDIS_URL,
      redisKeyPrefix: prefix,
      // What is proven is sharing: a Redis answer slower than the default 500 ms on a loaded machine would
      // count per instance instead (the documented fallback) and admit up to twice the limit.
      redisCommandTimeoutMs: 30_000,
    })
    const [a, b] = servers as [TokenServer, TokenServer]
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => token(i % 2 === 0 ? a : b)))
    expect(statuses.filter((status) => status === 200)).toHaveLength(10)
    expect(statuses.filter((status) => status === 429)).toHaveLength(20)
  })

  it('shares the failed client authentication budget across instances', async () => {
    const prefix = uniqueRedisPrefix()
    prefixes.push(prefix)
    const { servers, token } = await instances(2, {
      rateLimitClientAuthFailures: 4,
      redisUrl: TEST_REDIS_URL,
      redisKeyPrefix: prefix,
      redisCommandTimeoutMs: 30_000,
    })
    const [a, b] = servers as [TokenServer, TokenServer]
    const guess = () => `Basic ${Buffer.from(`${randomUUID()}:guess`).toString('base64')}`
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) statuses.push(await token(i % 2 === 0 ? a : b, guess()))
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429, 429, 429, 429])
  })
})

describe('rate limits while Redis is down', () => {
  it('never fails a request, and counts per instance until Redis answers again', async () => {
    const { servers, token } = await instances(1, {
      rateLimitToken: 3,
      redisUrl: `redis://127.0.0.1:${await unusedLoopbackPort()}`,
      redisKeyPrefix: uniqueRedisPrefix(),
    })
    const [a] = servers as [TokenServer]
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push(await token(a))
    expect(statuses).toEqual([200, 200, 200, 429, 429])
  })
})
