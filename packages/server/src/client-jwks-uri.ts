import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose'
import { OAuthError } from './errors.js'

/** How the keys a client publishes at its `jwks_uri` are fetched (RFC 7591 §2). */
export interface ClientJwksUriOptions {
  /** Milliseconds one fetch may take (default 5000); a slower JWKS fails the authentication. */
  timeout?: number | undefined
  /**
   * Milliseconds after a fetch before an assertion with an unknown `kid` may fetch again (default
   * 30000): a client rotating its keys is seen that soon, and a flood of unknown `kid`s costs the
   * client's server at most one request per period.
   */
  cooldown?: number | undefined
  /** Milliseconds a fetched key set is used before it is fetched again (default 600000). */
  cacheMaxAge?: number | undefined
}

/** The key sets of `jwks_uri` clients, one per URI, each fetched and cached by jose. */
export type ClientJwksUriKeys = (jwksUri: string) => JWTVerifyGetKey

/** Key sets remembered; beyond it the least recently used goes (and is fetched again when needed). */
const MAX_KEY_SETS = 1000

const LOOPBACK_HOSTS = ['127.0.0.1', '[::1]', 'localhost']

/** Largest JWKS body read: ten RSA-4096 keys fit in a fraction of it. */
export const MAX_JWKS_BYTES = 64 * 1024

/**
 * `fetch`, reading at most `MAX_JWKS_BYTES` of the body: a client's JWKS URL answering an endless or
 * huge body must not hold this server's memory. Longer is an error (a failed authentication).
 */
async function boundedFetch(url: string, init: RequestInit): Promise<Response> {
  const response = await fetch(url, init)
  if (response.status !== 200 || response.body === null) return response
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.byteLength
    if (length > MAX_JWKS_BYTES) {
      await reader.cancel()
      throw new Error(`the JWKS at ${url} is larger than ${MAX_JWKS_BYTES} bytes`)
    }
    chunks.push(value)
  }
  return new Response(Buffer.concat(chunks), { status: 200, headers: response.headers })
}

/**
 * A `jwks_uri` as registered: an absolute https URL without fragment or credentials, or http on a
 * loopback address (a development client, a test); anything else is `invalid_client_metadata`.
 */
export function checkJwksUri(value: unknown): string {
  const invalid = (description: string) => new OAuthError('invalid_client_metadata', description)
  if (typeof value !== 'string' || value === '' || value.length > 2000)
    throw invalid('jwks_uri must be a URL of at most 2000 characters')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid('jwks_uri must be an absolute URL')
  }
  const loopback = LOOPBACK_HOSTS.includes(url.hostname) || /^127(?:\.\d{1,3}){3}$/.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw invalid('jwks_uri must be https (http only on a loopback address)')
  if (url.hash !== '' || value.includes('#')) throw invalid('jwks_uri must not have a fragment')
  if (url.username !== '' || url.password !== '') throw invalid('jwks_uri must not carry credentials')
  return value
}

function bounded(name: string, value: number | undefined, fallback: number, max: number): number {
  const chosen = value ?? fallback
  if (!Number.isInteger(chosen) || chosen < 0 || chosen > max)
    throw new RangeError(`clientJwksUri.${name} must be an integer from 0 to ${max} milliseconds`)
  return chosen
}

/** One remote key set per URI, shared by every authentication of the clients publishing there. */
export function createClientJwksUriKeys(options: ClientJwksUriOptions = {}): ClientJwksUriKeys {
  const timeoutDuration = bounded('timeout', options.timeout, 5000, 60_000)
  const cooldownDuration = bounded('cooldown', options.cooldown, 30_000, 3_600_000)
  const cacheMaxAge = bounded('cacheMaxAge', options.cacheMaxAge, 600_000, 86_400_000)
  const sets = new Map<string, JWTVerifyGetKey>()
  return (jwksUri) => {
    let set = sets.get(jwksUri)
    if (set === undefined) {
      set = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration,
        cooldownDuration,
        cacheMaxAge,
        [customFetch]: boundedFetch,
      })
      if (sets.size >= MAX_KEY_SETS) sets.delete(sets.keys().next().value as string)
    } else {
      sets.delete(jwksUri)
    }
    // Re-inserted: the Map's order is the order of last use.
    sets.set(jwksUri, set)
    return set
  }
}
