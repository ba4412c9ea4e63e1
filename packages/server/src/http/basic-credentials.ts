import type { FastifyRequest } from 'fastify'
import { type ParsedBasicCredentials, parseBasicCredentials } from '../client-authentication.js'

const parsed = new WeakMap<FastifyRequest, ParsedBasicCredentials | undefined>()

/**
 * The request's HTTP Basic `Authorization` header, parsed once per request: a rate limit or CORS
 * decision reads the client id before the handler authenticates the client with the same parse.
 * Undefined without a Basic header. Remembered per request object, so it goes with the request.
 */
export function requestBasicCredentials(request: FastifyRequest): ParsedBasicCredentials | undefined {
  if (parsed.has(request)) return parsed.get(request)
  const header = request.headers.authorization
  const result =
    header !== undefined && /^Basic(\s|$)/i.test(header) ? parseBasicCredentials(header) : undefined
  parsed.set(request, result)
  return result
}
