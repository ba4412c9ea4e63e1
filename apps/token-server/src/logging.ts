import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Writable } from 'node:stream'
import type { SecurityEvent } from '@pipeshub/server'
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import pretty from 'pino-pretty'

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

export type LogFormat = 'auto' | 'json' | 'pretty'

export interface TokenServerLoggerOptions {
  level: string
  /** Where lines go; stdout by default. Tests pass a stream to read the lines back. */
  destination?: DestinationStream
  /**
   * `json`: one JSON object per line; `pretty`: pino-pretty's human lines; `auto` (default): pretty when
   * stdout is a terminal (and no destination is given), JSON otherwise, so log collectors get JSON.
   */
  format?: LogFormat
}

/** pino-pretty writes to a stream; a test's `{ write }` destination is wrapped into one. */
function asWritable(destination: DestinationStream): Writable {
  if (destination instanceof Writable) return destination
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      destination.write(chunk.toString('utf8'))
      done()
    },
  })
}

/** Whether `createLogger` writes human lines: `pretty`, or `auto` on a terminal. */
export function prettyLogs(format: LogFormat = 'auto', destination?: DestinationStream): boolean {
  if (format === 'auto') return destination === undefined && process.stdout.isTTY === true
  return format === 'pretty'
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
  if (prettyLogs(options.format, options.destination)) {
    // Synchronous, in this process: a worker-thread transport would lose lines at process.exit().
    const stream = pretty({
      colorize: options.destination === undefined && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      sync: true,
      ...(options.destination === undefined ? {} : { destination: asWritable(options.destination) }),
    })
    return pino(loggerOptions, stream)
  }
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions)
}

const SECURITY_MESSAGES: Record<SecurityEvent['type'], string> = {
  client_authentication_failed: 'client authentication failed',
  refresh_token_reuse_detected: 'refresh token reuse detected: its token family is revoked',
  authorization_code_reuse_detected: 'authorization code reuse detected: what it issued is revoked',
  signing_key_rotated: 'signing key rotated: published now, signs after the publication delay',
  client_disabled: 'client disabled',
  client_enabled: 'client enabled',
}

/** A security event as one structured entry: `event` is its type, members snake_case, no secret. */
export function logSecurityEvent(log: Pick<Logger, 'warn' | 'info'>, event: SecurityEvent): void {
  const { type, ...fields } = event
  const entry: Record<string, unknown> = { event: type }
  for (const [name, value] of Object.entries(fields)) {
    entry[name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] = value
  }
  const level = type === 'signing_key_rotated' || type === 'client_enabled' ? 'info' : 'warn'
  log[level](entry, SECURITY_MESSAGES[type])
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Keeps a well-formed incoming `x-request-id` (set by a proxy) so logs correlate; otherwise a UUID. */
export function generateRequestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id']
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
}
