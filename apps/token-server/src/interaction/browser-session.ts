import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** Lifetime of a login session, seconds: a working day. */
export const SESSION_LIFETIME = 12 * 3600

const SESSION_COOKIE = 'pipeshub_session'
const CSRF_COOKIE = 'pipeshub_csrf'

/**
 * Over HTTPS (directly, or per a trusted proxy's X-Forwarded-Proto) cookies are `Secure` and carry the
 * `__Host-` prefix, which also pins them to this host and path `/`.
 */
export function isSecureRequest(request: FastifyRequest): boolean {
  return request.protocol === 'https'
}

function cookieName(request: FastifyRequest, base: string): string {
  return isSecureRequest(request) ? `__Host-${base}` : base
}

function cookieOptions(request: FastifyRequest, maxAge: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: isSecureRequest(request),
    maxAge,
  }
}

/** Session ids are stored hashed: a copy of the database does not log anyone in. */
export function sessionKey(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('base64url')
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies[cookieName(request, SESSION_COOKIE)]
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined
}

/** Sets a new session cookie and returns the id to store (hashed). */
export function issueSessionCookie(request: FastifyRequest, reply: FastifyReply): string {
  const sessionId = randomBytes(32).toString('base64url')
  reply.setCookie(cookieName(request, SESSION_COOKIE), sessionId, cookieOptions(request, SESSION_LIFETIME))
  return sessionId
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(cookieName(request, SESSION_COOKIE), { path: '/' })
}

/**
 * CSRF protection for the login and consent forms, a synchronizer token bound to the browser: an
 * HttpOnly cookie holds a random value, and each form carries a digest of it. A cross-site page can
 * neither read the cookie nor compute the digest, and SameSite=Lax keeps the cookie off cross-site
 * POSTs as a second line. Stateless, so every instance behind a load balancer accepts it.
 */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  const name = cookieName(request, CSRF_COOKIE)
  let binding = request.cookies[name]
  if (typeof binding !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(binding)) {
    binding = randomBytes(32).toString('base64url')
    reply.setCookie(name, binding, cookieOptions(request, SESSION_LIFETIME))
    // Later code in this request (a re-rendered form) must see the same binding.
    request.cookies[name] = binding
  }
  return digest(binding)
}

function digest(binding: string): string {
  return createHash('sha256').update(`pipeshub-csrf:${binding}`, 'utf8').digest('base64url')
}

export function verifyCsrfToken(request: FastifyRequest, submitted: unknown): boolean {
  const binding = request.cookies[cookieName(request, CSRF_COOKIE)]
  if (typeof binding !== 'string' || typeof submitted !== 'string') return false
  const expected = Buffer.from(digest(binding))
  const actual = Buffer.from(submitted)
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
