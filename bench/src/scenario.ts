/**
 * What the load generator sends to a target's token endpoint. A target describes its request once;
 * the harness never needs to know which server it is talking to.
 */
export type Scenario =
  /** Every request is the same bytes (client_credentials, the floors). */
  | { readonly kind: 'fixed'; readonly request: HttpRequestSpec }
  /**
   * Refresh-token rotation: a pool of refresh tokens seeded by the target; each request takes one
   * token from the pool and the rotated refresh token in the response goes back into it, as a real
   * client's chain would. A token is never sent twice.
   */
  | { readonly kind: 'refresh-chain'; readonly request: HttpRequestSpec; readonly body: BodyTemplate }
  /** One-time credentials (authorization codes): each pre-issued value is sent exactly once. */
  | { readonly kind: 'one-shot'; readonly request: HttpRequestSpec; readonly body: BodyTemplate }
  /**
   * The same bytes plus a fresh DPoP proof (RFC 9449) per request for `htu`, the token endpoint as the
   * server names it: a proof's jti is refused the second time, so none can be pre-built and reused.
   */
  | { readonly kind: 'dpop'; readonly request: HttpRequestSpec; readonly htu: string }

export interface HttpRequestSpec {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  /** The body of a `fixed` or `dpop` request; ignored for templated scenarios. */
  readonly body?: string
}

/** A form body with one slot: `prefix + encodeURIComponent(credential) + suffix`. */
export interface BodyTemplate {
  readonly prefix: string
  readonly suffix: string
}

export function renderBody(template: BodyTemplate, credential: string): string {
  return `${template.prefix}${encodeURIComponent(credential)}${template.suffix}`
}

/** `Authorization: Basic` for client_secret_basic (RFC 6749 §2.3.1: form-encode, then base64). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encoded = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`
  return `Basic ${Buffer.from(encoded).toString('base64')}`
}

/** The secret of a `basicAuthorization` header: a target whose server generated its client's secret. */
export function basicSecret(header: string): string {
  const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8')
  return decodeURIComponent(decoded.slice(decoded.indexOf(':') + 1))
}

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'
