// Pure helpers of the token response, shared by both entry points.

/** RFC 6749 §5.1: the token type value is case insensitive. */
export function isBearerTokenType(tokenType: string | undefined): boolean {
  return tokenType !== undefined && tokenType.toLowerCase() === 'bearer'
}

/** RFC 9449 §5: a DPoP-bound access token has the token type `DPoP` (case insensitive, RFC 6749 §5.1). */
export function isDPoPTokenType(tokenType: string | undefined): boolean {
  return tokenType !== undefined && tokenType.toLowerCase() === 'dpop'
}
