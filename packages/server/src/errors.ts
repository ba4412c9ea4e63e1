import type { OAuthErrorCode } from '@pipeshub/models'

export interface OAuthErrorOptions {
  /** HTTP status; defaults to the RFC 6749 §5.2 status of the code. */
  status?: number
  /** Value of the `WWW-Authenticate` response header (RFC 6749 §5.2, RFC 6750 §3). */
  wwwAuthenticate?: string
  /** Why, for logs only: never sent to the client. */
  cause?: unknown
}

function defaultStatus(code: OAuthErrorCode): number {
  switch (code) {
    case 'invalid_client':
    case 'invalid_token':
      return 401
    case 'access_denied':
    case 'insufficient_scope':
      return 403
    case 'server_error':
    case 'temporarily_unavailable':
      // Only storage failures raise these on purpose; they are retryable, hence 503.
      return 503
    default:
      return 400
  }
}

/** Every error the authorization server answers: an RFC 6749 §5.2 error code, a description and a status. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError'
  readonly error: OAuthErrorCode
  readonly errorDescription: string
  readonly status: number
  readonly wwwAuthenticate: string | undefined

  constructor(error: OAuthErrorCode, errorDescription: string, options: OAuthErrorOptions = {}) {
    super(`${error}: ${errorDescription}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.error = error
    // RFC 6749 A.8: error_description is restricted to %x20-21 / %x23-5B / %x5D-7E.
    this.errorDescription = errorDescription.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, "'")
    this.status = options.status ?? defaultStatus(error)
    this.wwwAuthenticate = options.wwwAuthenticate
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
