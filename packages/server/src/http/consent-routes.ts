import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ConsentedApps } from '../consented-apps.js'
import { refuseOtherMethods } from './method-not-allowed.js'
import { authorizationHeader, dpopHeader, JSON_CONTENT_TYPE } from './responses.js'

/**
 * `GET <path>` (the apps the end-user allowed) and `DELETE <path>/:clientId` (take one back), for the
 * end-user of a Bearer access token. Errors go to the caller's error handler.
 */
export async function consentRoutes(
  fastify: FastifyInstance,
  options: { consentedApps: ConsentedApps; path: string },
): Promise<void> {
  const { consentedApps, path } = options
  // The method and DPoP proof go along: a DPoP-bound access token is presented with a proof (RFC 9449 §7).
  const resourceRequest = (request: FastifyRequest) => ({ method: request.method, dpop: dpopHeader(request) })
  fastify.get(path, async (request, reply) =>
    reply
      .type(JSON_CONTENT_TYPE)
      .send(await consentedApps.list(authorizationHeader(request), resourceRequest(request))),
  )
  fastify.delete(`${path}/:clientId`, async (request, reply) => {
    const { clientId } = request.params as { clientId: string }
    await consentedApps.revoke(authorizationHeader(request), clientId, resourceRequest(request))
    return reply.code(204).send()
  })
  refuseOtherMethods(fastify, path, ['GET'])
  refuseOtherMethods(fastify, `${path}/:clientId`, ['DELETE'])
}
