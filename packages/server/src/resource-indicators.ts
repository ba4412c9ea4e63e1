import { isResourceIndicator } from '@pipeshub/models'
import { OAuthError } from './errors.js'
import { USER_ONLY_SCOPES } from './scopes.js'

/**
 * What the authorization server knows about one resource server (RFC 8707): the resource indicator
 * clients name it by, which becomes the `aud` of its access tokens, and its token policy.
 */
export interface ResourcePolicy {
  /** The resource indicator, exactly as clients send it (absolute URI, no fragment). */
  resource: string
  /**
   * Scopes a token for this resource may carry; the identity scopes (`openid profile email
   * offline_access`), which concern this server, are always allowed. Default: every scope.
   */
  scopes?: readonly string[] | undefined
  /** Lifetime in seconds of access tokens for this resource (60-86400). Default: the client's. */
  accessTokenLifetime?: number | undefined
}

/** The resource policies of one server: parses `resource` parameters and applies the policies. */
export interface ResourcePolicies {
  /** Every configured resource indicator. */
  readonly resources: readonly string[]
  /**
   * The `resource` parameter (its values separated by `RESOURCE_SEPARATOR`, or already a list) as a list
   * without duplicates: absent gives `[]`; each value must be an absolute URI without a fragment and a
   * configured resource, else `invalid_target` (RFC 8707 §2).
   */
  parse(value: string | readonly string[] | undefined): string[]
  /** Refuses (`invalid_target`) a scope that one of `resources` does not accept. */
  assertScopesAccepted(resources: readonly string[], scope: readonly string[]): void
  /** `requested` when every one of them was granted, else `invalid_target`; `granted` when none requested. */
  narrow(granted: readonly string[], requested: readonly string[]): string[]
  /** The shortest lifetime of `resources`, or `fallback` (the client's) when none sets one. */
  lifetime(resources: readonly string[], fallback: number): number
}

/**
 * The separator of several values of the repeatable `resource` parameter once parsed into one string:
 * a URI never contains a space (RFC 3986 §2), and the HTTP layer refuses a `resource` value that does.
 */
export const RESOURCE_SEPARATOR = ' '

const invalidTarget = (description: string) => new OAuthError('invalid_target', description)

export function createResourcePolicies(policies: readonly ResourcePolicy[] = []): ResourcePolicies {
  const byResource = new Map<string, { scopes: Set<string> | undefined; lifetime: number | undefined }>()
  for (const policy of policies) {
    if (!isResourceIndicator(policy.resource)) {
      throw new TypeError(`resource policy ${policy.resource}: not an absolute URI without a fragment`)
    }
    if (byResource.has(policy.resource))
      throw new TypeError(`resource ${policy.resource} is configured twice`)
    const lifetime = policy.accessTokenLifetime
    if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 60 || lifetime > 86_400)) {
      throw new TypeError(`resource ${policy.resource}: accessTokenLifetime must be 60-86400 seconds`)
    }
    byResource.set(policy.resource, {
      scopes: policy.scopes === undefined ? undefined : new Set(policy.scopes),
      lifetime,
    })
  }
  return {
    resources: [...byResource.keys()],

    parse(value) {
      if (value === undefined || value === '') return []
      const resources = [...new Set(typeof value === 'string' ? value.split(RESOURCE_SEPARATOR) : value)]
      for (const resource of resources) {
        if (!isResourceIndicator(resource)) {
          throw invalidTarget('resource must be an absolute URI without a fragment (RFC 8707)')
        }
        if (!byResource.has(resource)) throw invalidTarget(`resource ${resource} is unknown to this server`)
      }
      return resources
    },

    assertScopesAccepted(resources, scope) {
      for (const resource of resources) {
        const accepted = byResource.get(resource)?.scopes
        if (accepted === undefined) continue
        for (const s of scope) {
          if (!accepted.has(s) && !USER_ONLY_SCOPES.includes(s)) {
            throw invalidTarget(`resource ${resource} does not accept the scope ${s}`)
          }
        }
      }
    },

    narrow(granted, requested) {
      if (requested.length === 0) return [...granted]
      for (const resource of requested) {
        if (!granted.includes(resource)) throw invalidTarget(`resource ${resource} was not granted`)
      }
      return [...requested]
    },

    lifetime(resources, fallback) {
      let shortest: number | undefined
      for (const resource of resources) {
        const lifetime = byResource.get(resource)?.lifetime
        if (lifetime !== undefined && (shortest === undefined || lifetime < shortest)) shortest = lifetime
      }
      return shortest ?? fallback
    },
  }
}

/** The `aud` claim for a token: the resources it is for, else the server's default audience. */
export function audienceFor(resources: readonly string[], defaultAudience: string): string | string[] {
  if (resources.length === 0) return defaultAudience
  return resources.length === 1 ? (resources[0] as string) : [...resources]
}
