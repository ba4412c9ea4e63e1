import type { FastifyInstance } from 'fastify'
import type { AuthorizationServer } from '../authorization-server.js'

/**
 * PipesHub's OAuth app management API under `paths.oauthClients`. The scope catalogue is public: it
 * tells no more than discovery's `scopes_supported`, in words.
 */
export async function oauthAppRoutes(
  fastify: FastifyInstance,
  options: { authorizationServer: AuthorizationServer },
): Promise<void> {
  const server = options.authorizationServer
  const base = server.paths.oauthClients
  fastify.get(`${base}/scopes`, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(server.scopeCatalogue()),
  )
}
