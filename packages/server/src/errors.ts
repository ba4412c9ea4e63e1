import { type OAuthErrorCode, statusForOAuthError } from '@pipeshub/models'

export interface OAuthErrorOptions {
  /** HTTP status; defaults to the RFC 6749 §5.2 status of the code. */
  status?: number
  /** Value of the `WWW-Authenticate` response header (RFC 6749 §5.2, RFC 6750 §3). */
  wwwAuthenticate?: string
  /** Why, for logs only: never sent to the client. */
  cause?: unknown
  /**
   * Answer only the status and the `WWW-Authenticate` challenge, without an error code or body: RFC 6750
   * section 3.1 for a request to a protected resource that carries no authentication at all.
   */
  challengeOnly?: boolean
  /** Further response headers, e.g. `DPoP-Nonce` with `use_dpop_nonce` (RFC 9449 §8). */
  headers?: Readonly<Record<string, string>>
}

function defaultStatus(code: OAuthErrorCode): number {
  // The server raises server_error only for storage failures, which are retryable: 503, not 500.
  return code === 'server_error' ? 503 : statusForOAuthError(code)
}

/** Every error the authorization server answers: an RFC 6749 §5.2 error code, a description and a status. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError'
  readonly error: OAuthErrorCode
  readonly errorDescription: string
  readonly status: number
  readonly wwwAuthenticate: string | undefined
  /** The HTTP layer sends no body and no error code, only the status and the challenge. */
  readonly challengeOnly: boolean
  /** Further response headers (`OAuthErrorOptions.headers`). */
  readonly headers: Readonly<Record<string, string>>

  constructor(error: OAuthErrorCode, errorDescription: string, options: OAuthErrorOptions = {}) {
    super(`${error}: ${errorDescription}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.error = error
    // RFC 6749 A.8: error_description is restricted to %x20-21 / %x23-5B / %x5D-7E.
    this.errorDescription = errorDescription.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, "'")
    this.status = options.status ?? defaultStatus(error)
    this.wwwAuthenticate = options.wwwAuthenticate
    this.challengeOnly = options.challengeOnly ?? false
    this.headers = options.headers ?? {}
  }

  /** The RFC 6749 §5.2 body, snake_case. */
  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.errorDescription }
  }
}

/** Thrown by a store adapter when the database fails; the core turns it into a retryable 503. */
export class StorageError extends Error {
  override readonly name = 'StorageError'
}

/** Wraps any unexpected failure from a store call as a retryable `temporarily_unavailable` 503. */
export function storageFailure(cause: unknown): OAuthError {
  if (cause instanceof OAuthError) return cause
  return new OAuthError(
    'temporarily_unavailable',
    'the authorization server storage is unavailable, retry later',
    {
      status: 503,
      cause,
    },
  )
}

/** Runs a store (or signing) call; any failure that is not already an OAuth error becomes a retryable 503. */
export async function stored<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw storageFailure(error)
  }
}
