import type { FastifyInstance, FastifySchema } from 'fastify'
import { OAuthError } from '../errors.js'
import { sendOAuthError } from './responses.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * Answers every method of `url` but `allowed` with 405, `Allow` and an RFC 6749 §5.2 body (OPTIONS
 * included, where no CORS preflight route took it first; HEAD follows GET where GET exists).
 */
export function refuseOtherMethods(
  fastify: FastifyInstance,
  url: string,
  allowed: readonly HttpMethod[],
): void {
  const allow = allowed.join(', ')
  fastify.route({
    method: METHODS.filter((method) => !allowed.includes(method)),
    url,
    // An error for every method is no operation: OpenAPI generators (`schema.hide`, as @fastify/swagger
    // reads it) leave it out, or SDKs would grow methods that can only fail.
    schema: { hide: true } as FastifySchema,
    handler: async (_request, reply) => {
      reply.header('allow', allow)
      return sendOAuthError(
        reply,
        new OAuthError('invalid_request', `this endpoint accepts ${allowed.join(' and ')} only`, {
          status: 405,
        }),
      )
    },
  })
}
