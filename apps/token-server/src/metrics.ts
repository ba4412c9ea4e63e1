import type { EndpointPaths, Store } from '@pipeshub/server'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { namedClientId } from './request-client-id.js'

/** Seconds; from a fast cached token response to a slow scrypt client authentication or a store outage. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5]

/** The grant types a token request may name; anything else is counted as `other` (bounded labels). */
const GRANT_TYPES = new Set(['authorization_code', 'client_credentials', 'refresh_token'])

export interface TokenServerMetrics {
  /** The registry of this server's series (not prom-client's global one: two servers in one process stay apart). */
  readonly registry: Registry
  /** The same store, with every call timed and every failure counted by operation (`clients.get`, ...). */
  instrumentStore(store: Store): Store
  /** Counts requests, latencies, tokens issued, OAuth errors and rate-limit rejections of `app`. */
  observe(app: FastifyInstance, paths: EndpointPaths): void
  /** Answers `GET /metrics` in the Prometheus text format. */
  handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>
}

export interface MetricsOptions {
  /** The store the signing keys are read from for `pipeshub_signing_key_age_seconds` (not instrumented). */
  store: Store
  /** Epoch seconds. */
  now?: () => number
}

/**
 * The token server's Prometheus series (`prom-client`). Labels are bounded: routes are route patterns
 * (`unmatched` for 404s), OAuth error codes come from this server's own responses, grant types from a
 * fixed set. `client_id` on `pipeshub_tokens_issued_total` grows with the registered clients only:
 * it counts successful responses, so an unknown id never becomes a series.
 */
