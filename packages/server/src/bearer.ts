import { OAuthError } from './errors.js'

/** The parameters of a `Bearer` challenge (RFC 6750 §3, RFC 9728 §5.1), in the order they are written. */
export interface BearerChallengeParameters {
  realm?: string | undefined
  /** RFC 9728 §5.1: the URL of the protected resource's metadata document. */
  resourceMetadata?: string | undefined
  /** RFC 6750 §3.1 error code; omitted when the request carried no credentials at all. */
  error?: string | undefined
  errorDescription?: string | undefined
  /** The scope the resource needs (RFC 6750 §3), e.g. with `insufficient_scope`. */
  scope?: string | undefined
}

/** A quoted-string (RFC 9110 §5.6.4) of a header parameter; characters outside it become `'`. */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, "'")}"`
}

/** The `WWW-Authenticate` value of a Bearer challenge: `Bearer realm="...", error="...", ...`. */
export function bearerChallenge(parameters: BearerChallengeParameters): string {
  const written = [
    ['realm', parameters.realm],
    ['resource_metadata', parameters.resourceMetadata],
    ['error', parameters.error],
    ['error_description', parameters.errorDescription],
    ['scope', parameters.scope],
  ]
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${quoted(value)}`)
  return written.length === 0 ? 'Bearer' : `Bearer ${written.join(', ')}`
}

/** RFC 6750 §3.1 `invalid_token` (401) with its challenge naming the description. */
export function invalidTokenError(description: string, cause?: unknown): OAuthError {
  return new OAuthError('invalid_token', description, {
    status: 401,
    wwwAuthenticate: bearerChallenge({ error: 'invalid_token', errorDescription: description }),
    cause,
  })
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or `undefined`. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined
  return /^Bearer[ ]+([\x21-\x7E]+)[ ]*$/i.exec(authorization)?.[1]
}

/** The realm of this server's Bearer challenges. */
export const BEARER_REALM = 'pipeshub'

/**
 * The token of a request to an endpoint protected by a Bearer token (RFC 6750): no credentials (or
 * another scheme) answer 401 with only the challenge (§3.1), a malformed Bearer value `invalid_token`.
 */
export function requireBearerToken(authorization: string | undefined): string {
  if (authorization === undefined || !/^Bearer(?: |$)/i.test(authorization)) {
    throw new OAuthError('invalid_request', 'a Bearer access token is required', {
      status: 401,
      wwwAuthenticate: bearerChallenge({ realm: BEARER_REALM }),
      challengeOnly: true,
    })
  }
  const token = bearerToken(authorization)
  if (token === undefined) {
    throw new OAuthError('invalid_token', 'the Bearer access token is malformed', {
      status: 401,
      wwwAuthenticate: bearerChallenge({ realm: BEARER_REALM, error: 'invalid_token' }),
    })
  }
  return token
}

/** RFC 6750 §3.1 `insufficient_scope` (403), naming the scope the request needs. */
export function insufficientScopeError(description: string, scope: string): OAuthError {
  return new OAuthError('insufficient_scope', description, {
    status: 403,
    wwwAuthenticate: bearerChallenge({ error: 'insufficient_scope', scope }),
  })
}
