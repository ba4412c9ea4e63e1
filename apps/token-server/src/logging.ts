import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'

/** Parameters whose values are credentials; never written to a log line, wherever they appear. */
export const SECRET_PARAMETERS = [
  'client_secret',
  'password',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'assertion',
  'secret',
] as const

const SECRET_SET = new Set<string>(SECRET_PARAMETERS)
const CENSOR = '[redacted]'

/** Replaces secret query parameters of a URL (path + query) by `[redacted]`. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?')
  if (queryAt === -1) return url
  const params = new URLSearchParams(url.slice(queryAt + 1))
  let changed = false
  for (const name of new Set(params.keys())) {
    if (SECRET_SET.has(name.toLowerCase())) {
      params.set(name, CENSOR)
      changed = true
    }
  }
  return changed ? `${url.slice(0, queryAt)}?${params.toString()}` : url
}

/**
 * pino paths redacted in every line: credentials in headers, and any secret parameter in objects
 * logged up to three levels deep (bodies, error details, `err.cause`).
 */
export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...SECRET_PARAMETERS.flatMap((name) => [name, `*.${name}`, `*.*.${name}`, `*.*.*.${name}`]),
]

interface SerializedRequest {
  method: string | undefined
  url: string
  host: string | undefined
  remoteAddress: string | undefined
}

export interface TokenServerLoggerOptions {
  level: string
  /** Where lines go; stdout by default. Tests pass a stream to read the lines back. */
  destination?: DestinationStream
}

/** The JSON logger Fastify uses: request ids, redaction, URL query secrets removed. */
export function createLogger(options: TokenServerLoggerOptions): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level,
    base: { service: 'pipeshub-token-server' },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: {
      req(request: IncomingMessage & { ip?: string; hostname?: string; url?: string }): SerializedRequest {
        return {
          method: request.method,
          url: redactUrl(request.url ?? ''),
          host: request.headers?.host,
          remoteAddress: request.ip ?? request.socket?.remoteAddress,
        }
      },
      err: pino.stdSerializers.err,
    },
  }
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions)
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Keeps a well-formed incoming `x-request-id` (set by a proxy) so logs correlate; otherwise a UUID. */
export function generateRequestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id']
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
}
