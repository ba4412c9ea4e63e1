import type { ConsentRecord } from './store/types.js'

/** What an authorization request asks the end-user to allow: scopes, at RFC 8707 resources. */
export interface ConsentRequest {
  readonly scope: readonly string[]
  /** The resources the tokens will be for; empty: the default audience. */
  readonly resources: readonly string[]
}

/**
 * Whether a remembered consent lets an authorization request skip the consent page: every requested
 * scope AND every requested resource was allowed before. Scopes alone are not enough: the consent page
 * names the resources, so an app allowed scopes for one audience must not reach another one (say the MCP
 * server) without the end-user seeing it named.
 */
export function consentCovers(consent: ConsentRecord | undefined, request: ConsentRequest): boolean {
  if (consent === undefined) return false
  return (
    request.scope.every((token) => consent.scope.includes(token)) &&
    request.resources.every((resource) => consent.resources.includes(resource))
  )
}

/**
 * The consent to remember once the end-user allowed `request`: what they allowed before and this, so a
 * later request for less or the same skips the page (scopes and resources are each a union).
 */
export function widenedConsent(
  previous: ConsentRecord | undefined,
  granted: ConsentRequest & {
    readonly subject: string
    readonly clientId: string
    readonly grantedAt: number
  },
): ConsentRecord {
  return {
    subject: granted.subject,
    clientId: granted.clientId,
    scope: [...new Set([...(previous?.scope ?? []), ...granted.scope])],
    resources: [...new Set([...(previous?.resources ?? []), ...granted.resources])],
    grantedAt: granted.grantedAt,
  }
}
