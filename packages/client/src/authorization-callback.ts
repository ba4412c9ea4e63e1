import { AuthorizationCallbackError, OAuthError, StateMismatchError } from './errors.js'

/** A successful authorization response (RFC 6749 §4.1.2), checked. */
export interface AuthorizationCallback {
  /** The authorization code to redeem with `exchangeAuthorizationCode`. */
  readonly code: string
  readonly state: string
  /** RFC 9207 issuer identifier, when the server sent one (it was checked). */
  readonly iss: string | undefined
}

export interface AuthorizationCallbackExpectations {
  /** The issuer of the server the authorization request went to. */
  readonly issuer: string
  /** The `state` of the authorization request (from `createAuthorizationRequest`). */
  readonly state: string
  /** RFC 9207: the server promises `iss` in every response, so its absence is an error. */
  readonly requireIssuer: boolean
}

function single(parameters: URLSearchParams, name: string): string | undefined {
  const values = parameters.getAll(name)
  // RFC 6749 §3.1: request and response parameters MUST NOT be included more than once.
  if (values.length > 1) {
    throw new AuthorizationCallbackError('duplicate_parameter', `the callback carries ${name} more than once`)
  }
  return values[0]
}

/**
 * Checks the redirect back from the authorization endpoint, in the order that keeps an attacker's
 * input out: the issuer first (RFC 9207 mix-up defence), then `state` (RFC 6749 §10.12 CSRF), and
 * only then the error or the code. An error response becomes an `OAuthError` without a status.
 */
export function checkAuthorizationCallback(
  callback: URL | string | URLSearchParams,
  expected: AuthorizationCallbackExpectations,
): AuthorizationCallback {
  const parameters =
    callback instanceof URLSearchParams
      ? callback
      : typeof callback === 'string'
        ? // A bare query string (`?code=...`, as `location.search` gives it), a path with its query
          // (`/callback?code=...`, as Node's `request.url` gives it), or a whole URL.
          callback.startsWith('?')
          ? new URLSearchParams(callback)
          : callback.startsWith('/')
            ? new URL(callback, 'http://path-only.invalid').searchParams
            : new URL(callback).searchParams
        : callback.searchParams
  const iss = single(parameters, 'iss')
  if (iss !== undefined && iss !== expected.issuer) {
    throw new AuthorizationCallbackError('issuer_mismatch', `the callback's iss is not ${expected.issuer}`)
  }
  if (iss === undefined && expected.requireIssuer) {
    throw new AuthorizationCallbackError(
      'missing_issuer',
      'the server sends iss (RFC 9207), but the callback has none',
    )
  }
  const state = single(parameters, 'state')
  if (state !== expected.state) throw new StateMismatchError()
  const error = single(parameters, 'error')
  if (error !== undefined) {
    throw new OAuthError({
      error,
      errorDescription: single(parameters, 'error_description'),
      errorUri: single(parameters, 'error_uri'),
    })
  }
  const code = single(parameters, 'code')
  if (code === undefined || code === '') {
    throw new AuthorizationCallbackError('missing_code', 'the callback has neither a code nor an error')
  }
  return { code, state, iss }
}
