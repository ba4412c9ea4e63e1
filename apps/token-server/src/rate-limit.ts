import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { PAGE_HEADERS } from './pages/html.js'
import { errorPage } from './pages/pages.js'

const WINDOW_MS = 60_000

/** The RFC 6749 §5.2-shaped body of a 429. `temporarily_unavailable` is the registered code closest to it. */
export function rateLimitedBody(retryAfterSeconds: number): { error: string; error_description: string } {
  return {
    error: 'temporarily_unavailable',
    error_description: `too many requests, retry after ${retryAfterSeconds} seconds`,
  }
}

/** The client id a token request names: HTTP Basic user-id (RFC 6749 §2.3.1), else `client_id` in the body. */
export function requestedClientId(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization
  if (typeof authorization === 'string' && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) {
      try {
        return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '))
      } catch {
        return undefined
      }
    }
  }
  const body = request.body
  if (typeof body === 'object' && body !== null && 'client_id' in body) {
    const clientId = (body as { client_id: unknown }).client_id
    if (typeof clientId === 'string' && clientId !== '' && clientId.length <= 256) return clientId
  }
  return undefined
}

export interface RateLimitOptions {
  /** Token requests per minute per client id (per IP without one). */
  tokenPerMinute: number
  /** Login POSTs per minute per IP. */
  loginPerMinute: number
  /** Route URL of the token endpoint (as registered). */
  tokenPath: string
  /** Route URL and method that receive the login form. */
  loginPath: string
  loginMethod: string
}

function prefersHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return accept.includes('text/html')
}

/**
 * Rate limits of the token endpoint and of the login form, as one `preHandler` hook registered on the
 * root before the routes: the token route belongs to the library's plugin, and the client id is only
 * known once the body is parsed. Counters are per process (documented: with several instances the
 * effective limit is the per-instance limit times the instance count).
 */
export async function registerRateLimits(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, { global: false })
  const tokenLimiter = app.createRateLimit({
    max: options.tokenPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request: FastifyRequest) => {
      const clientId = requestedClientId(request)
      // Both limiters share the plugin's counter store: keys are prefixed per limit.
      return clientId === undefined ? `token:ip:${request.ip}` : `token:client:${clientId}`
    },
  })
  const loginLimiter = app.createRateLimit({
    max: options.loginPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request: FastifyRequest) => `login:ip:${request.ip}`,
  })

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url
    const isToken = route === options.tokenPath && request.method === 'POST'
    const isLogin =
      route === options.loginPath && request.method === options.loginMethod && isLoginPost(request)
    if (!isToken && !isLogin) return
    const limit = await (isToken ? tokenLimiter : loginLimiter)(request)
    if (limit.isAllowed || !limit.isExceeded) return
    const retryAfter = Math.max(1, limit.ttlInSeconds)
    reply.code(429).header('retry-after', String(retryAfter)).header('cache-control', 'no-store')
    request.log.warn({ limit: isToken ? 'token' : 'login', retryAfter }, 'rate limit exceeded')
    if (isLogin && prefersHtml(request)) {
      return reply.headers(PAGE_HEADERS).send(
        errorPage({
          title: 'Too many attempts',
          message: `Too many sign-in attempts from your network. Wait ${retryAfter} seconds and try again.`,
        }),
      )
    }
    return reply.header('pragma', 'no-cache').send(rateLimitedBody(retryAfter))
  })
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
