import { errorResponseCodec } from '@pipeshub/models'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { OAuthError } from '../errors.js'
import type { RequestCredentials } from '../request-parameters.js'
import { requestBasicCredentials } from './basic-credentials.js'

/** The response of a token-endpoint-like answer: never cached (RFC 6749 §5.1, and Pragma for HTTP/1.0). */
export const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' } as const

/** Every JSON body this library answers. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/** Sends an OAuth error: its challenge, `Retry-After` for a 503, and the RFC 6749 §5.2 body. */
export function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  if (error.wwwAuthenticate !== undefined) reply.header('www-authenticate', error.wwwAuthenticate)
  reply.headers(error.headers)
  if (error.status === 503) reply.header('retry-after', '1')
  if (error.challengeOnly) return reply.code(error.status).send()
  const body = errorResponseCodec.encode({ error: error.error, errorDescription: error.errorDescription })
  return reply.code(error.status).type(JSON_CONTENT_TYPE).send(body)
}

/** Turns anything thrown in the plugin's scope into an RFC 6749 §5.2 error; never a 500, never a stack. */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error
  const fastifyError = error as Partial<FastifyError>
  switch (fastifyError.code) {
    // RFC 6749 section 5.2: invalid_request is a 400, whatever HTTP would call the cause.
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OAuthError('invalid_request', 'the request body is too large')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OAuthError('invalid_request', 'unsupported content type')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new OAuthError('invalid_request', 'the request body does not match its Content-Length')
    default:
      break
  }
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new OAuthError('invalid_request', 'the request is malformed')
  }
  return new OAuthError('temporarily_unavailable', 'the request could not be completed, retry later', {
    status: 503,
    cause: error,
  })
}

/** The `Authorization` header of a request; an empty one counts as absent. */
export function authorizationHeader(request: FastifyRequest): string | undefined {
  const value = request.headers.authorization
  return value === undefined || value === '' ? undefined : value
}

/** What a token, revocation or introspection request carries besides its parameters. */
export function requestCredentials(request: FastifyRequest): RequestCredentials {
  return {
    authorization: authorizationHeader(request),
    dpop: dpopHeader(request),
    basic: requestBasicCredentials(request),
  }
}

/**
 * Every `DPoP` header line of a request (RFC 9449 §4.1: exactly one is allowed; the proof verifier
 * refuses more), or `undefined` without one.
 */
export function dpopHeader(request: FastifyRequest): readonly string[] | undefined {
  const value = request.headers.dpop
  if (value === undefined) return undefined
  // Node joins repeated header lines with ", "; a compact JWS holds no comma, so each part is one line.
  return (Array.isArray(value) ? value : [value]).flatMap((line) => line.split(','))
}

/**
 * A Fastify error handler answering anything thrown as an RFC 6749 §5.2 error with `no-store`, as the
 * plugin does in its own scope; 5xx are logged. For a host's own routes: `app.setErrorHandler(oauthErrorHandler)`.
 */
export function oauthErrorHandler(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const oauthError = toOAuthError(error)
  if (oauthError.status >= 500) request.log.error({ err: error }, 'oauth2 request failed')
  reply.headers(NO_STORE_HEADERS)
  return sendOAuthError(reply, oauthError)
}
