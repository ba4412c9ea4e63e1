import type { FastifyInstance } from 'fastify'
import { OAuthError } from '../errors.js'
import { parseJsonObjectBody } from './parameters.js'

/**
 * Makes a route scope accept JSON object bodies only (registration, app management), in place of the
 * string parameters of the OAuth endpoints: anything else is `invalid_request` with `refusal`.
 */
export function acceptJsonObjectBodies(fastify: FastifyInstance, bodyLimit: number, refusal: string): void {
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (_request, body, done) => {
      try {
        done(null, parseJsonObjectBody(body as Buffer))
      } catch (error) {
        done(error as Error, undefined)
      }
    },
  )
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) => {
    done(new OAuthError('invalid_request', refusal), undefined)
  })
}
