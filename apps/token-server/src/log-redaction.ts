import pino from 'pino'

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

/** Headers that carry credentials (HTTP Basic, bearer tokens, session cookies). */
export const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'] as const

export const CENSOR = '[redacted]'

/**
 * Past this depth a logged value is replaced whole: a walk has to end somewhere, and what it has not
 * looked at must not reach the log. Request lines and security events are two levels deep.
 */
export const MAX_LOGGED_DEPTH = 8

/** `client_secret`, `clientSecret`, `Client-Secret` and `CLIENT_SECRET` name one thing. */
function normalised(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase()
}

const SECRET_NAMES = new Set<string>([...SECRET_PARAMETERS, ...SECRET_HEADERS].map(normalised))
const QUERY_SECRETS = new Set<string>(SECRET_PARAMETERS)

// Member names are mostly the code's own (`route`, `statusCode`, `reqId`): each is normalised once.
// Bounded, as names can come from logged data.
const KNOWN_NAMES = new Map<string, boolean>()
const MAX_KNOWN_NAMES = 1024

/** Whether a member, parameter or header of this name holds a credential. */
export function isSecretName(name: string): boolean {
  const known = KNOWN_NAMES.get(name)
  if (known !== undefined) return known
  const secret = SECRET_NAMES.has(normalised(name))
  if (KNOWN_NAMES.size < MAX_KNOWN_NAMES) KNOWN_NAMES.set(name, secret)
  return secret
}

/** Replaces secret query parameters of a URL (path + query) by `[redacted]`. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?')
  if (queryAt === -1) return url
  const params = new URLSearchParams(url.slice(queryAt + 1))
  let changed = false
  for (const name of new Set(params.keys())) {
    if (QUERY_SECRETS.has(name.toLowerCase())) {
      params.set(name, CENSOR)
      changed = true
    }
  }
  return changed ? `${url.slice(0, queryAt)}?${params.toString()}` : url
}

function redactMembers(
  value: object,
  depth: number,
  skip: ReadonlySet<string> | undefined,
): Record<string, unknown> {
  const source = value as Record<string, unknown>
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue
    const member = source[key]
    const replaced = member !== undefined && isSecretName(key) ? CENSOR : redactValue(member, depth + 1)
    if (replaced !== member) {
      copy ??= { ...source }
      copy[key] = replaced
    }
  }
  return copy ?? source
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (depth >= MAX_LOGGED_DEPTH) return CENSOR
  // An error's message, stack and cause are not enumerable: serialize it, then look inside.
  if (value instanceof Error) return redactValue(pino.stdSerializers.err(value), depth)
  if (value instanceof URL) return redactUrl(value.href)
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let index = 0; index < value.length; index++) {
      const replaced = redactValue(value[index], depth + 1)
      if (replaced !== value[index]) {
        copy ??= [...value]
        copy[index] = replaced
      }
    }
    return copy ?? value
  }
  // Dates, Buffers and the like write what their toJSON answers, not their members.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value
  return redactMembers(value, depth, undefined)
}

/**
 * The value with every member named by `isSecretName` replaced by `[redacted]`, at any depth up to
 * `MAX_LOGGED_DEPTH` (deeper values are replaced whole). The input is never modified: a copy is made
 * only along the path to a secret, so a value without secrets comes back as it was, at the cost of one
 * look at each member name.
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, 0) as T
}

/**
 * Redaction of a log call's merging object, before pino serializes it: every member except those in
 * `serialized`, whose serializers build their output from named safe fields or redact it themselves.
 */
export function redactLogObject(
  object: Record<string, unknown>,
  serialized: ReadonlySet<string>,
): Record<string, unknown> {
  return redactMembers(object, 0, serialized)
}
