/** base64url without padding (RFC 4648 §5), as PKCE and JOSE use it. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * A fresh random value from WebCrypto, base64url-encoded: 32 bytes (256 bits) give 43 characters,
 * enough entropy for `state`, `nonce` and a PKCE code verifier (RFC 7636 §7.1).
 */
export function randomToken(byteLength = 32): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(byteLength)))
}

/** A PKCE code verifier: 43 unreserved characters (RFC 7636 §4.1). */
export function generateCodeVerifier(): string {
  return randomToken(32)
}

/** The S256 code challenge of a verifier: `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2). */
export async function codeChallengeS256(codeVerifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier))
  return base64UrlEncode(new Uint8Array(digest))
}
