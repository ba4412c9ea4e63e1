import { OAuthError } from './errors.js'
import type { ClientRecord } from './store/types.js'

/** An authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1) that passed validation. */
export interface AuthorizationRequest {
  client: ClientRecord
  clientId: string
  redirectUri: string
  /** Requested scopes, each known and allowed for the client. */
  scope: string[]
  state: string
  codeChallenge: string | null
  codeChallengeMethod: 'S256' | 'plain' | null
  nonce: string | null
  /**
   * `max_age` (OIDC Core section 3.1.2.1), seconds: the end-user must have authenticated at most this long
   * ago, else the login/consent hook must authenticate them again (`0` behaves like `prompt=login`);
   * `null` when absent. See `authenticationTooOld`.
   */
  maxAge: number | null
  /** RFC 8707 resources the token will be for, each configured; `[]` for the default audience. */
  resources: string[]
}

/**
 * Whether the end-user must sign in again before `request` can be approved, given when they last
 * authenticated (epoch seconds): `max_age=0` always (like `prompt=login`), `max_age=N` once more than N
 * seconds passed (OIDC Core section 3.1.2.1). The ID token then carries the new `auth_time`.
 */
export function authenticationTooOld(
  request: Pick<AuthorizationRequest, 'maxAge'>,
  authTime: number,
  now: number,
): boolean {
  if (request.maxAge === null) return false
  return request.maxAge === 0 || now - authTime > request.maxAge
}

/**
 * An error of the authorization endpoint. With `redirectUri` it goes back to the client as query
 * parameters (RFC 6749 §4.1.2.1); without it (unknown client, bad redirect URI) it must be shown to
 * the user and never redirected.
 */
export class AuthorizationRequestError extends OAuthError {
  readonly redirectUri: string | undefined
  readonly state: string | undefined
  readonly issuer: string

  constructor(
    error: OAuthError,
    context: { redirectUri?: string | undefined; state?: string | undefined; issuer: string },
  ) {
    super(error.error, error.errorDescription, { status: error.status })
    this.redirectUri = context.redirectUri
    this.state = context.state
    this.issuer = context.issuer
  }

  /** The redirect carrying the error, or `undefined` when it must not be redirected. */
  redirectTo(): string | undefined {
    if (this.redirectUri === undefined) return undefined
    return buildRedirect(this.redirectUri, {
      error: this.error,
      error_description: this.errorDescription,
      state: this.state,
      iss: this.issuer,
    })
  }
}

/** Appends query parameters to a registered redirect URI, keeping its own query (RFC 6749 §3.1.2). */
export function buildRedirect(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri)
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.append(name, value)
  return url.toString()
}
