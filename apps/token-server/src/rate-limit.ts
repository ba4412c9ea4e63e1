import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { PAGE_HEADERS } from './pages/html.js'
import { errorPage } from './pages/pages.js'
import { namedClientId } from './request-client-id.js'

const WINDOW_MS = 60_000

/** The RFC 6749 §5.2-shaped body of a 429. `temporarily_unavailable` is the registered code closest to it. */
export function rateLimitedBody(retryAfterSeconds: number): { error: string; error_description: string } {
  return {
    error: 'temporarily_unavailable',
    error_description: `too many requests, retry after ${retryAfterSeconds} seconds`,
  }
}

export interface RateLimitOptions {
  /** Token requests per minute per client id (per IP without one). */
  tokenPerMinute: number
  /** Login POSTs per minute per IP. */
  loginPerMinute: number
  /** Failed client authentications (401) per minute per IP, on the token, revocation and introspection endpoints. */
  clientAuthFailuresPerMinute: number
  /** Failed client authentications per minute from all sources together. */
  clientAuthFailuresTotalPerMinute: number
  /**
   * RFC 8628 §5.1: unknown user codes entered at the verification page per minute from every address
   * together (each address also has the login limit there); past it, the page answers 429 for all.
   */
  userCodeFailuresTotalPerMinute?: number | undefined
  /** Counters shared by every instance through this Redis (`redis://...`); per process without it. */
  redisUrl?: string | undefined
  /** Prefix of the counters' Redis keys. */
  redisKeyPrefix?: string
  /** How long a request waits for Redis before its limit is counted per instance (default 500 ms). */
  redisCommandTimeoutMs?: number
  /** Route URL of the token endpoint (as registered). */
  tokenPath: string
  /**
   * Route URL of the pushed authorization request endpoint (RFC 9126): it authenticates clients like the
   * token endpoint, so it shares the token endpoint's limits.
   */
  pushedAuthorizationRequestPath?: string | undefined
  /** Route URLs of the other endpoints that authenticate clients (revocation, introspection). */
  clientAuthPaths: readonly string[]
  /** RFC 8628 device authorization endpoint: limited like the token endpoint, per client (else per IP). */
  deviceAuthorizationPath?: string | undefined
  /**
   * RFC 8628 §5.1: the device verification page, where a user code is a short secret; every request to
   * it counts against the login limit of its IP, so that codes cannot be guessed at speed.
   */
  deviceVerificationPath?: string | undefined
  /** Route URL and method that receive the login form. */
  loginPath: string
  loginMethod: string
  /** The account pages' route, whose sign-in form (a POST with a password) counts as a login too. */
  accountPath?: string | undefined
  /** Requests per minute per IP to the registration endpoints (RFC 7591/7592), when they exist. */
  registrationPerMinute?: number | undefined
  /** Route URLs of the registration and client configuration endpoints. */
  registrationPaths?: readonly string[] | undefined
  /**
   * The CORS headers the refused request's answer would have carried (`oauthCorsHeaders`): a 429 is
   * sent before the OAuth routes' CORS hook runs, and a browser app must be able to read it.
   */
  corsHeaders?: ((request: FastifyRequest) => Promise<Record<string, string>>) | undefined
}

function prefersHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return accept.includes('text/html')
}

/**
 * Rate limits of the token endpoint, of failed client authentications and of the login form, as
 * `preHandler` hooks registered on the root before the routes: the token route belongs to the library's
 * plugin, and the client id is only known once the body is parsed. With `redisUrl` the counters live in
 * Redis and every instance shares them; without it they are per process (the effective limit is then the
 * per-instance limit times the instance count).
 */
