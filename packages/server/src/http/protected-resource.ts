import {
  type ProtectedResourceMetadata,
  protectedResourceMetadataCodec,
  protectedResourceMetadataUrl,
  wireSchemas,
} from '@pipeshub/models'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { bearerChallenge } from '../bearer.js'
import { OAuthError } from '../errors.js'
import { JSON_CONTENT_TYPE } from './responses.js'
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

/** Whether verified claims (JWT or introspection answer) carry a DPoP key thumbprint (`cnf.jkt`). */
function dpopBound(verified: unknown): boolean {
  if (typeof verified !== 'object' || verified === null) return false
  const cnf = (verified as { cnf?: unknown }).cnf
  return typeof cnf === 'object' && cnf !== null && (cnf as { jkt?: unknown }).jkt !== undefined
}

export interface BearerGuardOptions {
  /** The resource identifier; its metadata URL goes into every challenge. */
  resource: string
  /**
   * Verifies the access token for this resource (its `aud`), e.g. `authorizationServer.verifyAccessToken(
   * token, { audience: resource })` in-process, or introspection; rejects when it is not good.
   */
  verifyAccessToken(token: string): Promise<unknown>
}

/**
 * A Fastify `preHandler` that lets a request through only with a good `Authorization: Bearer` token and
 * otherwise answers 401 with the RFC 9728 challenge: without credentials no error code (RFC 6750 §3.1),
 * with a bad token `invalid_token`. The verified result is on `request.accessToken`.
 */
export function bearerGuard(
  options: BearerGuardOptions,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const resourceMetadata = protectedResourceMetadataUrl(options.resource)
  const refuse = (reply: FastifyReply, challenge: Omit<ResourceChallenge, 'resourceMetadata'>) =>
    reply
      .code(401)
      .header('www-authenticate', resourceMetadataChallenge({ resourceMetadata, ...challenge }))
      .header('cache-control', 'no-store')
      .send()
  return async (request, reply) => {
    const header = request.headers.authorization
    if (header === undefined || !/^Bearer(?: |$)/i.test(header)) {
      await refuse(reply, {})
      return
    }
    const token = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i.exec(header)?.[1]
    if (token === undefined) {
      await refuse(reply, {
        error: 'invalid_request',
        errorDescription: 'the Bearer credential is malformed',
      })
      return
    }
    let verified: unknown
    try {
      verified = await options.verifyAccessToken(token)
    } catch (error) {
      // The verifier being unavailable is not the client's bad token: let the host answer it (503).
      if (error instanceof OAuthError && error.status >= 500) throw error
      await refuse(reply, { error: 'invalid_token', errorDescription: 'the access token is not valid here' })
      return
    }
    // RFC 9449 §7.2: a DPoP-bound token (`cnf.jkt` in what the verifier answered) presented as Bearer
    // is refused, or a thief could replay it; this guard accepts Bearer tokens only.
    if (dpopBound(verified)) {
      await refuse(reply, {
        error: 'invalid_token',
        errorDescription: 'the access token is DPoP-bound: this resource accepts Bearer tokens only',
      })
      return
    }
    ;(request as FastifyRequest & { accessToken?: unknown }).accessToken = verified
  }
}
