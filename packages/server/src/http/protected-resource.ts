import {
  type ProtectedResourceMetadata,
  protectedResourceMetadataCodec,
  protectedResourceMetadataUrl,
  wireSchemas,
} from '@pipeshub/models'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { bearerChallenge } from '../bearer.js'
import type { DPoPProofVerifier } from '../dpop/proof.js'
import { OAuthError } from '../errors.js'
import { verifyPresentedToken } from '../presented-token.js'
import { authorizationHeader, dpopHeader, JSON_CONTENT_TYPE, NO_STORE_HEADERS } from './responses.js'
import type { OAuthRouteSchema } from './route-schemas.js'

/** What a resource server answers in `WWW-Authenticate` when a request lacks a good access token. */
export interface ResourceChallenge {
  /** URL of the resource's RFC 9728 metadata document (`protectedResourceMetadataUrl(resource)`). */
  resourceMetadata: string
  /** RFC 6750 §3.1 error code; omitted when the request carried no credentials at all. */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined
  errorDescription?: string | undefined
  /** The scope the resource needs (RFC 6750 §3), e.g. with `insufficient_scope`. */
  scope?: string | undefined
}

/**
 * The `WWW-Authenticate` value of RFC 9728 §5.1: a Bearer challenge carrying `resource_metadata`, so a
 * client that knows only the resource's URL finds the authorization server from a 401.
 */
export function resourceMetadataChallenge(challenge: ResourceChallenge): string {
  return bearerChallenge(challenge)
}

/** The path `protectedResourcePlugin` serves the document of `resource` at (RFC 9728 §3.1). */
export function protectedResourceMetadataPath(resource: string): string {
  return new URL(protectedResourceMetadataUrl(resource)).pathname
}

/** The route schema of the metadata document of `resource`, keyed like `oauthRouteSchemas`, for OpenAPI. */
export function protectedResourceRouteSchema(resource: string): [string, OAuthRouteSchema] {
  return [
    `get ${protectedResourceMetadataPath(resource)}`,
    {
      summary: `Protected resource metadata of ${resource} (RFC 9728 §3)`,
      tags: ['discovery'],
      response: { 200: wireSchemas.ProtectedResourceMetadata },
      security: [],
    },
  ]
}

export interface ProtectedResourcePluginOptions {
  /** The document to publish; `resource` decides its path (RFC 9728 §3.1). Checked against the schema. */
  metadata: ProtectedResourceMetadata
  /** `Cache-Control: max-age` in seconds (default 300). */
  maxAge?: number
}

/**
 * Publishes a resource's RFC 9728 metadata at `/.well-known/oauth-protected-resource[/<path>]` (the path
 * of its resource identifier). Register it on the Fastify instance that serves the resource's origin.
 */
export async function protectedResourcePlugin(
  fastify: FastifyInstance,
  options: ProtectedResourcePluginOptions,
): Promise<void> {
  // Encoding validates: a document the shared schema cannot describe fails at start, not per request.
  const body = protectedResourceMetadataCodec.encode(options.metadata)
  const path = protectedResourceMetadataPath(options.metadata.resource)
  const cacheControl = `public, max-age=${options.maxAge ?? 300}`
  fastify.get(path, async (_request, reply) =>
    reply
      .header('cache-control', cacheControl)
      .header('access-control-allow-origin', '*')
      .type(JSON_CONTENT_TYPE)
      .send(body),
  )
}

/** The `cnf.jkt` of verified claims (JWT or introspection answer): the DPoP key a token is bound to. */
function boundKey(verified: unknown): string | undefined {
  if (typeof verified !== 'object' || verified === null) return undefined
  const cnf = (verified as { cnf?: unknown }).cnf
  if (typeof cnf !== 'object' || cnf === null) return undefined
  const jkt = (cnf as { jkt?: unknown }).jkt
  // A cnf.jkt that is no string still binds the token: no proof can match it.
  return jkt === undefined ? undefined : typeof jkt === 'string' ? jkt : ''
}

export interface BearerGuardOptions {
  /** The resource identifier; its metadata URL goes into every challenge. */
  resource: string
  /**
   * Verifies the access token for this resource (its `aud`), e.g. `authorizationServer.verifyAccessToken(
   * token, { audience: resource })` in-process, or introspection; rejects when it is not good. What it
   * answers carries `cnf.jkt` for a DPoP-bound token (RFC 9068 claims, RFC 7662 answers do).
   */
  verifyAccessToken(token: string): Promise<unknown>
  /**
   * Accepts DPoP-bound tokens (RFC 9449 §7): `Authorization: DPoP <token>` with a proof this verifier
   * checks (`createDPoPProofVerifier` on a store shared by the resource's instances, for `jti` replay).
   * Without it, only Bearer tokens pass and a DPoP-bound one is refused.
   */
  dpop?: DPoPProofVerifier | undefined
  /**
   * The URL of a request as clients call it (a DPoP proof's `htu`); default: the request's path on the
   * origin of `resource`. Give it when a proxy in front changes the path.
   */
  requestUrl?: ((request: FastifyRequest) => string) | undefined
}

/**
 * A Fastify `preHandler` that lets a request through only with a good access token, `Authorization:
 * Bearer`, or with `dpop`, `Authorization: DPoP` and a proof of the token's key (RFC 9449 §7), and
 * otherwise answers 401 with the RFC 9728 challenges (`DPoP` too with `dpop`): without credentials no
 * error code (RFC 6750 §3.1); a bad token `invalid_token`; a DPoP-bound token as Bearer `invalid_token`
 * (§7.2); a bad proof `invalid_dpop_proof`, or `use_dpop_nonce` with `DPoP-Nonce`. The verified result
 * is on `request.accessToken`.
 */
export function bearerGuard(
  options: BearerGuardOptions,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const resourceMetadata = protectedResourceMetadataUrl(options.resource)
  const requestUrl =
    options.requestUrl ?? ((request: FastifyRequest) => new URL(request.url, options.resource).href)
  const verify = async (token: string) => {
    try {
      return await options.verifyAccessToken(token)
    } catch (error) {
      // The verifier being unavailable is not the client's bad token: let the host answer it (503).
      if (error instanceof OAuthError && error.status >= 500) throw error
      throw new OAuthError('invalid_token', 'the access token is not valid here', { status: 401 })
    }
  }
  return async (request, reply) => {
    let verified: unknown
    try {
      ;({ verified } = await verifyPresentedToken(
        {
          authorization: authorizationHeader(request),
          method: request.method,
          url: requestUrl(request),
          dpop: dpopHeader(request),
        },
        { verify, boundKey, dpop: options.dpop, resourceMetadata, malformed: 'invalid_request' },
      ))
    } catch (error) {
      if (!(error instanceof OAuthError) || error.status >= 500) throw error
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
      await reply
        .code(error.status)
        .header('www-authenticate', error.wwwAuthenticate)
        .header('cache-control', NO_STORE_HEADERS['cache-control'])
        .send()
      return
    }
    ;(request as FastifyRequest & { accessToken?: unknown }).accessToken = verified
  }
}
