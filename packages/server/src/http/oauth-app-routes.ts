import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AuthorizationServer } from '../authorization-server.js'
import { acceptJsonObjectBodies } from './json-object-bodies.js'
import { authorizationHeader, dpopHeader, JSON_CONTENT_TYPE } from './responses.js'

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(JSON_CONTENT_TYPE).send(body)
}

/**
 * PipesHub's OAuth app management API under `paths.oauthClients`, its eleven operations, in their own
 * scope (JSON object bodies). The scope catalogue is public: it tells no more than discovery's
 * `scopes_supported`, in words; every other operation needs an administrator
 * (`authenticateAdministrator`). Errors go to the caller's error handler (RFC 6749 §5.2 bodies).
 */
export async function oauthAppRoutes(
  fastify: FastifyInstance,
  options: { authorizationServer: AuthorizationServer; bodyLimit: number },
): Promise<void> {
  const server = options.authorizationServer
  const apps = server.appManagement
  const base = server.paths.oauthClients
  acceptJsonObjectBodies(fastify, options.bodyLimit, 'the body must be application/json')
  const appId = (request: FastifyRequest) => (request.params as { appId: string }).appId
  /** A route that only an administrator may call. */
  const admin =
    (handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      await server.authenticateAdministrator(authorizationHeader(request), {
        method: request.method,
        // The path as called (a DPoP proof's htu ignores the query).
        path: request.url.split('?')[0] ?? request.url,
        dpop: dpopHeader(request),
      })
      return handler(request, reply)
    }

  fastify.get(`${base}/scopes`, async (_request, reply) => send(reply, 200, server.scopeCatalogue()))
  fastify.get(
    base,
    admin(async (_request, reply) => send(reply, 200, await apps.list())),
  )
  fastify.post(
    base,
    admin(async (request, reply) => send(reply, 201, await apps.create(request.body))),
  )
  fastify.get(
    `${base}/:appId`,
    admin(async (request, reply) => send(reply, 200, await apps.get(appId(request)))),
  )
  fastify.put(
    `${base}/:appId`,
    admin(async (request, reply) => send(reply, 200, await apps.update(appId(request), request.body))),
  )
  fastify.delete(
    `${base}/:appId`,
    admin(async (request, reply) => {
      await apps.delete(appId(request))
      return reply.code(204).send()
    }),
  )
  fastify.post(
    `${base}/:appId/regenerate-secret`,
    admin(async (request, reply) => send(reply, 200, await apps.regenerateSecret(appId(request)))),
  )
  fastify.post(
    `${base}/:appId/suspend`,
    admin(async (request, reply) => send(reply, 200, await apps.suspend(appId(request)))),
  )
  fastify.post(
    `${base}/:appId/activate`,
    admin(async (request, reply) => send(reply, 200, await apps.activate(appId(request)))),
  )
  fastify.get(
    `${base}/:appId/tokens`,
    admin(async (request, reply) => send(reply, 200, await apps.tokens(appId(request)))),
  )
  fastify.post(
    `${base}/:appId/revoke-all-tokens`,
    admin(async (request, reply) => send(reply, 200, await apps.revokeAllTokens(appId(request)))),
  )
}
