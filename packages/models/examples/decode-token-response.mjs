// Decodes a real RFC 6749 §5.1 token response with @pipeshub/models and prints the camelCase model.
// Run it with `npm start` from the repository root, or `node examples/decode-token-response.mjs` after a build.
import { decodeTokenResponse, WireValidationError } from '@pipeshub/models'

// The body a PipesHub token endpoint answers to an authorization code exchange (RFC 6749 §4.1.4).
const body = `{
  "access_token": "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl",
  "token_type": "Bearer",
  "expires_in": 3600,
  "refresh_token": "rt_Jf0dSR1Xq2V5x9g7v3uQ1b8mW4kZ6pL0aN2cE5tY7hG",
  "scope": "openid profile kb:read offline_access",
  "id_token": "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xIn0.c2lnbmF0dXJl"
}`

console.log('OAuthTokenResponse model:', decodeTokenResponse(JSON.parse(body)))

try {
  decodeTokenResponse({ token_type: 'Bearer', expires_in: '3600' })
} catch (error) {
  if (!(error instanceof WireValidationError)) throw error
  console.log('A malformed response is refused, naming each field:')
  for (const issue of error.issues) console.log(`  ${issue.path}: ${issue.message}`)
}
