import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Store } from '@pipeshub/server'
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

/** The store's name of the key that signs the CSRF tokens. */
const CSRF_KEY = 'csrf'

/**
 * CSRF protection for the login and consent forms, a synchronizer token bound to the browser: an
 * HttpOnly cookie holds a random value, and each form carries an HMAC of it under a server key. A
 * cross-site page can neither read the cookie nor compute the HMAC (the cookie alone is not enough),
 * and SameSite=Lax keeps the cookie off cross-site POSTs as a second line. The key is made once and kept
 * in the store (`Store.serverSecrets`), so every instance behind a load balancer accepts every form.
 */
export interface CsrfProtection {
  /** The token of this browser's forms (sets the binding cookie when there is none yet). */
  tokenFor(request: FastifyRequest, reply: FastifyReply): Promise<string>
  verify(request: FastifyRequest, submitted: unknown): Promise<boolean>
}

export function createCsrfProtection(store: Store, now: () => number): CsrfProtection {
  let key: Promise<string> | undefined
  // Read (or made) at the first form and kept; a store failure is not kept, the next form asks again.
  const currentKey = () => {
    if (key === undefined) {
      const pending = store.serverSecrets
        .getOrCreate({ name: CSRF_KEY, value: randomBytes(32).toString('base64url'), createdAt: now() })
        .then((secret) => secret.value)
      key = pending
      pending.catch(() => {
        if (key === pending) key = undefined
      })
    }
    return key
  }
  const mac = async (binding: string) =>
    createHmac('sha256', await currentKey())
      .update(`pipeshub-csrf:${binding}`, 'utf8')
      .digest('base64url')

  return {
    async tokenFor(request, reply) {
      const name = cookieName(request, CSRF_COOKIE)
      let binding = request.cookies[name]
      if (typeof binding !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(binding)) {
        binding = randomBytes(32).toString('base64url')
        reply.setCookie(name, binding, cookieOptions(request, SESSION_LIFETIME))
        // Later code in this request (a re-rendered form) must see the same binding.
        request.cookies[name] = binding
      }
      return mac(binding)
    },
    async verify(request, submitted) {
      const binding = request.cookies[cookieName(request, CSRF_COOKIE)]
      if (typeof binding !== 'string' || typeof submitted !== 'string') return false
      const expected = Buffer.from(await mac(binding))
      const actual = Buffer.from(submitted)
      return expected.length === actual.length && timingSafeEqual(expected, actual)
    },
  }
}