export function createMetrics(options: MetricsOptions): TokenServerMetrics {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000))
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const requests = new Counter({
    name: 'pipeshub_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  })
  const duration = new Histogram({
    name: 'pipeshub_http_request_duration_seconds',
    help: 'Time from the request to the end of the response, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const tokensIssued = new Counter({
    name: 'pipeshub_tokens_issued_total',
    help: 'Successful token responses, by grant type and client id.',
    labelNames: ['grant_type', 'client_id'] as const,
    registers,
  })
  const oauthErrors = new Counter({
    name: 'pipeshub_oauth_errors_total',
    help: 'OAuth error responses (RFC 6749 section 5.2 bodies), by route pattern and error code.',
    labelNames: ['route', 'error'] as const,
    registers,
  })
  const rateLimited = new Counter({
    name: 'pipeshub_rate_limit_rejections_total',
    help: 'Requests refused with 429 by a rate limit, by limit (token, login).',
    labelNames: ['limit'] as const,
    registers,
  })
  const storeDuration = new Histogram({
    name: 'pipeshub_store_operation_duration_seconds',
    help: 'Latency of store calls, by operation.',
    labelNames: ['operation'] as const,
    buckets: STORE_BUCKETS,
    registers,
  })
  const storeFailures = new Counter({
    name: 'pipeshub_store_operation_failures_total',
    help: 'Store calls that failed (rejected), by operation.',
    labelNames: ['operation'] as const,
    registers,
  })
  new Gauge({
    name: 'pipeshub_signing_key_age_seconds',
    help: 'Age of the key that signs now, by algorithm (it rotates every PIPESHUB_KEY_ROTATION_DAYS).',
    labelNames: ['alg'] as const,
    registers,
    async collect() {
      this.reset()
      const t = now()
      const signing = new Map<string, number>()
      for (const key of await options.store.signingKeys.list()) {
        if (key.activatesAt > t || (key.expiresAt !== null && key.expiresAt <= t)) continue
        signing.set(key.alg, Math.max(signing.get(key.alg) ?? 0, key.createdAt))
      }
      for (const [alg, createdAt] of signing) this.set({ alg }, t - createdAt)
    },
  })

  const timed =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const end = storeDuration.startTimer({ operation })
      try {
        return await call(...args)
      } catch (error) {
        storeFailures.inc({ operation })
        throw error
      } finally {
        end()
      }
    }

  return {
    registry,

    instrumentStore(store) {
      // A proxy per sub-store: methods on prototypes (class-based stores) are timed as well.
      const wrap = <T extends object>(group: string, target: T): T => {
        const wrapped = new Map<PropertyKey, unknown>()
        return new Proxy(target, {
          get(object, property) {
            const value = Reflect.get(object, property)
            if (typeof value !== 'function' || typeof property !== 'string') return value
            let timedCall = wrapped.get(property)
            if (timedCall === undefined) {
              // Looked up at each call: a method replaced on the store later is the one called.
              timedCall = timed(`${group}.${property}`, (...args: unknown[]) =>
                Promise.resolve(Reflect.apply(Reflect.get(object, property) as typeof value, object, args)),
              )
              wrapped.set(property, timedCall)
            }
            return timedCall
          },
        })
      }
      return {
        clients: wrap('clients', store.clients),
        users: wrap('users', store.users),
        authorizationCodes: wrap('authorizationCodes', store.authorizationCodes),
        deviceCodes: wrap('deviceCodes', store.deviceCodes),
        refreshTokens: wrap('refreshTokens', store.refreshTokens),
        signingKeys: wrap('signingKeys', store.signingKeys),
        consents: wrap('consents', store.consents),
        sessions: wrap('sessions', store.sessions),
        revokedAccessTokens: wrap('revokedAccessTokens', store.revokedAccessTokens),
        clientRegistrations: wrap('clientRegistrations', store.clientRegistrations),
        personalAccessTokens: wrap('personalAccessTokens', store.personalAccessTokens),
        serverSecrets: wrap('serverSecrets', store.serverSecrets),
        grants: wrap('grants', store.grants),
        usedJwtIds: wrap('usedJwtIds', store.usedJwtIds),
        pushedAuthorizationRequests: wrap('pushedAuthorizationRequests', store.pushedAuthorizationRequests),
        ping: timed('ping', () => store.ping()),
        seedIfEmpty: timed('seedIfEmpty', (seed: Parameters<Store['seedIfEmpty']>[0]) =>
          store.seedIfEmpty(seed),
        ),
        close: () => store.close(),
      }
    },

    observe(app, paths) {
      const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched'
      // Callback-form hooks: no promise per request.
      app.addHook('onSend', (request, reply, payload, done) => {
        if (reply.statusCode < 400 || typeof payload !== 'string') return done(null, payload)
        if (!String(reply.getHeader('content-type') ?? '').startsWith('application/json'))
          return done(null, payload)
        try {
          const error = (JSON.parse(payload) as { error?: unknown }).error
          if (typeof error === 'string' && /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/.test(error))
            oauthErrors.inc({ route: routeOf(request), error })
        } catch {
          // Not an OAuth error body.
        }
        done(null, payload)
      })
      app.addHook('onResponse', (request, reply, done) => {
        const route = routeOf(request)
        const status = reply.statusCode
        requests.inc({ route, method: request.method, status: String(status) })
        duration.observe({ route, method: request.method }, reply.elapsedTime / 1000)
        if (status === 429) {
          if (route === paths.token) rateLimited.inc({ limit: 'token' })
          else if (route === paths.authorization) rateLimited.inc({ limit: 'login' })
        }
        if (route === paths.token && request.method === 'POST' && status === 200) {
          const body = (request.body ?? {}) as Record<string, unknown>
          const grantType = typeof body.grant_type === 'string' ? body.grant_type : ''
          const clientId = namedClientId(request)
          tokensIssued.inc({
            grant_type: GRANT_TYPES.has(grantType) ? grantType : 'other',
            client_id: clientId ?? 'unknown',
          })
        }
        done()
      })
    },

    async handle(_request, reply) {
      return reply
        .header('content-type', registry.contentType)
        .header('cache-control', 'no-store')
        .send(await registry.metrics())
    },
  }
}

/** `/metrics` alone on its own listener (`PIPESHUB_METRICS_PORT`), away from the public one. */
export async function createMetricsListener(metrics: TokenServerMetrics): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true })
  app.get('/metrics', (request, reply) => metrics.handle(request, reply))
  await app.ready()
  return app
}
