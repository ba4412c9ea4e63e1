import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ClientRegistrationEndpoint } from '../dynamic-client-registration.js'
import { acceptJsonObjectBodies } from './json-object-bodies.js'
import { refuseOtherMethods } from './method-not-allowed.js'
import { authorizationHeader, JSON_CONTENT_TYPE } from './responses.js'

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(JSON_CONTENT_TYPE).send(body)
}

/**
 * The RFC 7591 registration endpoint (`POST <path>`) and the RFC 7592 client configuration endpoint
 * (`GET|PUT|DELETE <path>/:clientId`), in their own scope: their bodies are JSON objects with arrays,
 * not the string parameters of the other endpoints. Errors go to the caller's error handler.
 */
export async function registrationRoutes(
  fastify: FastifyInstance,
  options: { endpoint: ClientRegistrationEndpoint; path: string; bodyLimit: number },
): Promise<void> {
  const { endpoint, path } = options
  // RFC 7591 §3.1: the client metadata is posted as a JSON document.
  acceptJsonObjectBodies(fastify, options.bodyLimit, 'the body must be application/json (RFC 7591)')
  const clientId = (request: FastifyRequest) => (request.params as { clientId: string }).clientId

  fastify.post(path, async (request, reply) =>
    send(reply, 201, await endpoint.register(request.body, authorizationHeader(request))),
  )
  fastify.get(`${path}/:clientId`, async (request, reply) =>
    send(reply, 200, await endpoint.read(clientId(request), authorizationHeader(request))),
  )
  fastify.put(`${path}/:clientId`, async (request, reply) =>
    send(reply, 200, await endpoint.update(clientId(request), request.body, authorizationHeader(request))),
  )
  fastify.delete(`${path}/:clientId`, async (request, reply) => {
    await endpoint.delete(clientId(request), authorizationHeader(request))
    return reply.code(204).send()
  })
  refuseOtherMethods(fastify, path, ['POST'])
  refuseOtherMethods(fastify, `${path}/:clientId`, ['GET', 'PUT', 'DELETE'])
}
