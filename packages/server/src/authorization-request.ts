import { OAuthError } from './errors.js'
import type { ClientRecord } from './store/types.js'

/** An authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1) that passed validation. */
export interface AuthorizationRequest {
  client: ClientRecord
  clientId: string
  redirectUri: string
  /** Requested scopes, each known and allowed for the client. */
  scope: string[]
  /**
   * `state`, when the client sent one. RFC 6749 §4.1.1 only recommends it and RFC 9700 §2.1.1 lets PKCE
   * carry the CSRF protection, so a request with an S256 `code_challenge` may leave it out.
   */
  state: string | undefined
  codeChallenge: string | null
  codeChallengeMethod: 'S256' | 'plain' | null
  nonce: string | null
  /**
   * `prompt` values (OIDC Core §3.1.2.1), each one of `login`, `consent`, `select_account`, or `none`
   * alone; empty when absent. `consent` asks again even when the end-user consented before.
   */
  prompt: PromptValue[]
  /**
   * `max_age` (OIDC Core section 3.1.2.1), seconds: the end-user must have authenticated at most this long
   * ago, else the login/consent hook must authenticate them again (`0` behaves like `prompt=login`);
   * `null` when absent. See `authenticationTooOld`.
   */
  maxAge: number | null
  /** RFC 8707 resources the token will be for, each configured; `[]` for the default audience. */
  resources: string[]
}

/** The `prompt` values of OIDC Core §3.1.2.1. */
export type PromptValue = 'none' | 'login' | 'consent' | 'select_account'

const PROMPT_VALUES: readonly string[] = ['none', 'login', 'consent', 'select_account']

/**
 * Parses `prompt` (OIDC Core §3.1.2.1): space-delimited known values; `none` with any other value is an
 * `invalid_request`, as is a value this server does not know.
 */
export function parsePrompt(value: string | undefined): PromptValue[] {
  if (value === undefined) return []
  const values = [...new Set(value.split(' ').filter((v) => v !== ''))]
  for (const v of values) {
    if (!PROMPT_VALUES.includes(v))
      throw new OAuthError('invalid_request', `prompt value ${v} is not supported`)
  }
  if (values.includes('none') && values.length > 1)
    throw new OAuthError('invalid_request', 'prompt=none cannot be combined with another value')
  return values as PromptValue[]
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
