import { AsyncLocalStorage } from 'node:async_hooks'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'

/**
 * The logger of the request being handled, for entries written by code that is handed no request: the
 * library's security events (a failed client authentication, a replayed refresh token) then carry the
 * request id, which joins them to the request's own line (address, route, status). Outside a request
 * (maintenance, the CLI) there is none and the caller's fallback logs.
 *
 * The scope opens in a root `preHandler`, once the body is parsed: the body arrives in the socket's
 * events, outside any scope opened before it.
 */
export function requestLogScope(app: FastifyInstance): () => FastifyBaseLogger | undefined {
  const scope = new AsyncLocalStorage<FastifyBaseLogger>()
  app.addHook('preHandler', (request, _reply, done) => scope.run(request.log, done))
  return () => scope.getStore()
}
