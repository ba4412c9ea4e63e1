import type { ValidationIssue } from '@pipeshub/models'
import type { AuthenticationChallenge } from './www-authenticate.js'

/** The base of every error this package throws, so one `instanceof` catches them all. */
export class OAuthClientError extends Error {
  override readonly name: string = 'OAuthClientError'
}

/**
 * An RFC 6749 §5.2 error response (or RFC 6750 §3 bearer challenge, or an RFC 6749 §4.1.2.1 error
 * delivered to the redirect URI). The server understood the request and refused it.
 */
export class OAuthError extends OAuthClientError {
  override readonly name: string = 'OAuthError'
  /** The error code, e.g. `invalid_grant`. */
  readonly error: string
  readonly errorDescription: string | undefined
  readonly errorUri: string | undefined
  /** HTTP status; `undefined` when the error arrived as parameters of the authorization callback. */
  readonly status: number | undefined
  /** The parsed `WWW-Authenticate` challenges of the response (empty when there were none). */
  readonly wwwAuthenticate: readonly AuthenticationChallenge[]
  /** The HTTP response (its body already read); `undefined` for callback errors. */
  readonly response: Response | undefined

  constructor(
    fields: {
      error: string
      errorDescription?: string | undefined
      errorUri?: string | undefined
      status?: number | undefined
      wwwAuthenticate?: readonly AuthenticationChallenge[]
      response?: Response | undefined
    },
    options?: ErrorOptions,
  ) {
    super(
      fields.errorDescription === undefined ? fields.error : `${fields.error}: ${fields.errorDescription}`,
      options,
    )
    this.error = fields.error
    this.errorDescription = fields.errorDescription
    this.errorUri = fields.errorUri
    this.status = fields.status
    this.wwwAuthenticate = fields.wwwAuthenticate ?? []
    this.response = fields.response
  }
}

/** A response body that does not match its schema. `issues` names every bad field. */
export class ResponseValidationError extends OAuthClientError {
  override readonly name: string = 'ResponseValidationError'
  /** What was being read, e.g. `OAuthTokenResponse`. */
  readonly messageName: string
  readonly issues: readonly ValidationIssue[]
  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined
  readonly response: Response | undefined

  constructor(
    messageName: string,
    issues: readonly ValidationIssue[],
    details: { status?: number | undefined; response?: Response | undefined } = {},
    options?: ErrorOptions,
  ) {
    const summary = issues.map((issue) => `${issue.path || '/'}: ${issue.message}`).join('; ')
    super(`invalid ${messageName}: ${summary}`, options)
    this.messageName = messageName
    this.issues = issues
    this.status = details.status
    this.response = details.response
  }
}

/** A non-2xx response that is not an OAuth error (a proxy's 502 page, a 404, ...). */
export class HttpError extends OAuthClientError {
  override readonly name: string = 'HttpError'
  readonly status: number
  /** The response body as text (truncated to 4 KiB). */
  readonly body: string
  readonly response: Response

  constructor(response: Response, body: string, options?: ErrorOptions) {
    super(
      `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${response.url}`,
      options,
    )
    this.status = response.status
    this.body = body
    this.response = response
  }
}

/** The call did not finish within its timeout (retries included). */
export class TimeoutError extends OAuthClientError {
  override readonly name: string = 'TimeoutError'
  readonly timeoutMs: number

  constructor(timeoutMs: number, options?: ErrorOptions) {
    super(`no response within ${timeoutMs} ms`, options)
    this.timeoutMs = timeoutMs
  }
}

/** `fetch` itself failed: DNS, connection refused, TLS, CORS. `cause` is what fetch threw. */
export class NetworkError extends OAuthClientError {
  override readonly name: string = 'NetworkError'
}

/** An ID token that failed a check: signature, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, shape. */
export class IdTokenValidationError extends OAuthClientError {
  override readonly name: string = 'IdTokenValidationError'
  /** The claim (or header parameter) that failed, when one did. */
  readonly claim: string | undefined

  constructor(message: string, claim?: string, options?: ErrorOptions) {
    super(message, options)
    this.claim = claim
  }
}

/** Why an authorization callback was refused before any error or code in it was trusted. */
export type AuthorizationCallbackFailure =
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'missing_issuer'
  | 'missing_code'
  | 'duplicate_parameter'

/** The redirect back from the authorization endpoint cannot be trusted or used. */
export class AuthorizationCallbackError extends OAuthClientError {
  override readonly name: string = 'AuthorizationCallbackError'
  readonly reason: AuthorizationCallbackFailure

  constructor(reason: AuthorizationCallbackFailure, message: string, options?: ErrorOptions) {
    super(message, options)
    this.reason = reason
  }
}

/** The callback's `state` is not the one this client sent (RFC 6749 §10.12: possible CSRF). */
export class StateMismatchError extends AuthorizationCallbackError {
  override readonly name: string = 'StateMismatchError'

  constructor() {
    super('state_mismatch', 'the state parameter of the callback does not match the authorization request')
  }
}

/**
 * The token manager has no usable grant any more: the refresh token was rejected (`invalid_grant`),
 * or the session was cleared. The user must authorize again; `cause` is the server's `OAuthError`.
 */
export class ReauthorizationRequiredError extends OAuthClientError {
  override readonly name: string = 'ReauthorizationRequiredError'
}

/**
 * The rotated refresh token could not be persisted: `onRefreshTokenRotated` threw (its error is the
 * `cause`). The token manager keeps the new tokens in memory; the caller decides what to do.
 */
export class RefreshTokenPersistenceError extends OAuthClientError {
  override readonly name: string = 'RefreshTokenPersistenceError'
}

/**
 * RFC 8628 §3.5 `access_denied`: the end-user refused the device's request on the verification page.
 * Polling has stopped; the device may start over with a new device authorization.
 */
export class DeviceAuthorizationDeniedError extends OAuthError {
  override readonly name: string = 'DeviceAuthorizationDeniedError'
}

/**
 * RFC 8628 §3.5 `expired_token`: the device code expired before the end-user approved it. Also
 * thrown without asking the server when `expires_in` has passed on the client's clock (`status` and
 * `response` are then `undefined`). RFC 8628 §3.5: wait for the user before a new device authorization.
 */
export class DeviceAuthorizationExpiredError extends OAuthError {
  override readonly name: string = 'DeviceAuthorizationExpiredError'
}
