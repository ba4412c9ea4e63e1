import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { createRequire } from 'node:module'
import { Writable } from 'node:stream'
import type { SecurityEvent } from '@pipeshub/server'
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import type pretty from 'pino-pretty'
import { redactLogObject, redactSecrets, redactUrl } from './log-redaction.js'

// pino-pretty (and its dependencies) load only when a terminal or `PIPESHUB_LOG_FORMAT=pretty` asks for
// human lines: a server writing JSON does not pay for them at start-up.
const require = createRequire(import.meta.url)
const loadPretty = () => require('pino-pretty') as typeof pretty

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

/** Members whose serializers below build their output from safe fields, or redact it themselves. */
const SERIALIZED = new Set(['req', 'res', 'err'])

/**
 * The JSON logger Fastify uses: request ids, secrets redacted, URL query secrets removed.
 *
 * Redaction is one walk over each logged object looking at member names (`redactSecrets`), not pino's
 * `redact` paths: wildcard paths (`*.*.code`) made every line pay for each path at each level, a tenth
 * of the token endpoint's CPU time, while a request line has four members to look at.
 */
export function createLogger(options: TokenServerLoggerOptions): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level,
    base: { service: 'pipeshub-token-server' },
    formatters: {
      log: (object) => redactLogObject(object, SERIALIZED),
      bindings: (bindings) => redactSecrets(bindings),
    },
    serializers: {
      req(request: IncomingMessage & { ip?: string; hostname?: string; url?: string }): SerializedRequest {
        return {
          method: request.method,
          url: redactUrl(request.url ?? ''),
          host: request.headers?.host,
          remoteAddress: request.ip ?? request.socket?.remoteAddress,
        }
      },
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      err: (error: unknown) => redactSecrets(error instanceof Error ? pino.stdSerializers.err(error) : error),
    },
  }
  if (prettyLogs(options.format, options.destination)) {
    // Synchronous, in this process: a worker-thread transport would lose lines at process.exit().
    const stream = loadPretty()({
      colorize: options.destination === undefined && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      sync: true,
      ...(options.destination === undefined ? {} : { destination: asWritable(options.destination) }),
    })
    return redactingChildBindings(pino(loggerOptions, stream))
  }
  return redactingChildBindings(pino(loggerOptions, options.destination ?? stdoutDestination()))
}

/** Lines gathered before one write to stdout (sonic-boom's `minLength`); a request line is ~300 bytes. */
export const STDOUT_BUFFER_BYTES = 8192
/** Longest a line waits in that buffer, in milliseconds. */
export const STDOUT_FLUSH_MS = 250

let stdout: DestinationStream | undefined

/**
 * Standard output as every logger of the process writes it: pino's asynchronous destination (what
 * `pino()` uses by default), one for the process, gathering lines into one write of about 8 KB, written
 * at the latest `STDOUT_FLUSH_MS` after a line. A `write(2)` per line was about a twentieth of the
 * deployable token endpoint's CPU time. pino flushes it synchronously at exit (also after an uncaught
 * exception); only the lines of the last `STDOUT_FLUSH_MS` are lost if the process is killed (SIGKILL).
 * Writes stay off the event loop: a slow disk or pipe delays lines, not requests.
 */
function stdoutDestination(): DestinationStream {
  // Like pino: a stdout whose `write` was replaced (a test runner capturing it) gets the lines itself.
  if (process.stdout.write !== Object.getPrototypeOf(process.stdout).write) return process.stdout
  stdout ??= pino.destination({
    dest: process.stdout.fd ?? 1,
    sync: false,
    minLength: STDOUT_BUFFER_BYTES,
    periodicFlush: STDOUT_FLUSH_MS,
  })
  return stdout
}

/**
 * pino applies `formatters.bindings` to the root's bindings only; a child's (Fastify's `reqId`, or
 * anything a caller binds) are redacted here. Children inherit from their parent, so every descendant
 * goes through this `child` too.
 */
function redactingChildBindings(logger: Logger): Logger {
  const pinoChild = logger.child
  logger.child = function child(this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redactSecrets(bindings), childOptions)
  } as Logger['child']
  return logger
}

const SECURITY_MESSAGES: Record<SecurityEvent['type'], string> = {
  client_authentication_failed: 'client authentication failed',
  refresh_token_reuse_detected: 'refresh token reuse detected: its token family is revoked',
  authorization_code_reuse_detected: 'authorization code reuse detected: what it issued is revoked',
  signing_key_rotated: 'signing key rotated: published now, signs after the publication delay',
  client_disabled: 'client disabled',
  client_enabled: 'client enabled',
  user_disabled: 'user disabled',
  user_enabled: 'user enabled',
}

/** A security event as one structured entry: `event` is its type, members snake_case, no secret. */
export function logSecurityEvent(log: Pick<Logger, 'warn' | 'info'>, event: SecurityEvent): void {
  const { type, ...fields } = event
  const entry: Record<string, unknown> = { event: type }
  for (const [name, value] of Object.entries(fields)) {
    entry[name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] = value
  }
  const level =
    type === 'signing_key_rotated' || type === 'client_enabled' || type === 'user_enabled' ? 'info' : 'warn'
  log[level](entry, SECURITY_MESSAGES[type])
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Keeps a well-formed incoming `x-request-id` (set by a proxy) so logs correlate; otherwise a UUID. */
export function generateRequestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id']
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
}
