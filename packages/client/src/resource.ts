import { isResourceIndicator } from '@pipeshub/models/codecs'

/** RFC 8707 resource indicator(s): the resource server(s) a token is for; absolute URIs, no fragment. */
export type Resource = string | readonly string[]

/**
 * Appends `resource` once per resource indicator (RFC 8707 §2: the parameter repeats). A value that is
 * not an absolute URI without a fragment is the caller's mistake and never reaches the server.
 */
export function appendResource(params: URLSearchParams, resource: Resource | undefined): void {
  if (resource === undefined) return
  params.delete('resource')
  const values = typeof resource === 'string' ? [resource] : resource
  for (const value of new Set(values)) {
    if (!isResourceIndicator(value)) {
      throw new TypeError(`resource must be an absolute URI without a fragment (RFC 8707): ${value}`)
    }
    params.append('resource', value)
  }
}
