// Pure helpers of the token response, shared by both entry points.

/** RFC 6749 §5.1: the token type value is case insensitive. */
export function isBearerTokenType(tokenType: string | undefined): boolean {
  return tokenType !== undefined && tokenType.toLowerCase() === 'bearer'
}