export async function registerRateLimits(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  const prefix = options.redisKeyPrefix ?? 'pipeshub:rate-limit:'
  // ioredis loads only when the counters are shared: a single instance does not pay for it at start-up.
  const redis =
    options.redisUrl === undefined
      ? undefined
      : (await import('./rate-limit-store.js')).createRedisCounters({
          url: options.redisUrl,
          keyPrefix: prefix,
          log: app.log,
          ...(options.redisCommandTimeoutMs === undefined
            ? {}
            : { commandTimeoutMs: options.redisCommandTimeoutMs }),
        })
  if (redis !== undefined) {
    app.addHook('onClose', async () => redis.close())
    // Start counting in Redis from the first request; a Redis that is down delays the start by 2 s (or
    // the command timeout, when longer) at most.
    if (!(await redis.connected(Math.max(2000, options.redisCommandTimeoutMs ?? 0))))
      app.log.warn('Redis does not answer: rate limits are counted per instance until it does')
  }
  await app.register(rateLimit, { global: false, ...(redis === undefined ? {} : { store: redis.store }) })
  const tokenLimiter = app.createRateLimit({
    max: options.tokenPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request: FastifyRequest) => {
      const clientId = namedClientId(request)
      // Every limiter shares the plugin's counter store: keys are prefixed per limit.
      return clientId === undefined ? `token:ip:${request.ip}` : `token:client:${clientId}`
    },
  })
  const loginLimiter = app.createRateLimit({
    max: options.loginPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request: FastifyRequest) => `login:ip:${request.ip}`,
  })
  const deviceLimiter = app.createRateLimit({
    max: options.tokenPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request: FastifyRequest) => {
      const clientId = namedClientId(request)
      return clientId === undefined ? `device:ip:${request.ip}` : `device:client:${clientId}`
    },
  })
  const verificationLimiter = app.createRateLimit({
    max: options.loginPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request: FastifyRequest) => `device-verification:ip:${request.ip}`,
  })
  const failures = createFailureLimit(app, options, redis !== undefined)
  // A wrong user code matches no device authorization, so there is nothing per code to count: guesses
  // are bounded per address (the login limit, below) and here in total, so many addresses guessing
  // together stay under a fixed number of guesses a minute against the live codes.
  const userCodeFailures =
    options.userCodeFailuresTotalPerMinute === undefined
      ? undefined
      : app.createRateLimit({
          max: options.userCodeFailuresTotalPerMinute,
          timeWindow: WINDOW_MS,
          keyGenerator: () => 'user-code-failures:all',
        })

  const limited = async (
    request: FastifyRequest,
    reply: FastifyReply,
    limit: 'token' | 'login' | 'client_authentication' | 'registration',
    ttlInSeconds: number,
  ) => {
    if (options.corsHeaders !== undefined && request.headers.origin !== undefined) {
      // A store that cannot answer the client's origins leaves the 429 without CORS, never a 5xx.
      reply.headers(await options.corsHeaders(request).catch(() => ({})))
    }
    const retryAfter = Math.max(1, ttlInSeconds)
    reply.code(429).header('retry-after', String(retryAfter)).header('cache-control', 'no-store')
    request.log.warn({ limit, retryAfter }, 'rate limit exceeded')
    if (limit === 'login' && prefersHtml(request)) {
      return reply.headers(PAGE_HEADERS).send(
        errorPage({
          title: 'Too many attempts',
          message: `Too many sign-in attempts from your network. Wait ${retryAfter} seconds and try again.`,
        }),
      )
    }
    return reply.header('pragma', 'no-cache').send(rateLimitedBody(retryAfter))
  }

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url
    // A user code arrives in a GET too (verification_uri_complete, the code form).
    if (route !== undefined && route === options.deviceVerificationPath) {
      if (userCodeFailures !== undefined) {
        const total = await userCodeFailures(request, { increment: false })
        if (!total.isAllowed && total.remaining <= 0)
          return limited(request, reply, 'login', total.ttlInSeconds || 60)
      }
      const limit = await verificationLimiter(request)
      if (limit.isAllowed || !limit.isExceeded) return
      return limited(request, reply, 'login', limit.ttlInSeconds)
    }
    if (request.method !== 'POST' || route === undefined) return
    const isToken = route === options.tokenPath || route === options.pushedAuthorizationRequestPath
    const authenticatesClient = isToken || options.clientAuthPaths.includes(route)
    if (authenticatesClient) {
      // Before the client's secret is hashed: a source that keeps failing costs no CPU at all.
      const refusal = await failures.admit(request)
      if (refusal !== undefined) return limited(request, reply, 'client_authentication', refusal)
    }
    if (route === options.deviceAuthorizationPath) {
      const limit = await deviceLimiter(request)
      if (limit.isAllowed || !limit.isExceeded) return
      return limited(request, reply, 'token', limit.ttlInSeconds)
    }
    const isLogin =
      (route === options.loginPath || route === options.accountPath) &&
      request.method === options.loginMethod &&
      isLoginPost(request)
    if (!isToken && !isLogin) return
    const limit = await (isToken ? tokenLimiter : loginLimiter)(request)
    if (limit.isAllowed || !limit.isExceeded) return
    return limited(request, reply, isToken ? 'token' : 'login', limit.ttlInSeconds)
  })
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // The verification page answers an unknown, expired or used user code with 400, and nothing else.
    if (
      userCodeFailures !== undefined &&
      reply.statusCode === 400 &&
      request.routeOptions.url === options.deviceVerificationPath
    ) {
      userCodeFailures(request).then(() => done(), done)
      return
    }
    // Most requests were not admitted by the failure limit (other routes): no promise for them.
    const settling = failures.settle(request, reply.statusCode)
    if (settling === undefined) return done()
    settling.then(done, done)
  })

  const registrationPaths = options.registrationPaths ?? []
  if (options.registrationPerMinute !== undefined && registrationPaths.length > 0) {
    // Open registration lets anyone create clients: each address gets a few a minute, whatever the method.
    const registrationLimiter = app.createRateLimit({
      max: options.registrationPerMinute,
      timeWindow: WINDOW_MS,
      keyGenerator: (request: FastifyRequest) => `registration:ip:${request.ip}`,
    })
    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const route = request.routeOptions.url
      if (route === undefined || !registrationPaths.includes(route)) return
      const limit = await registrationLimiter(request)
      if (limit.isAllowed || !limit.isExceeded) return
      return limited(request, reply, 'registration', limit.ttlInSeconds)
    })
  }
}

