import cors, { type FastifyCorsOptions } from '@fastify/cors'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { decodeJwt } from 'jose'
import type { AuthorizationServer } from '../authorization-server.js'
import { claimedClientId } from '../client-authentication.js'
import type { ClientRecord } from '../store/types.js'
import { requestBasicCredentials } from './basic-credentials.js'
import type { ParameterMap } from './parameters.js'

/** Browsers cache a preflight this long (seconds), so a SPA does not pay one per token request. */
const PREFLIGHT_MAX_AGE = 600

const DENY: FastifyCorsOptions = { origin: false }

/** How long preflights share one read of the origins the clients registered (seconds). */
const REGISTERED_ORIGINS_MAX_AGE_SECONDS = 1

const acceptsOrigin = (client: ClientRecord | undefined, origin: string) =>
  client !== undefined && client.disabledAt === null && client.webOrigins.includes(origin)

function bearerClientId(authorization: string | undefined): string | undefined {
  const token = /^Bearer[ ]+([\x21-\x7E]+)[ ]*$/i.exec(authorization ?? '')?.[1]
  if (token === undefined) return undefined
  try {
    const clientId = decodeJwt(token).client_id
    return typeof clientId === 'string' ? clientId : undefined
  } catch {
    return undefined
  }
}

/**
 * CORS of the OAuth routes, per the client's registered web origins (`ClientRecord.webOrigins`):
 *
 * - discovery and JWKS are public documents: any origin may read them;
 * - token and revocation answer an origin the requesting client (HTTP Basic user or `client_id`)
 *   registered; userinfo an origin the access token's client registered. A preflight carries no
 *   credentials, so it passes for an origin some enabled client registered;
 * - authorization is a top-level navigation and introspection is for resource servers: never CORS.
 *
 * The decision runs in `preHandler`, once the body is parsed, so error bodies (`invalid_grant`, a 401
 * from userinfo) are readable by the app that must react to them. For userinfo the token's `client_id`
 * is read without verifying it: it only chooses the origin of an answer the handler still verifies,
 * and an app holding an expired token must be able to read the 401 telling it to refresh.
 */
export async function registerOAuthCors(
  fastify: FastifyInstance,
  server: AuthorizationServer,
): Promise<void> {
  const optionsFor = corsOptionsFor(server)
  await fastify.register(cors, {
    hook: 'preHandler',
    // Callback form: a request without Origin (every server-to-server call) is answered without a promise.
    delegator: (request: FastifyRequest, callback) => {
      const origin = request.headers.origin
      if (origin === undefined) return callback(null, DENY)
      optionsFor(request, origin).then(
        (options) => callback(null, options),
        (error: Error) => callback(error),
      )
    },
  })
}

/**
 * The CORS headers of an answer to `request` that a hook sends before the OAuth routes' own CORS hook
 * runs (a rate limit's 429, say): the same decision, as headers to set. Empty when the request has no
 * `Origin` or its origin may not read the answer. Without them a browser app is handed a network error
 * instead of the answer telling it to wait.
 */
export async function oauthCorsHeaders(
  server: AuthorizationServer,
  request: FastifyRequest,
): Promise<Record<string, string>> {
  const origin = request.headers.origin
  if (origin === undefined || request.method === 'OPTIONS') return {}
  const options = await corsOptionsFor(server)(request, origin)
  if (typeof options.origin !== 'string') return {}
  return {
    'access-control-allow-origin': options.origin,
    ...(options.origin === '*' ? {} : { vary: 'Origin' }),
    ...(options.exposedHeaders === undefined
      ? {}
      : { 'access-control-expose-headers': [options.exposedHeaders].flat().join(', ') }),
  }
}

type CorsOptionsResolver = (request: FastifyRequest, origin: string) => Promise<FastifyCorsOptions>

// One resolver per server: the routes' hook and `oauthCorsHeaders` make the same decision from it.
const resolvers = new WeakMap<AuthorizationServer, CorsOptionsResolver>()

function corsOptionsFor(server: AuthorizationServer): CorsOptionsResolver {
  let resolver = resolvers.get(server)
  if (resolver === undefined) {
    resolver = corsOptionsResolver(server)
    resolvers.set(server, resolver)
  }
  return resolver
}

function corsOptionsResolver(server: AuthorizationServer): CorsOptionsResolver {
  const paths = server.paths
  // A preflight is unauthenticated and names any origin: answering each from a fresh list of every
  // client would let a flood of them read the whole client table per request. The set is shared for a
  // second; a stale answer only decides whether the browser sends the request, which is then judged
  // against its own client.
  let registered: { at: number; origins: Promise<ReadonlySet<string>> } | undefined
  const registeredByAnyClient = async (origin: string) => {
    const now = server.now()
    if (registered === undefined || now - registered.at >= REGISTERED_ORIGINS_MAX_AGE_SECONDS) {
      const origins = server.store.clients.list().then((clients) => {
        const set = new Set<string>()
        for (const client of clients)
          if (client.disabledAt === null) for (const o of client.webOrigins) set.add(o)
        return set
      })
      registered = { at: now, origins }
      // A failed read is not kept: the next preflight reads again.
      origins.catch(() => {
        if (registered?.origins === origins) registered = undefined
      })
    }
    return (await registered.origins).has(origin)
  }
  const clientAccepts = async (clientId: string | undefined, origin: string) =>
    clientId !== undefined && acceptsOrigin(await server.store.clients.get(clientId), origin)

  const credentialed = async (
    request: FastifyRequest,
    origin: string,
    clientId: () => string | undefined,
    methods: string,
  ): Promise<FastifyCorsOptions> => {
    const allowed =
      request.method === 'OPTIONS'
        ? await registeredByAnyClient(origin)
        : await clientAccepts(clientId(), origin)
    if (!allowed) return DENY
    return {
      origin,
      methods,
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: ['www-authenticate', 'retry-after', 'x-request-id'],
      maxAge: PREFLIGHT_MAX_AGE,
      strictPreflight: false,
    }
  }

  const optionsFor = async (request: FastifyRequest, origin: string): Promise<FastifyCorsOptions> => {
    // A preflight of discovery or JWKS lands on @fastify/cors's own `OPTIONS *` route: match the path.
    switch (request.url.split('?', 1)[0]) {
      case paths.openidConfiguration:
      case paths.oauthAuthorizationServer:
      case paths.jwks:
        return { origin: '*', methods: 'GET', maxAge: PREFLIGHT_MAX_AGE, strictPreflight: false }
      case paths.token:
      case paths.revocation:
        return credentialed(
          request,
          origin,
          () =>
            claimedClientId({
              authorization: request.headers.authorization,
              basic: requestBasicCredentials(request),
              clientId: (request.body as ParameterMap | undefined)?.client_id,
            }),
          'POST',
        )
      case paths.userinfo:
        return credentialed(request, origin, () => bearerClientId(request.headers.authorization), 'GET, POST')
      default:
        return DENY
    }
  }
  return optionsFor
}
