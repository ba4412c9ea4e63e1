import type { Socket } from 'node:net'
import { errorResponseCodec } from '@pipeshub/models'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { JSON_CONTENT_TYPE, NO_STORE_HEADERS } from './responses.js'

/**
 * Handlers for what Fastify and Node answer before any route or plugin runs: a URL that does not decode
 * (`FST_ERR_BAD_URL`), a request the HTTP parser refuses (oversized headers, a bad or mismatched
 * `Content-Length`), a path no route matches. By default those answer Fastify's or Node's own JSON, not
 * an RFC 6749 section 5.2 body. Pass them to the root Fastify instance:
 *
 * ```js
 * const app = Fastify({ frameworkErrors: oauthFrameworkErrors, clientErrorHandler: oauthClientErrorHandler })
 * app.setNotFoundHandler(oauthNotFoundHandler)
 * ```
 *
 * Every answer is `invalid_request` with `Cache-Control: no-store`; status 400, 404 for unknown paths.
 */
function errorBody(description: string): string {
  return JSON.stringify(
    errorResponseCodec.encode({ error: 'invalid_request', errorDescription: description }),
  )
}

/** Fastify's `frameworkErrors` option: errors raised while routing, before any handler. */
export function oauthFrameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const description =
    error.code === 'FST_ERR_BAD_URL'
      ? 'the request path contains a malformed percent-encoding'
      : 'the request could not be routed'
  return reply.code(400).headers(NO_STORE_HEADERS).type(JSON_CONTENT_TYPE).send(errorBody(description))
}

/**
 * Fastify's `clientErrorHandler` option: Node's HTTP parser refused the request (`clientError`), so
 * there is no request object and the answer is written to the socket, which is then closed.
 */
export function oauthClientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  let description = 'the request is not valid HTTP'
  if (error.code === 'HPE_HEADER_OVERFLOW') description = 'the request headers are too large'
  else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') description = 'the request was not received in time'
  else if (error.code === 'HPE_INVALID_CONTENT_LENGTH' || error.code === 'HPE_UNEXPECTED_CONTENT_LENGTH')
    description = 'the Content-Length header is invalid'
  if (socket.writable) {
    const body = errorBody(description)
    socket.write(
      'HTTP/1.1 400 Bad Request\r\n' +
        `Content-Type: ${JSON_CONTENT_TYPE}\r\n` +
        'Cache-Control: no-store\r\n' +
        'Pragma: no-cache\r\n' +
        'Connection: close\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

/** A root not-found handler (`app.setNotFoundHandler(oauthNotFoundHandler)`): 404 `invalid_request`. */
export function oauthNotFoundHandler(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).headers(NO_STORE_HEADERS).type(JSON_CONTENT_TYPE).send(errorBody('unknown endpoint'))
}
