import { OAuthError } from '../errors.js'
import { RESOURCE_SEPARATOR } from '../resource-indicators.js'

/**
 * Decoded request parameters: one string per name (RFC 6749 §3.2: parameters MUST NOT repeat), except
 * RFC 8707 `resource`, which may repeat: its values are joined with `RESOURCE_SEPARATOR`.
 */
export type ParameterMap = Record<string, string>

/** The one parameter RFC 8707 §2 lets a request repeat. */
const REPEATABLE = 'resource'

/**
 * Adds one value of the repeatable `resource`. A URI has no whitespace (RFC 3986 §2), so a value with
 * some is refused here, which also keeps the joined form unambiguous.
 */
function addResource(params: ParameterMap, value: string): void {
  if (value === '') return
  if (/\s/.test(value)) {
    throw new OAuthError('invalid_target', 'resource must be an absolute URI without a fragment (RFC 8707)')
  }
  params[REPEATABLE] = Object.hasOwn(params, REPEATABLE)
    ? `${params[REPEATABLE]}${RESOURCE_SEPARATOR}${value}`
    : value
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const MAX_PARAMETERS = 100

function invalid(description: string): OAuthError {
  return new OAuthError('invalid_request', description)
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw invalid('the request body is not valid UTF-8')
  }
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    throw invalid('the request contains a malformed percent-encoding or invalid UTF-8')
  }
}

/**
 * Parses `application/x-www-form-urlencoded` text (WHATWG URL "urlencoded parser", but strict): invalid
 * percent-encodings or UTF-8 and repeated names are `invalid_request`; nameless pairs are skipped.
 */
export function parseFormText(text: string): ParameterMap {
  const params: ParameterMap = Object.create(null) as ParameterMap
  if (text === '') return params
  const pairs = text.split('&')
  if (pairs.length > MAX_PARAMETERS) throw invalid('too many parameters')
  for (const pair of pairs) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq))
    const value = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1))
    // A nameless pair carries no parameter; unknown parameters are ignored, and so is this one.
    if (name === '') continue
    if (name === REPEATABLE) {
      addResource(params, value)
      continue
    }
    if (Object.hasOwn(params, name)) throw invalid(`parameter ${truncate(name)} is repeated`)
    params[name] = value
  }
  return params
}

export function parseFormBody(body: Uint8Array): ParameterMap {
  return parseFormText(decodeUtf8(body))
}

/**
 * Parses a JSON object body of any members (RFC 7591 client metadata has arrays): not valid JSON, not an
 * object, or a repeated member name is `invalid_request`. Member values are the caller's to check.
 */
export function parseJsonObjectBody(body: Uint8Array): Record<string, unknown> {
  return parseJsonObjectText(decodeUtf8(body))
}

function parseJsonObjectText(text: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalid('the request body is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('the request body must be a JSON object')
  }
  const count = Object.keys(parsed).length
  if (count > MAX_PARAMETERS) throw invalid('too many parameters')
  if (hasDuplicateMembers(text, count)) throw invalid('the JSON body repeats a member name')
  return parsed as Record<string, unknown>
}

/**
 * Parses a JSON object body of string members (PipesHub's SDK posts its token requests as JSON).
 * `null` members count as absent; a repeated member name is `invalid_request` like a repeated form field.
 */
export function parseJsonBody(body: Uint8Array): ParameterMap {
  const text = decodeUtf8(body)
  if (text.trim() === '') return Object.create(null) as ParameterMap
  const entries = Object.entries(parseJsonObjectText(text))
  const params: ParameterMap = Object.create(null) as ParameterMap
  for (const [name, value] of entries) {
    if (value === null) continue
    if (name === REPEATABLE && Array.isArray(value)) {
      // The JSON form of a repeated resource (the models' ResourceParameter): an array of strings.
      if (value.length === 0 || value.some((item) => typeof item !== 'string'))
        throw invalid('resource must be a string or a non-empty array of strings')
      for (const item of value as string[]) addResource(params, item)
      continue
    }
    if (name === REPEATABLE && typeof value === 'string') {
      addResource(params, value)
      continue
    }
    if (typeof value !== 'string') throw invalid(`parameter ${truncate(name)} must be a string`)
    params[name] = value
  }
  return params
}

/**
 * JSON.parse keeps the last of repeated member names silently; count the top-level members of the
 * text instead and compare with what survived.
 */
function hasDuplicateMembers(text: string, distinct: number): boolean {
  let depth = 0
  let members = 0
  let inString = false
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') {
      if (depth === 1 && expectKey) {
        members++
        expectKey = false
      }
      inString = true
    } else if (ch === '{' || ch === '[') {
      depth++
      if (depth === 1) expectKey = true
    } else if (ch === '}' || ch === ']') {
      depth--
    } else if (ch === ',' && depth === 1) {
      expectKey = true
    }
  }
  return members !== distinct
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}...` : value
}
