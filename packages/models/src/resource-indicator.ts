import Type from 'typebox'
import { Compile } from 'typebox/compile'

/**
 * RFC 8707 §2: a resource indicator is an absolute URI (RFC 3986 §4.3: a scheme, no fragment; a query
 * is allowed). URIs are ASCII without spaces, so printable ASCII other than `#` after the scheme.
 */
export const RESOURCE_INDICATOR_PATTERN = '^[A-Za-z][A-Za-z0-9+.\\-]*:[\\x21\\x22\\x24-\\x7E]+$'

/** Longest resource indicator accepted: far above any real URL, small enough to bound stored grants. */
export const MAX_RESOURCE_INDICATOR_LENGTH = 2048

/** One RFC 8707 resource indicator. */
export const ResourceIndicator = (description: string) =>
  Type.String({
    format: 'uri',
    pattern: RESOURCE_INDICATOR_PATTERN,
    maxLength: MAX_RESOURCE_INDICATOR_LENGTH,
    description,
  })

/**
 * The `resource` request parameter (RFC 8707 §2): repeatable, so one value on the wire is a string and
 * several (a repeated form field, a JSON array) are a non-empty array.
 */
export const ResourceParameter = (description: string) =>
  Type.Union(
    [
      ResourceIndicator('A resource indicator: absolute URI, no fragment.'),
      Type.Array(ResourceIndicator('A resource indicator: absolute URI, no fragment.'), { minItems: 1 }),
    ],
    { description },
  )

const indicator = Compile(ResourceIndicator('A resource indicator.'))

/** True when `value` is a valid RFC 8707 resource indicator (absolute URI, no fragment). */
export function isResourceIndicator(value: unknown): value is string {
  return indicator.Check(value)
}

/** The wire `resource` member as a list (order kept, duplicates removed); `[]` when absent. */
export function resourceList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return []
  return [...new Set(typeof value === 'string' ? [value] : value)]
}

/** The `resource` member for a list: absent for none, a string for one, an array for several. */
export function resourceMember(resources: readonly string[] | undefined): string | string[] | undefined {
  if (resources === undefined || resources.length === 0) return undefined
  const unique = [...new Set(resources)]
  return unique.length === 1 ? unique[0] : unique
}

/** Copies a `resource` member so that a model never shares an array with its wire object. */
export function copyResource(value: string | readonly string[]): string | string[] {
  return typeof value === 'string' ? value : [...value]
}
