/**
 * Fixed example values of the contract. The pact file must be byte-for-byte reproducible, so no
 * example is random or time-based; the provider creates its records from these values (through the
 * state parameters) or answers its own generated values (through `INJECTED`).
 */
export const EXAMPLE = {
  /** PipesHub client ids are UUIDs. */
  clientId: '3f0f8a52-6d0b-4c52-9a3e-7b1d2c4e5f60',
  /** PipesHub client secrets are 32 random bytes, hex. */
  clientSecret: '8c5b1e0f6a2d4c7e9b3f1a5d7c9e2b4f6a8c0e2d4f6b8a0c2e4f6a8b0d2c4e6f',
  /** A secret that is not the client's, for the `invalid_client` outcome. */
  wrongClientSecret: '0000000000000000000000000000000000000000000000000000000000000000',
  redirectUri: 'https://app.example.com/oauth/callback',
  /** RFC 7636 Appendix B's verifier (its S256 challenge is `E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM`). */
  codeVerifier: 'dBjftJeZ4CHLEbNJKU3LvsPABf_dcrdLtT7Xu-8d8-zc',
  /** Shorter than RFC 7636 §4.1's 43 characters: a malformed request (`invalid_request`). */
  malformedCodeVerifier: 'too-short-verifier',
  nonce: 'n-0S6_WzA2Mj',
  subject: 'user-7c2e9a41',
  /** The issuer the consumer expects; the provider's own issuer is matched by its shape only. */
  issuer: 'https://auth.pipeshub.example',
  /** Scopes from PipesHub's catalogue. */
  scopes: {
    clientCredentials: 'kb:read kb:write',
    /** A scope the client is not registered for, for the `invalid_scope` outcome. */
    notRegistered: 'org:admin',
    user: 'openid profile email offline_access kb:read kb:write',
    /** A user grant without `openid`: refreshing it issues no ID token. */
    refreshable: 'offline_access kb:read kb:write',
    narrowed: 'offline_access kb:read',
  },
  /** Values the mock server answers where the provider generates its own. */
  accessToken:
    'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTdjMmU5YTQxIn0.c2lnbmF0dXJlLW9mLXRoZS1hY2Nlc3MtdG9rZW4',
  refreshToken: 'rt_Lm4RzQ2v8Xo1bK7yT3wN9pC5aE0sG6hJ',
  rotatedRefreshToken: 'rt_Pq7Wd3Ft9Yh2Jk5Lz8Xc1Vb4Nm6As0Df',
  authorizationCode: 'ac_Vx3Kp9Tq2Lm7Rz4Wy8Bn1Cd6Fh5Gj0Ss',
  /** An extension grant type (RFC 6749 §4.5) the provider does not support: `unsupported_grant_type`. */
  unsupportedGrantType: 'urn:example:unsupported',
  /** An opaque string the provider never issued, for the inactive introspection outcome. */
  unknownToken: 'never-issued-token-0123456789',
  /**
   * The test-only Ed25519 key the example ID token is signed with. Ed25519 signatures are
   * deterministic (RFC 8032), so the signed example, and the pact, are identical on every run.
   */
  idTokenSigningKey: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: 'uNUY-QdjrqsHgQwPId6xGff_seevxEzVAPhBiCgbb4o',
    d: 'YKZ_HC3XGARgGm1L7eBHG8iiwz4Pch2BLayTR-i7zLM',
    kid: 'contract-example-key',
    alg: 'EdDSA',
    use: 'sig',
  },
  /** Epoch seconds in examples: fixed, so the pact does not change from run to run. */
  issuedAt: 1_767_225_600,
  expiresIn: 3600,
} as const

/** The client's clock in contract tests (ms): one minute after `EXAMPLE.issuedAt`, so the example ID token is valid. */
export const EXAMPLE_NOW_MS = (EXAMPLE.issuedAt + 60) * 1000

/** RFC 6749 §2.3.1: `Basic base64(urlencode(client_id) ":" urlencode(client_secret))`. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`
}
