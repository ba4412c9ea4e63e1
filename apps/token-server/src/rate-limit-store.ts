import { createRequire } from 'node:module'
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyBaseLogger } from 'fastify'
import { Redis } from 'ioredis'

/** The counter protocol `@fastify/rate-limit` calls its stores with (`incr`, `read`, `child`). */
interface CounterStore {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void
  read(key: string, callback: Callback, timeWindow: number, max: number): void
  child(routeOptions: Record<string, unknown>): CounterStore
}
type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void

// The plugin's own two stores: its Redis store (one Lua script per count, so instances share one
// counter per key) and its in-process LRU store. Neither is in the package's typed exports.
const require = createRequire(import.meta.url)
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key: string,
) => CounterStore
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => CounterStore

const OUTAGE_LOG_INTERVAL_MS = 30_000

/**
 * Counts in Redis; when Redis does not answer, counts the same key in this process instead, so that a
 * Redis outage weakens the limits to per-instance ones but never fails a request (decision in
 * docs/decisions.md). The outage is logged at most every 30 s.
 */
class SharedCounterStore implements CounterStore {
  private lastOutageLog = 0

  constructor(
    private readonly shared: CounterStore,
    private readonly local: CounterStore,
    private readonly log: FastifyBaseLogger,
  ) {}

  private fallback(error: Error): void {
    const now = Date.now()
    if (now - this.lastOutageLog < OUTAGE_LOG_INTERVAL_MS) return
    this.lastOutageLog = now
    this.log.warn({ err: error }, 'Redis does not answer: rate limits are counted per instance meanwhile')
  }

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    this.shared.incr(
      key,
      (error, result) => {
        if (error === null) return callback(null, result)
        this.fallback(error)
        this.local.incr(key, callback, timeWindow, max)
      },
      timeWindow,
      max,
    )
  }

  read(key: string, callback: Callback, timeWindow: number, max: number): void {
    this.shared.read(
      key,
      (error, result) => {
        if (error === null) return callback(null, result)
        this.fallback(error)
        this.local.read(key, callback, timeWindow, max)
      },
      timeWindow,
      max,
    )
  }

  child(routeOptions: Record<string, unknown>): CounterStore {
    return new SharedCounterStore(this.shared.child(routeOptions), this.local.child(routeOptions), this.log)
  }
}

export interface RedisCounters {
  /** The `store` option of `@fastify/rate-limit`. */
  store: FastifyRateLimitStoreCtor
  /** Resolves once connected, or after `waitMs` without a connection (counting then falls back). */
  connected(waitMs: number): Promise<boolean>
  close(): Promise<void>
}

/**
 * Connects to Redis for the rate-limit counters. Commands fail at once while the connection is down
 * (no offline queue) and time out after `commandTimeoutMs`, so a request never waits on Redis for long.
 */
export function createRedisCounters(options: {
  url: string
  keyPrefix: string
  log: FastifyBaseLogger
  commandTimeoutMs?: number
}): RedisCounters {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  })
  // Connection errors are reported through the fallback's log; an unhandled 'error' would crash.
  redis.on('error', () => {})
  const shared = new RedisStore(false, false, redis, options.keyPrefix)
  const local = new LocalStore(false, false)
  const counters = new SharedCounterStore(shared, local, options.log)
  return {
    // The plugin constructs its store with `new`; hand it the one instance built here.
    store: function SharedStore() {
      return counters
    } as unknown as FastifyRateLimitStoreCtor,
    connected(waitMs) {
      if (redis.status === 'ready') return Promise.resolve(true)
      return new Promise((resolve) => {
        const done = (ready: boolean) => {
          clearTimeout(timer)
          redis.off('ready', onReady)
          resolve(ready)
        }
        const onReady = () => done(true)
        const timer = setTimeout(() => done(false), waitMs)
        redis.once('ready', onReady)
      })
    },
    async close() {
      redis.disconnect()
    },
  }
}
