import {
  authorizationServerMetadataCodec,
  deviceAuthorizationResponseCodec,
  encodeTokenResponse,
  introspectionResponseCodec,
  jsonWebKeySetCodec,
  pushedAuthorizationResponseCodec,
  userInfoResponseCodec,
} from '@pipeshub/models'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AuthorizationRequest } from '../authorization-request.js'
import { AuthorizationRequestError } from '../authorization-request.js'
import type { AuthorizationServer } from '../authorization-server.js'
import type { ValidatedEndSessionRequest } from '../endpoints/end-session.js'
import { OAuthError } from '../errors.js'
import { consentRoutes } from './consent-routes.js'
import { registerOAuthCors } from './cors.js'
import { type HttpMethod, refuseOtherMethods } from './method-not-allowed.js'
import { oauthAppRoutes } from './oauth-app-routes.js'
import { type ParameterMap, parseFormBody, parseFormText, parseJsonBody } from './parameters.js'
import { personalAccessTokenRoutes } from './personal-access-token-routes.js'
import { registrationRoutes } from './registration-routes.js'
import {
  authorizationHeader,
  dpopHeader,
  JSON_CONTENT_TYPE,
  NO_STORE_HEADERS,
  oauthErrorHandler,
  requestCredentials,
  sendOAuthError,
} from './responses.js'

/** What the host application's login/consent hook receives for a valid authorization request. */
export interface AuthorizationHookContext {
  request: FastifyRequest
  reply: FastifyReply
  /** The validated request: client, redirect URI, scopes, state, PKCE, nonce. */
  authorizationRequest: AuthorizationRequest
  /** Every decoded parameter (query, and form body on POST), e.g. the consent decision. */
  parameters: ParameterMap
  authorizationServer: AuthorizationServer
}

/**
 * Renders login/consent or completes the request: call
 * `authorizationServer.issueAuthorizationCode(...)` and redirect to its URL, or
 * `authorizationServer.denyAuthorization(...)`. It owns the reply.
 */
export type AuthorizationHook = (context: AuthorizationHookContext) => unknown

/** What the host application's logout hook receives for a valid logout request. */
export interface EndSessionHookContext {
  request: FastifyRequest
  reply: FastifyReply
  /** The validated request: the client, the verified `id_token_hint`, the post-logout redirect URI. */
  endSessionRequest: ValidatedEndSessionRequest
  /** Every decoded parameter (query, and form body on POST), e.g. a confirmation form's fields. */
  parameters: ParameterMap
  authorizationServer: AuthorizationServer
}

/**
 * Ends the end-user's browser session (OpenID Connect RP-Initiated Logout 1.0), asking them first when it
 * wants to, then redirects to `authorizationServer.endSession.redirectUrl(...)` or shows a page. It owns
 * the reply.
 */
export type EndSessionHook = (context: EndSessionHookContext) => unknown

export interface OAuth2PluginOptions {
  authorizationServer: AuthorizationServer
  /** The end-user login/consent step; without it every authorization request is refused (`access_denied`). */
  authorize?: AuthorizationHook
  /**
   * The logout step at the end-session endpoint; without it (no browser session to end here) a valid
   * request is answered with its post-logout redirect, or 204.
   */
  endSession?: EndSessionHook
  /**
   * CORS per client web origins (`registerOAuthCors`, default true); `false` when the host application
   * answers CORS itself.
   */
  cors?: boolean
  /**
   * Mount PipesHub's OAuth app management API under `paths.oauthClients` (default false): the scope
   * catalogue, and the administrators' operations on apps.
   */
  appManagement?: boolean
  /** Largest accepted request body in bytes (default 16 KiB); larger ones answer `invalid_request` (400). */
  bodyLimit?: number
}

/**
 * Checks a wire object against its `@pipeshub/models` schema before it is sent: a response this server
 * cannot describe with the shared schema is a defect, answered as a retryable error and logged.
 */
