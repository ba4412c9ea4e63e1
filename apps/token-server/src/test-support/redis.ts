import { randomBytes } from 'node:crypto'
import { serviceAvailable } from '@pipeshub/test-support/ci'
import { Redis } from 'ioredis'

/** The Redis the tests use: 127.0.0.1:6379 (override with PIPESHUB_TEST_REDIS_URL). */
export const TEST_REDIS_URL = process.env.PIPESHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * Whether Redis tests run. Unreachable with CI=true throws (the suite must fail, never skip in CI);
 * unreachable elsewhere answers false and prints why.
 */
export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
  })
  redis.on('error', () => {})
  let failure: string | undefined
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  } finally {
    redis.disconnect()
  }
  return serviceAvailable(`Redis at ${TEST_REDIS_URL}`, failure, 'the Redis tests')
}

/** A key prefix no other test run uses, so that parallel runs never share counters. */
export function uniqueRedisPrefix(): string {
  return `pipeshub-test:${Date.now().toString(36)}:${randomBytes(4).toString('hex')}:`
}

/** Deletes every key under `prefix`. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
  try {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
}
