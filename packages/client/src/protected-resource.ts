import type { ProtectedResourceMetadata } from '@pipeshub/models'
import { protectedResourceMetadataCodec, protectedResourceMetadataUrl } from '@pipeshub/models/codecs'
import { type DiscoveredMetadata, type DiscoveryOptions, discover } from './discovery.js'
import { ResponseValidationError } from './errors.js'
import { assertOk, type CallOptions, decodeJson, send } from './http.js'
import { type WithRaw, withRaw } from './raw.js'
import { createTransport } from './transport-options.js'
import { parseWwwAuthenticate } from './www-authenticate.js'

/** A resource's RFC 9728 metadata, with the JSON it came from as non-enumerable `raw`. */
export type DiscoveredResourceMetadata = WithRaw<ProtectedResourceMetadata>

export interface ResourceDiscoveryOptions extends DiscoveryOptions {
  /**
   * The resource's 401 answer: its `WWW-Authenticate` value, or the `Response` itself. Its Bearer
   * challenge's `resource_metadata` (RFC 9728 §5.1) names the document; without one the well-known URL
   * of the resource is used (RFC 9728 §3.1).
   */
  challenge?: string | Response | null | undefined
  /**
   * Which of the resource's `authorization_servers` to use (its issuer identifier); default the first.
   * One the resource does not list is refused.
   */
  authorizationServer?: string | undefined
}

/** What a client learns from a resource it only knows the URL of. */
export interface ResourceDiscovery {
  readonly resource: DiscoveredResourceMetadata
  /** The RFC 8414 metadata of the authorization server chosen among the resource's. */
  readonly authorizationServer: DiscoveredMetadata
}

/** The `resource_metadata` URL of a Bearer challenge (RFC 9728 §5.1), `undefined` without one. */
export function resourceMetadataFromChallenge(
  challenge: string | Response | null | undefined,
): string | undefined {
  const header = challenge instanceof Response ? challenge.headers.get('www-authenticate') : challenge
  for (const { scheme, parameters } of parseWwwAuthenticate(header)) {
    if (scheme === 'bearer' && parameters.resource_metadata !== undefined) return parameters.resource_metadata
  }
  return undefined
}

function invalid(path: string, message: string, status: number, response: Response): ResponseValidationError {
  return new ResponseValidationError(
    protectedResourceMetadataCodec.name,
    [{ path, keyword: 'const', message }],
    { status, response },
  )
}

/**
 * Fetches and checks the RFC 9728 metadata of `resource`: from the URL its 401 challenge names, else
 * from its well-known URL. The document's `resource` must be identical to `resource` (RFC 9728 §3.3),
 * the defence against a resource impersonating another.
 */
export async function discoverResourceMetadata(
  resource: string,
  options: ResourceDiscoveryOptions = {},
): Promise<DiscoveredResourceMetadata> {
  let resourceUrl: URL
  try {
    resourceUrl = new URL(resource)
  } catch (error) {
    throw new TypeError(`resource must be an absolute URL; got ${resource}`, { cause: error })
  }
  if (resourceUrl.hash !== '')
    throw new TypeError('resource: a resource identifier has no fragment (RFC 9728 §1.2)')
  const named = resourceMetadataFromChallenge(options.challenge)
  let url: URL
  try {
    url = new URL(named ?? protectedResourceMetadataUrl(resource))
  } catch (error) {
    throw new TypeError(`the challenge's resource_metadata is not a URL: ${named}`, { cause: error })
  }
  const transport = createTransport(options)
  const call: CallOptions = { signal: options.signal, timeoutMs: options.timeoutMs }
  const result = await send(
    transport,
    { url, method: 'GET', headers: { accept: 'application/json' }, retryable: true },
    call,
  )
  assertOk(result)
  const { model, raw } = decodeJson(protectedResourceMetadataCodec, result)
  if (model.resource !== resource) {
    throw invalid(
      '/resource',
      `must be identical to the resource ${resource}`,
      result.response.status,
      result.response,
    )
  }
  return withRaw(model, raw as Record<string, unknown>)
}

/**
 * Starting from a resource's URL (and its 401, when there was one): its RFC 9728 metadata, then the
 * RFC 8414 metadata of its authorization server. What an MCP client does before it registers and
 * authorizes.
 */
export async function discoverAuthorizationServerForResource(
  resource: string,
  options: ResourceDiscoveryOptions = {},
): Promise<ResourceDiscovery> {
  const metadata = await discoverResourceMetadata(resource, options)
  const listed = metadata.authorizationServers ?? []
  const issuer = options.authorizationServer ?? listed[0]
  if (issuer === undefined || !listed.includes(issuer)) {
    throw new ResponseValidationError(protectedResourceMetadataCodec.name, [
      {
        path: '/authorization_servers',
        keyword: 'contains',
        message:
          issuer === undefined
            ? 'must name an authorization server'
            : `must name the authorization server ${issuer}`,
      },
    ])
  }
  const { challenge: _challenge, authorizationServer: _chosen, ...discoveryOptions } = options
  return { resource: metadata, authorizationServer: await discover(issuer, discoveryOptions) }
}
