// The RFC 8707 resource indicator grammar without a schema library, for the client's entry point.

/**
 * RFC 8707 §2: a resource indicator is an absolute URI (RFC 3986 §4.3: a scheme, no fragment; a query
 * is allowed). URIs are ASCII without spaces, so printable ASCII other than `#` after the scheme.
 */
export const RESOURCE_INDICATOR_PATTERN = '^[A-Za-z][A-Za-z0-9+.\\-]{0,30}:[\\x21\\x22\\x24-\\x7E]{1,2000}$'

/** Longest resource indicator accepted (the pattern bounds it): far above any real URL, small enough to bound stored grants. */
export const MAX_RESOURCE_INDICATOR_LENGTH = 2032

const INDICATOR = new RegExp(RESOURCE_INDICATOR_PATTERN)

/** True when `value` is a valid RFC 8707 resource indicator (absolute URI, no fragment). */
export function isResourceIndicator(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_RESOURCE_INDICATOR_LENGTH || !INDICATOR.test(value))
    return false
  try {
    new URL(value)
    return true
  } catch {
    return false
  }
}

/** Copies a `resource` member so that a model never shares an array with its wire object. */
export function copyResource(value: string | readonly string[]): string | string[] {
  return typeof value === 'string' ? value : [...value]
}

/**
 * RFC 9728 §3.1: where a resource publishes its metadata: `/.well-known/oauth-protected-resource`
 * inserted between the host and the path of its resource identifier (a query is kept after the path).
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`
}
