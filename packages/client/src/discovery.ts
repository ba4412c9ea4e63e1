import type { AuthorizationServerMetadata } from '@pipeshub/models'
import { authorizationServerMetadataCodec } from '@pipeshub/models/codecs'
import { ResponseValidationError } from './errors.js'
import { assertOk, type CallOptions, decodeJson, type HttpResponse, send } from './http.js'
import { type WithRaw, withRaw } from './raw.js'
import { createTransport, type TransportOptions } from './transport-options.js'

/**
 * What the client needs to know about the authorization server: the `issuer` and the endpoints it
 * calls. `discover()` returns one; or write one by hand when the server publishes no metadata.
 */
export interface ServerMetadata extends Omit<AuthorizationServerMetadata, 'responseTypesSupported'> {
  responseTypesSupported?: string[] | undefined
  /** RFC 9207 §3: the server always puts `iss` in the authorization response. */
  authorizationResponseIssParameterSupported?: boolean | undefined
}

/** A discovered metadata document: the model, with the JSON it came from as non-enumerable `raw`. */
export type DiscoveredMetadata = WithRaw<AuthorizationServerMetadata & ServerMetadata>

export interface DiscoveryOptions extends TransportOptions, CallOptions {}

/** RFC 8414 §3.1: the well-known suffix goes between the host and the issuer's path. */
function oauthMetadataUrl(issuer: URL): URL {
  const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '')
  return new URL(`/.well-known/oauth-authorization-server${path}`, issuer.origin)
}

/** OpenID Connect Discovery §4.1: the well-known suffix is appended to the issuer. */
function openIdConfigurationUrl(issuer: URL): URL {
  return new URL(`${issuer.href.replace(/\/$/, '')}/.well-known/openid-configuration`)
}

/**
 * Fetches the authorization server metadata of `issuer`: RFC 8414 first, then OpenID Connect
 * Discovery when the first answers 404. The document's `issuer` must be identical to the one asked
 * for (RFC 8414 §3.3, OIDC Discovery §4.3): the defence against a server impersonating another.
 */
export async function discover(
  issuer: string | URL,
  options: DiscoveryOptions = {},
): Promise<DiscoveredMetadata> {
  const expected = typeof issuer === 'string' ? issuer : issuer.href
  let issuerUrl: URL
  try {
    issuerUrl = new URL(expected)
  } catch (error) {
    throw new TypeError(`issuer must be an absolute URL such as https://auth.example.com; got ${expected}`, {
      cause: error,
    })
  }
  if (issuerUrl.search !== '' || issuerUrl.hash !== '') {
    throw new TypeError('issuer: an issuer identifier has no query or fragment (RFC 8414 §2)')
  }
  // A URL object cannot spell the usual root issuer (`new URL('https://as.example').href` ends in
  // "/"), so for a root path both spellings are the issuer asked for; a string is compared as given.
  const accepted =
    typeof issuer !== 'string' && issuerUrl.pathname === '/' ? [expected, issuerUrl.origin] : [expected]
  const transport = createTransport(options)
  const call: CallOptions = { signal: options.signal, timeoutMs: options.timeoutMs }
  let result: HttpResponse | undefined
  for (const url of [oauthMetadataUrl(issuerUrl), openIdConfigurationUrl(issuerUrl)]) {
    result = await send(
      transport,
      { url, method: 'GET', headers: { accept: 'application/json' }, retryable: true },
      call,
    )
    if (result.response.status !== 404) break
  }
  // The loop runs at least once.
  const response = result as HttpResponse
  assertOk(response)
  const { model, raw } = decodeJson(authorizationServerMetadataCodec, response)
  const details = { status: response.response.status, response: response.response }
  const rawObject = raw as Record<string, unknown>
  const metadata: AuthorizationServerMetadata & ServerMetadata = model
  const issParameter = rawObject.authorization_response_iss_parameter_supported
  if (issParameter !== undefined) {
    if (typeof issParameter !== 'boolean') {
      throw new ResponseValidationError(
        authorizationServerMetadataCodec.name,
        [
          {
            path: '/authorization_response_iss_parameter_supported',
            keyword: 'type',
            message: 'must be boolean',
          },
        ],
        details,
      )
    }
    metadata.authorizationResponseIssParameterSupported = issParameter
  }
  if (!accepted.includes(model.issuer)) {
    throw new ResponseValidationError(
      authorizationServerMetadataCodec.name,
      [
        {
          path: '/issuer',
          keyword: 'const',
          message: `must be identical to the requested issuer ${expected}`,
        },
      ],
      details,
    )
  }
  return withRaw(metadata, rawObject)
}
