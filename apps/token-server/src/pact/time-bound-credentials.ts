import { randomUUID } from 'node:crypto'
import { EXAMPLE, publicJwk } from '@pipeshub/contracts'
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose'

// The provider side of the contract's DPoP proofs and client assertions. A proof (RFC 9449 §4.2) or
// an assertion (RFC 7523 §3) is bound to the URL it was made for, to its time and to one use; the
// pact's example, replayed later against this provider, would be refused by a faithful server. This
// is Pact's request filter for time-bound credentials (pact-js `requestFilter`; pact-core's native
// verifier has none, so the layer in front of the app applies it): it re-signs ONLY `htu`/`aud`,
// `iat`/`exp` and `jti`, with the same fixed test key, and only a JWS that key signed. The protected
// header and every other claim are kept byte for byte, so a wrong `typ`, a missing `jwk`, a wrong
// `iss`/`sub` or another algorithm still reach the server as the consumer wrote them.

export interface ReSigningOptions {
  /** The provider's clock (epoch seconds): the server checks `iat`/`exp` against it. */
  readonly now: () => number
  /** The issuer the consumer tests talk to (`EXAMPLE.issuer`): what the pact's `htu`/`aud` name. */
  readonly consumerIssuer: string
  /** The provider's issuer: what its `htu`/`aud` checks expect instead. */
  readonly providerIssuer: string
}

/** A request as the layer in front of the app sees it. */
export interface FilteredRequest {
  readonly path: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: string
}

interface CompactJws {
  readonly header: string
  readonly claims: Record<string, unknown>
}

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
}

/** The JWS's header segment and claims when `publicKey` verifies it; undefined for anything else. */
async function signedBy(jws: string, publicKey: JWK): Promise<CompactJws | undefined> {
  const segments = jws.split('.')
  if (segments.length !== 3) return undefined
  try {
    const header = decodeSegment(segments[0] ?? '') as { alg?: unknown }
    if (typeof header.alg !== 'string') return undefined
    await compactVerify(jws, await importJWK(publicKey, header.alg))
    const claims = decodeSegment(segments[1] ?? '')
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined
    return { header: segments[0] ?? '', claims: claims as Record<string, unknown> }
  } catch {
    return undefined
  }
}

/** Signs `claims` under exactly the protected header segment `header` (its bytes are kept). */
async function resign(header: string, claims: Record<string, unknown>, privateKey: JWK): Promise<string> {
  const parsed = decodeSegment(header) as { alg: string }
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader(parsed as never)
    .sign(await importJWK(privateKey, parsed.alg))
  // jose serializes the parsed header again: the same bytes unless the consumer's had whitespace or
  // escapes, and then re-signing would change what the consumer sent.
  if (jws.split('.')[0] !== header) throw new Error('re-signing would change the protected header')
  return jws
}

/** `url` on the provider when it names `path` on the consumer's issuer; else unchanged. */
function onProvider(url: unknown, path: string, options: ReSigningOptions): unknown {
  if (url === `${options.consumerIssuer}${path}`) return `${options.providerIssuer}${path}`
  return url
}

/**
 * A DPoP proof of `EXAMPLE.dpopKey` re-signed for now: `htu` (when it named this request's path on
 * the consumer's issuer) on the provider, `iat` now, a fresh `jti`; header and other claims kept.
 * A proof that key did not sign is answered unchanged.
 */
export async function reSignDPoPProof(
  proof: string,
  path: string,
  options: ReSigningOptions,
): Promise<string> {
  const parsed = await signedBy(proof, publicJwk(EXAMPLE.dpopKey) as JWK)
  if (parsed === undefined) return proof
  const claims = { ...parsed.claims }
  if ('htu' in claims) claims.htu = onProvider(claims.htu, path, options)
  if ('iat' in claims) claims.iat = options.now()
  if ('jti' in claims) claims.jti = randomUUID()
  return resign(parsed.header, claims, EXAMPLE.dpopKey)
}

/**
 * A client assertion of `EXAMPLE.clientAssertionKey` re-signed for now: `aud` (the consumer's issuer,
 * or the endpoint the request went to) the provider's, `iat` now, `exp` now plus the consumer's
 * lifetime, a fresh `jti`; `iss`, `sub`, the header and other claims kept. Another JWS: unchanged.
 */
export async function reSignClientAssertion(
  assertion: string,
  path: string,
  options: ReSigningOptions,
): Promise<string> {
  const parsed = await signedBy(assertion, publicJwk(EXAMPLE.clientAssertionKey) as JWK)
  if (parsed === undefined) return assertion
  const claims = { ...parsed.claims }
  const audience = (aud: unknown) =>
    aud === options.consumerIssuer ? options.providerIssuer : onProvider(aud, path, options)
  if ('aud' in claims)
    claims.aud = Array.isArray(claims.aud) ? claims.aud.map(audience) : audience(claims.aud)
  const now = options.now()
  if (typeof claims.iat === 'number' && typeof claims.exp === 'number')
    claims.exp = now + (claims.exp - claims.iat)
  if ('iat' in claims) claims.iat = now
  if ('jti' in claims) claims.jti = randomUUID()
  return resign(parsed.header, claims, EXAMPLE.clientAssertionKey)
}

const CLIENT_ASSERTION = /(^|&)client_assertion=([^&]*)/

/**
 * The request with its DPoP proof and its form body's `client_assertion` re-signed (the rest of the
 * bytes unchanged); a request carrying neither is answered as it is.
 */
export async function reSignTimeBoundCredentials(
  request: FilteredRequest,
  options: ReSigningOptions,
): Promise<FilteredRequest> {
  let { headers, body } = request
  const proof = headers.dpop
  if (typeof proof === 'string') {
    headers = { ...headers, dpop: await reSignDPoPProof(proof, request.path, options) }
  }
  const assertion = CLIENT_ASSERTION.exec(body)
  // A compact JWS needs no form encoding (base64url and dots): a value that has some is no JWS.
  const value = assertion?.[2]
  if (assertion !== null && value !== undefined && /^[A-Za-z0-9_.-]+$/.test(value)) {
    const resigned = await reSignClientAssertion(value, request.path, options)
    const start = assertion.index + (assertion[1] ?? '').length + 'client_assertion='.length
    body = `${body.slice(0, start)}${resigned}${body.slice(start + value.length)}`
  }
  return { path: request.path, headers, body }
}
