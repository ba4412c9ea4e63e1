import Type from 'typebox'
import { RESOURCE_INDICATOR_PATTERN } from './resource-indicator-grammar.js'

export {
  copyResource,
  isResourceIndicator,
  MAX_RESOURCE_INDICATOR_LENGTH,
  RESOURCE_INDICATOR_PATTERN,
} from './resource-indicator-grammar.js'

/** One RFC 8707 resource indicator. */
export const ResourceIndicator = (description: string) =>
  Type.String({
    format: 'uri',
    pattern: RESOURCE_INDICATOR_PATTERN,
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