function conforming<T>(
  codec: { name: string; validate(value: unknown): Array<{ path: string; message: string }> },
  wire: T,
): T {
  const issues = codec.validate(wire)
  if (issues.length > 0) {
    throw new Error(
      `${codec.name} does not match its schema: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    )
  }
  return wire
}

function parameters(request: FastifyRequest): ParameterMap {
  return (request.body as ParameterMap | undefined) ?? (Object.create(null) as ParameterMap)
}

/**
 * Parameters that are credentials: a URI ends up in logs, browser history and Referer headers, so
 * RFC 6749 (sections 2.3.1 and 3.1) keeps them out of it. A request carrying one in its query string is
 * refused whole, whatever else it carries.
 */
const CREDENTIAL_PARAMETERS = ['client_secret', 'password'] as const

function queryParameters(request: FastifyRequest): ParameterMap {
  const url = request.raw.url ?? ''
  const q = url.indexOf('?')
  const params = q < 0 ? (Object.create(null) as ParameterMap) : parseFormText(url.slice(q + 1))
  for (const name of CREDENTIAL_PARAMETERS) {
    if (Object.hasOwn(params, name)) {
      throw new OAuthError('invalid_request', `${name} must not be sent in the query string`)
    }
  }
  return params
}

/**
 * The Fastify plugin mounting PipesHub's OAuth routes of one `AuthorizationServer`: token, authorize,
 * device authorization, revoke, introspect, userinfo, end session (logout), discovery and JWKS. Register it without `fastify-plugin`: its body
 * parsers and error handlers stay inside its own scope and leave the host application's alone.
 */
export async function oauth2Plugin(fastify: FastifyInstance, options: OAuth2PluginOptions): Promise<void> {
  const server = options.authorizationServer
  const bodyLimit = options.bodyLimit ?? 16 * 1024
  const paths = server.paths

  if (options.cors !== false) await registerOAuthCors(fastify, server)
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit },
    (request, body, done) => {
      try {
        checkCharset(request.headers['content-type'])
        done(null, parseFormBody(body as Buffer))
      } catch (error) {
        done(error as Error, undefined)
      }
    },
  )
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (request, body, done) => {
      try {
        checkCharset(request.headers['content-type'])
        done(null, parseJsonBody(body as Buffer))
      } catch (error) {
        done(error as Error, undefined)
      }
    },
  )
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) => {
    done(
      new OAuthError(
        'invalid_request',
        'the body must be application/x-www-form-urlencoded or application/json',
      ),
      undefined,
    )
  })

  fastify.setErrorHandler(oauthErrorHandler)
  // A catch-all route, not setNotFoundHandler: that one is per prefix and would collide with the host's.
  const oauth2Base = paths.token.slice(0, paths.token.lastIndexOf('/'))
  fastify.all(`${oauth2Base}/*`, async (_request, reply) =>
    sendOAuthError(reply, new OAuthError('invalid_request', 'unknown endpoint', { status: 404 })),
  )
  // Callback form: no promise per response.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!request.url.startsWith('/.well-known/')) reply.headers(NO_STORE_HEADERS)
    done(null, payload)
  })

  const otherMethods = (path: string, allowed: readonly HttpMethod[]) =>
    refuseOtherMethods(fastify, path, allowed)

  const formEndpoint = (
    path: string,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) => {
    fastify.route({
      method: 'POST',
      url: path,
      handler: async (request, reply) => {
        // The query string is not read by these endpoints, except to refuse credentials in it.
        queryParameters(request)
        return handler(request, reply)
      },
    })
    otherMethods(path, ['POST'])
  }

  /** RFC 9449 §8: with nonces required, every token and userinfo answer carries the current one. */
  // Answers nothing: a reply is thenable, and awaiting it would wait for the answer itself.
  const withDPoPNonce = async (reply: FastifyReply): Promise<void> => {
    const nonce = await server.dpopNonce()
    if (nonce !== undefined) reply.header('dpop-nonce', nonce)
  }

  formEndpoint(paths.token, async (request, reply) => {
    const result = await server.token(parameters(request), requestCredentials(request))
    await withDPoPNonce(reply)
    return reply.type(JSON_CONTENT_TYPE).send(encodeTokenResponse(result))
  })

  formEndpoint(paths.pushedAuthorizationRequest, async (request, reply) => {
    const result = await server.pushAuthorizationRequest(parameters(request), requestCredentials(request))
    // RFC 9126 §2.2: 201 Created.
    return reply
      .code(201)
      .type(JSON_CONTENT_TYPE)
      .send(conforming(pushedAuthorizationResponseCodec, pushedAuthorizationResponseCodec.encode(result)))
  })

  formEndpoint(paths.deviceAuthorization, async (request, reply) => {
    const result = await server.deviceAuthorization.authorize(parameters(request), {
      authorization: authorizationHeader(request),
    })
    return reply.type(JSON_CONTENT_TYPE).send(deviceAuthorizationResponseCodec.encode(result))
  })

  formEndpoint(paths.revocation, async (request, reply) => {
    await server.revoke(parameters(request), requestCredentials(request))
    return reply.code(200).send()
  })

  formEndpoint(paths.introspection, async (request, reply) => {
    const result = await server.introspect(parameters(request), requestCredentials(request))
    return reply.type(JSON_CONTENT_TYPE).send(conforming(introspectionResponseCodec, result))
  })

  fastify.route({
    method: ['GET', 'POST'],
    url: paths.userinfo,
    handler: async (request, reply) => {
      const claims = await server.userinfo(authorizationHeader(request), {
        method: request.method,
        dpop: dpopHeader(request),
      })
      await withDPoPNonce(reply)
      return reply.type(JSON_CONTENT_TYPE).send(conforming(userInfoResponseCodec, claims))
    },
  })
  otherMethods(paths.userinfo, ['GET', 'POST'])

  /** The query's parameters, and the form body's on POST; a name in both must carry one value. */
  const queryAndBody = (request: FastifyRequest): ParameterMap => {
    const params: ParameterMap = { ...queryParameters(request) }
    if (request.method === 'POST') {
      for (const [name, value] of Object.entries(parameters(request))) {
        if (Object.hasOwn(params, name) && params[name] !== value) {
          throw new OAuthError('invalid_request', `parameter ${name} differs between query and body`)
        }
        params[name] = value
      }
    }
    return params
  }

  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = queryAndBody(request)
    let authorizationRequest: AuthorizationRequest
    try {
      authorizationRequest = await server.validateAuthorizationRequest(params)
    } catch (error) {
      if (error instanceof AuthorizationRequestError) {
        const location = error.redirectTo()
        if (location !== undefined) return reply.redirect(location, 302)
      }
      throw error
    }
    if (!options.authorize) {
      return reply.redirect(
        server.denyAuthorization(
          authorizationRequest,
          'access_denied',
          'this server has no end-user login configured',
        ),
        302,
      )
    }
    return options.authorize({
      request,
      reply,
      authorizationRequest,
      parameters: params,
      authorizationServer: server,
    })
  }
  fastify.get(paths.authorization, authorize)
  fastify.post(paths.authorization, authorize)
  otherMethods(paths.authorization, ['GET', 'POST'])

  // OpenID Connect RP-Initiated Logout 1.0 §2: GET and POST. A request that fails validation is answered
  // here (invalid_request) and never redirected (§4).
  const endSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = queryAndBody(request)
    const endSessionRequest = await server.endSession.validate(params)
    if (!options.endSession) {
      const location = server.endSession.redirectUrl(endSessionRequest)
      return location === undefined ? reply.code(204).send() : reply.redirect(location, 302)
    }
    return options.endSession({
      request,
      reply,
      endSessionRequest,
      parameters: params,
      authorizationServer: server,
    })
  }
  fastify.get(paths.endSession, endSession)
  fastify.post(paths.endSession, endSession)
  otherMethods(paths.endSession, ['GET', 'POST'])

  if (server.registration !== undefined) {
    await fastify.register(registrationRoutes, {
      endpoint: server.registration,
      path: paths.registration,
      bodyLimit,
    })
  }

  if (options.appManagement === true) {
    await fastify.register(oauthAppRoutes, { authorizationServer: server, bodyLimit })
  }

  await fastify.register(consentRoutes, { consentedApps: server.consentedApps, path: paths.consents })

  if (server.personalAccessTokens !== undefined) {
    await fastify.register(personalAccessTokenRoutes, {
      endpoint: server.personalAccessTokens,
      path: paths.personalAccessTokens,
      bodyLimit,
    })
  }

  const discovery = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .header('cache-control', 'public, max-age=300')
      .type(JSON_CONTENT_TYPE)
      .send(conforming(authorizationServerMetadataCodec, server.metadata()))
  fastify.get(paths.openidConfiguration, discovery)
  fastify.get(paths.oauthAuthorizationServer, discovery)
  fastify.get(paths.jwks, async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=300')
      .type(JSON_CONTENT_TYPE)
      .send(conforming(jsonWebKeySetCodec, await server.jwks())),
  )
}

function checkCharset(contentType: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    throw new OAuthError('invalid_request', 'the request body must be UTF-8')
  }
}
