import type { FastifyInstance, FastifyRequest } from 'fastify'
import { OAuthError } from '../errors.js'
import type { PersonalAccessTokenEndpoint } from '../personal-access-tokens.js'
import { acceptJsonObjectBodies } from './json-object-bodies.js'
import { refuseOtherMethods } from './method-not-allowed.js'
import { authorizationHeader, dpopHeader, JSON_CONTENT_TYPE } from './responses.js'

/**
 * `GET|POST <path>` (list, create) and `DELETE <path>/:id` (revoke) of the end-user's personal access
 * tokens, in their own scope: the creation body is a JSON object with an integer member, not the string
 * parameters of the OAuth endpoints. Errors go to the caller's error handler.
 */
export async function personalAccessTokenRoutes(
  fastify: FastifyInstance,
  options: { endpoint: PersonalAccessTokenEndpoint; path: string; bodyLimit: number },
): Promise<void> {
  const { endpoint, path, bodyLimit } = options
  acceptJsonObjectBodies(fastify, bodyLimit, 'the body must be application/json')

  // The method and DPoP proof go along: a DPoP-bound access token is presented with a proof (RFC 9449 §7).
  const resourceRequest = (request: FastifyRequest) => ({ method: request.method, dpop: dpopHeader(request) })
  fastify.get(path, async (request, reply) =>
    reply
      .type(JSON_CONTENT_TYPE)
      .send(await endpoint.list(authorizationHeader(request), resourceRequest(request))),
  )
  fastify.post(path, async (request, reply) => {
    if (request.body === undefined)
      throw new OAuthError('invalid_request', 'the body must be a JSON object with name and scope')
    const created = await endpoint.create(
      authorizationHeader(request),
      request.body,
      resourceRequest(request),
    )
    return reply.code(201).type(JSON_CONTENT_TYPE).send(created)
  })
  fastify.delete(`${path}/:id`, async (request, reply) => {
    await endpoint.revoke(
      authorizationHeader(request),
      (request.params as { id: string }).id,
      resourceRequest(request),
    )
    return reply.code(204).send()
  })
  refuseOtherMethods(fastify, path, ['GET', 'POST'])
  refuseOtherMethods(fastify, `${path}/:id`, ['DELETE'])
}
