import Type, { type Static } from 'typebox'

/**
 * The error codes RFC 6749 §5.2, §4.1.2.1, RFC 7009 §2.2.1, RFC 8707 §2, RFC 7591 §3.2.2, RFC 8628 §3.5,
 * RFC 9449 §§5, 8 and 12.2 (DPoP), RFC 9101 §6.2 (request objects and request URIs, which RFC 9126
 * pushes) and OIDC define; the set is open (RFC 6749 §8.5).
 */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  'unsupported_token_type',
  'invalid_token',
  'insufficient_scope',
  'login_required',
  'consent_required',
  'interaction_required',
  'invalid_target',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'invalid_request_uri',
  'invalid_request_object',
  'authorization_pending',
  'slow_down',
  'expired_token',
] as const
export type KnownOAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number]
/** A known code, or any other code an extension defines (kept open, as RFC 6749 §8.5 allows). */
export type OAuthErrorCode = KnownOAuthErrorCode | (string & {})

/** RFC 6749 §5.2 error response, camelCase. */
export interface OAuthErrorResponse {
  error: OAuthErrorCode
  errorDescription?: string | undefined
  errorUri?: string | undefined
}

/** The wire form of an RFC 6749 §5.2 error response. */
export const OAuthErrorResponseWire = Type.Object(
  {
    // RFC 6749 A.7: error = 1*NQSCHAR (%x20-21 / %x23-5B / %x5D-7E).
    error: Type.String({
      pattern: '^[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+$',
      description: 'A single ASCII error code.',
    }),
    error_description: Type.Optional(
      Type.String({
        pattern: '^[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]*$',
        description: 'Human-readable ASCII text that helps the client developer.',
      }),
    ),
    error_uri: Type.Optional(
      Type.String({
        pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$',
        description: 'A URI of a page about the error.',
      }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/oauth-error-response.schema.json',
    title: 'OAuthErrorResponse',
    description: 'OAuth 2.0 error response (RFC 6749 §5.2).',
  },
)
export type OAuthErrorResponseWire = Static<typeof OAuthErrorResponseWire>

/**
 * RFC 6749 §5.2 status for an error code at the token endpoint: 401 for `invalid_client`, else 400
 * (`invalid_dpop_proof` and `use_dpop_nonce` too, RFC 9449 §§5, 8; a resource server answers them with
 * 401 and a `WWW-Authenticate: DPoP` challenge instead, §§7.1, 9).
 */
export function statusForOAuthError(code: OAuthErrorCode): number {
  switch (code) {
    case 'invalid_client':
    case 'invalid_token':
      return 401
    case 'access_denied':
    case 'insufficient_scope':
      return 403
    case 'server_error':
      return 500
    case 'temporarily_unavailable':
      return 503
    default:
      return 400
  }
}