const ADMITTED = Symbol('client authentication admitted')

/**
 * Failed client authentications, per source address and in total; a 401 counts. Once a source has
 * failed, a request is admitted only while its failures plus its requests still being checked stay under
 * the limit, so a burst of concurrent guesses cannot all slip in before they fail.
 */
function createFailureLimit(app: FastifyInstance, options: RateLimitOptions, shared: boolean) {
  const perSource = app.createRateLimit({
    max: options.clientAuthFailuresPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request: FastifyRequest) => `client-auth-failures:ip:${request.ip}`,
  })
  const total = app.createRateLimit({
    max: options.clientAuthFailuresTotalPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: () => 'client-auth-failures:all',
  })
  const pending = new Map<string, number>()
  let pendingTotal = 0
  // When this process last counted a failure. Every counter's window starts at or before its last
  // failure and lasts WINDOW_MS, so a minute later every local count is zero and reading them would
  // only confirm it. Shared counters also hold other instances' failures: those are always read.
  let lastFailureAt = Number.NEGATIVE_INFINITY
  // A budget of 0 refuses even with no failures counted: its counters must be read.
  const skippable =
    !shared && options.clientAuthFailuresPerMinute >= 1 && options.clientAuthFailuresTotalPerMinute >= 1
  const admitted = (request: FastifyRequest): undefined => {
    pending.set(request.ip, (pending.get(request.ip) ?? 0) + 1)
    pendingTotal++
    ;(request as unknown as Record<symbol, boolean>)[ADMITTED] = true
    return undefined
  }
  const release = (ip: string) => {
    const left = (pending.get(ip) ?? 1) - 1
    if (left === 0) pending.delete(ip)
    else pending.set(ip, left)
    pendingTotal--
  }
  return {
    /** Undefined when admitted, else the seconds until the window ends. */
    async admit(request: FastifyRequest): Promise<number | undefined> {
      if (skippable && Date.now() - lastFailureAt >= WINDOW_MS) return admitted(request)
      const [source, all] = await Promise.all([
        perSource(request, { increment: false }),
        total(request, { increment: false }),
      ])
      const inFlight = pending.get(request.ip) ?? 0
      // `remaining` is max - failures (never below 0). Once a budget has failures, the requests still
      // in flight count as failures too, so a source that is guessing cannot send a burst past the
      // limit; a budget without failures admits concurrency freely (a busy, well-behaved client).
      const over = (remaining: number, max: number, pending: number) =>
        remaining <= 0 || (remaining < max && remaining - pending <= 0)
      if (!source.isAllowed && over(source.remaining, options.clientAuthFailuresPerMinute, inFlight))
        return source.ttlInSeconds || 60
      if (!all.isAllowed && over(all.remaining, options.clientAuthFailuresTotalPerMinute, pendingTotal))
        return all.ttlInSeconds || 60
      return admitted(request)
    },
    /** Undefined when there is nothing to wait for (the common case: no failure to count). */
    settle(request: FastifyRequest, status: number): Promise<unknown> | undefined {
      if ((request as unknown as Record<symbol, boolean>)[ADMITTED] !== true) return undefined
      release(request.ip)
      // These endpoints answer 401 only for invalid_client.
      if (status !== 401) return undefined
      // Stamped before the count, for the requests admitted meanwhile, and after it, as its window may
      // have started later.
      lastFailureAt = Date.now()
      return Promise.all([perSource(request), total(request)]).finally(() => {
        lastFailureAt = Date.now()
      })
    },
  }
}

/**
 * A request presenting a password, wherever it carries it (form body or query string: the library refuses
 * the latter, but the attempt still counts); the consent form, on the same route, is no login.
 */
function isLoginPost(request: FastifyRequest): boolean {
  const body = request.body
  if (typeof body === 'object' && body !== null && 'password' in body) return true
  const url = request.raw.url ?? ''
  const q = url.indexOf('?')
  return q >= 0 && new URLSearchParams(url.slice(q + 1)).has('password')
}
