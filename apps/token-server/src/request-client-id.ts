import { claimedClientId, requestBasicCredentials } from '@pipeshub/server'
import type { FastifyRequest } from 'fastify'

/** Longer body `client_id`s are no registered client's; they are not worth a rate-limit key or a label. */
const MAX_CLIENT_ID_LENGTH = 256

const named = new WeakMap<FastifyRequest, string | undefined>()

/**
 * The client id a token, revocation or introspection request names: the HTTP Basic user-id (RFC 6749
 * §2.3.1), else the body's `client_id`; not authenticated. Read once per request: the rate limit keys its
 * counter on it before the handler runs, the metrics label the issued token with it after.
 */
export function namedClientId(request: FastifyRequest): string | undefined {
  if (named.has(request)) return named.get(request)
  const body = request.body
  const bodyClientId =
    typeof body === 'object' && body !== null ? (body as { client_id?: unknown }).client_id : undefined
  const clientId = claimedClientId({
    authorization: request.headers.authorization,
    // The library's handler reuses this parse when it authenticates the client.
    basic: requestBasicCredentials(request),
    clientId:
      typeof bodyClientId === 'string' && bodyClientId.length <= MAX_CLIENT_ID_LENGTH
        ? bodyClientId
        : undefined,
  })
  // The body is parsed before the first caller (a preHandler): the answer cannot change afterwards.
  named.set(request, clientId)
  return clientId
}
