import { MatchersV3, type TemplateHeaders } from '@pact-foundation/pact'

/** The form content type of RFC 6749 §3.2 requests (token, revocation, introspection). */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'

/** A JSON media type, with or without parameters (`application/json; charset=utf-8`). */
export const jsonContentType = () => MatchersV3.regex('^application/json(\\s*;.*)?$', 'application/json')

/** RFC 6749 §5.1 / RFC 6749 §5.2: token responses must not be cached. */
export const NO_STORE = 'no-store'

/** Response headers every token endpoint answer pins: JSON, and `Cache-Control: no-store`. */
export function tokenResponseHeaders(): TemplateHeaders {
  return { 'Content-Type': jsonContentType(), 'Cache-Control': NO_STORE }
}

/**
 * `token_type` as this client accepts it: Bearer, compared case-insensitively (RFC 6749 §5.1,
 * RFC 6750). Narrower than the wire schema, which allows any RFC 6749 §7.1 token type.
 */
export const bearerTokenType = () => MatchersV3.regex('^[Bb][Ee][Aa][Rr][Ee][Rr]$', 'Bearer')
