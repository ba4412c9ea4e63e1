import { readFileSync } from 'node:fs'
import cookie from '@fastify/cookie'
import {
  type AuthorizationHookContext,
  type AuthorizationServer,
  createAuthorizationServer,
  type EndpointPaths,
  oauth2Plugin,
  oauthClientErrorHandler,
  oauthCorsHeaders,
  oauthErrorHandler,
  oauthFrameworkErrors,
  oauthNotFoundHandler,
  protectedResourcePlugin,
  protectedResourceRouteSchema,
  type Store,
} from '@pipeshub/server'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify'
import type { DestinationStream, Logger } from 'pino'
import {
  accountClientsOf,
  DEFAULT_CONFIG,
  demoEnabled,
  fastifyTrustProxy,
  issuerFor,
  PACKAGE_ROOT,
  type TokenServerConfig,
} from './config.js'
import { connectionsPerAddress, limitConnectionsPerAddress } from './connection-limit.js'
import { deferredSchemaCompilers } from './deferred-schema-compilers.js'
import { registerDemoCallback } from './demo-callback.js'
import { registerHealthRoutes } from './health.js'
import { connectedAppsRoutes } from './interaction/connected-apps.js'
import { DEVICE_VERIFICATION_PATH, deviceVerificationRoutes } from './interaction/device-verification.js'
import { createFrontendConsent, isFrontendRequest } from './interaction/frontend-consent.js'
import { authorizationParameters, createInteraction } from './interaction/interaction.js'
import { createLogout } from './interaction/logout.js'
import { createLogger, generateRequestId, logSecurityEvent } from './logging.js'
import {
  MCP_RESOURCE_NAME,
  mcpResourceMetadata,
  REGISTRATION_SCOPES,
  withMcpResource,
} from './mcp-resource.js'
import { createMetrics, type TokenServerMetrics } from './metrics.js'
import { buildOpenApiDocument, collectRoutes, tokenServerRouteDocumentation } from './openapi.js'
import { PAGE_HEADERS, STYLESHEET, STYLESHEET_PATH } from './pages/html.js'
import { CONNECTED_APPS_PATH, errorPage } from './pages/pages.js'
import { registerRateLimits } from './rate-limit.js'
import { requestLogScope } from './request-log-scope.js'

export interface TokenServerOptions {
  config: TokenServerConfig
  /** The store to serve from; migrated and open. Provider states and tests set data up through it. */
  store: Store
  /** Issuer override (default: `PIPESHUB_ISSUER`, else `http://<host>:<port>`). */
  issuer?: string
  /** A pino logger to use, or where to write log lines (default: stdout at `config.logLevel`). */
  logger?: Logger
  logDestination?: DestinationStream
  /**
   * Serve `GET /metrics` on this app (default true); `false` when main.ts serves it on its own listener
   * (`PIPESHUB_METRICS_PORT`).
   */
  metricsRoute?: boolean
  /** Close the store in `close()` (default true). */
  closeStore?: boolean
  /** Clock in epoch seconds, for tests. */
  now?: () => number
}

export interface TokenServer {
  /** The Fastify instance, ready (`inject()` works); call `listen()` to serve. */
  readonly app: FastifyInstance
  readonly store: Store
  readonly issuer: string
  readonly paths: EndpointPaths
  readonly authorizationServer: AuthorizationServer
  /** The Prometheus series of this server (`GET /metrics`, or its own listener). */
  readonly metrics: TokenServerMetrics
  /**
   * Turns readiness 503 at once, waits `config.shutdownDelay` seconds (still serving, so a load balancer
   * that polls readiness stops sending first), then stops accepting connections, finishes in-flight
   * requests and closes the store. Idempotent.
   */
  close(): Promise<void>
}

/** Configuration defaults for tests: memory store, quiet logs, generous rate limits, no demo seeding. */
export function testConfig(overrides: Partial<TokenServerConfig> = {}): TokenServerConfig {
  return {
    ...DEFAULT_CONFIG,
    port: 0,
    store: 'memory:',
    logLevel: 'silent',
    rateLimitToken: 10_000,
    rateLimitLogin: 10_000,
    rateLimitClientAuthFailures: 10_000,
    rateLimitClientAuthFailuresTotal: 10_000,
    rateLimitUserCodeFailuresTotal: 10_000,
    seedDemo: false,
    ...overrides,
  }
}

const VERSION = (JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { version: string })
  .version

function prefersHtml(accept: string | undefined): boolean {
  return (accept ?? '').includes('text/html')
}

/**
 * Builds the whole token server on a store, without listening: the `@pipeshub/server` plugin with the
 * login/consent pages as its authorization hook, health and readiness, rate limits, logs with secrets
 * redacted, request ids, and the OpenAPI document.
 */
export async function createTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const { config } = options
  const metrics = createMetrics({
    store: options.store,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  // Everything below talks to the store through the timing wrapper; `store` in the result is the caller's.
  const store = metrics.instrumentStore(options.store)
  const issuer = (options.issuer ?? issuerFor(config)).replace(/\/+$/, '')
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      format: config.logFormat,
      ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
    })
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify accepts a hop count at run time (proxy-addr); its types only list the other forms.
    trustProxy: fastifyTrustProxy(config.trustProxy) as NonNullable<FastifyServerOptions['trustProxy']>,
    genReqId: generateRequestId,
    schemaController: deferredSchemaCompilers,
    // One line per request, at its end (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Keep-alive connections must not hold `close()` open past the requests they carry.
    forceCloseConnections: 'idle',
    // A slow client (headers or a body trickling in) is cut within these bounds, so a few hundred of
    // them cannot hold the process's connections and file descriptors.
    connectionTimeout: config.idleTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
      // Node checks the headers and request timeouts on this period (30 s by default).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    return503OnClosing: true,
    // Undecodable URLs and requests Node's HTTP parser refuses (oversized headers, a bad Content-Length)
    // answer an RFC 6749 section 5.2 body too, not Fastify's or Node's own.
    frameworkErrors: oauthFrameworkErrors,
    clientErrorHandler: oauthClientErrorHandler,
  })
  // Connections past the cap are closed by Node at once instead of queueing work.
  app.server.maxConnections = config.maxConnections
  const perAddress = connectionsPerAddress(config)
  if (perAddress > 0) limitConnectionsPerAddress(app.server, perAddress, app.log)
  let shuttingDown = false
  const routes = collectRoutes(app)
  // Unknown paths anywhere: a page for a person in a browser, an OAuth-shaped 404 for everyone else.
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && prefersHtml(request.headers.accept)) {
      return reply
        .code(404)
        .headers(PAGE_HEADERS)
        .send(errorPage({ title: 'Page not found', message: 'There is no page at this address.' }))
    }
    return oauthNotFoundHandler(request, reply)
  })
  // Errors of this app's own routes (the plugin has its own handler in its scope) are OAuth-shaped too.
  app.setErrorHandler(oauthErrorHandler)
  // Hooks that do not wait for anything take Fastify's callback form: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    request.log.debug({ req: request }, 'incoming request')
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        req: request,
        route: request.routeOptions.url ?? null,
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    )
    done()
  })

  // Before every other preHandler, so that the security events of any route carry its request id.
  const currentRequestLog = requestLogScope(app)

  const administrators = new Set(config.administrators)
  const authorizationServer = createAuthorizationServer({
    issuer,
    store,
    accessTokenLifetime: config.accessTokenTtl,
    refreshTokenLifetime: config.refreshTokenTtl,
    refreshTokenReuseInterval: config.refreshTokenReuseInterval,
    authorizationCodeLifetime: config.codeTtl,
    signingAlgorithm: config.signingAlg,
    introspectionClients: config.introspectionClients,
    // The frontend's session token is the user's own: it manages their account wherever the frontend
    // drives consent, without being named twice.
    accountClients: accountClientsOf(config),
    requirePushedAuthorizationRequests: config.requirePushedAuthorizationRequests,
    pushedAuthorizationRequestLifetime: config.parTtl,
    deviceCodeLifetime: config.deviceCodeTtl,
    devicePollingInterval: config.devicePollingInterval,
    dpop: { requireNonce: config.dpopRequireNonce },
    isAdministrator: (user) => administrators.has(user.username),
    resources: withMcpResource(config.resources, config.mcpResource),
    ...(config.registration
      ? {
          registration: {
            initialAccessTokens: config.registrationInitialAccessTokens,
            scopes: REGISTRATION_SCOPES,
          },
        }
      : {}),
    onSecurityEvent: (event) => logSecurityEvent(currentRequestLog() ?? app.log, event),
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  const paths = authorizationServer.paths
  // The consent pages name the resources a token is for; PipesHub's MCP server by its RFC 9728 name.
  const resourceName = (resource: string) => (resource === config.mcpResource ? MCP_RESOURCE_NAME : undefined)
  // Root hooks before any route, so that the plugin's routes are observed too.
  metrics.observe(app, paths)

  await app.register(cookie)
  await registerRateLimits(app, {
    tokenPerMinute: config.rateLimitToken,
    loginPerMinute: config.rateLimitLogin,
    clientAuthFailuresPerMinute: config.rateLimitClientAuthFailures,
    clientAuthFailuresTotalPerMinute: config.rateLimitClientAuthFailuresTotal,
    userCodeFailuresTotalPerMinute: config.rateLimitUserCodeFailuresTotal,
    redisUrl: config.redisUrl,
    redisKeyPrefix: config.redisKeyPrefix,
    redisCommandTimeoutMs: config.redisCommandTimeoutMs,
    tokenPath: paths.token,
    pushedAuthorizationRequestPath: paths.pushedAuthorizationRequest,
    clientAuthPaths: [paths.revocation, paths.introspection, paths.deviceAuthorization],
    deviceAuthorizationPath: paths.deviceAuthorization,
    deviceVerificationPath: DEVICE_VERIFICATION_PATH,
    loginPath: paths.authorization,
    registrationPerMinute: config.rateLimitRegistration,
    registrationPaths: config.registration ? [paths.registration, `${paths.registration}/:clientId`] : [],
    loginMethod: 'POST',
    accountPath: CONNECTED_APPS_PATH,
    corsHeaders: (request) => oauthCorsHeaders(authorizationServer, request),
  })

  // The plugin answers JSON errors; a person in a browser gets a page instead, without the details.
  app.addHook('onSend', (request, reply, payload, done) => {
    const route = request.routeOptions.url
    if ((route !== paths.authorization && route !== paths.endSession) || reply.statusCode < 400)
      return done(null, payload)
    if (!String(reply.getHeader('content-type') ?? '').startsWith('application/json'))
      return done(null, payload)
    if (!prefersHtml(request.headers.accept)) return done(null, payload)
    let description = 'The request could not be processed.'
    try {
      const body = JSON.parse(String(payload)) as { error_description?: unknown }
      if (reply.statusCode < 500 && typeof body.error_description === 'string')
        description = body.error_description
    } catch {
      // Not the plugin's JSON: keep the generic text.
    }
    reply.headers(PAGE_HEADERS)
    const title =
      route === paths.endSession ? 'This sign-out link does not work' : 'This sign-in link does not work'
    done(null, errorPage({ title, message: description }))
  })

  await registerHealthRoutes(app, {
    // One round trip (`SELECT 1`), which a closed or unreachable store rejects.
    probeStore: () => store.ping(),
    isShuttingDown: () => shuttingDown,
  })
  app.get(
    STYLESHEET_PATH,
    { schema: { summary: 'Stylesheet of the pages', tags: ['pages'] } },
    async (_request, reply) =>
      reply
        .header('content-type', 'text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(STYLESHEET),
  )
  if (options.metricsRoute !== false) {
    app.get(
      '/metrics',
      { schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['operations'] } },
      (request, reply) => metrics.handle(request, reply),
    )
  }
  if (demoEnabled(config, issuer))
    registerDemoCallback(app, { store, tokenEndpoint: `${issuer}${paths.token}` })

  const interaction = createInteraction({
    store,
    authorizePath: paths.authorization,
    refusedScopes: (subject, scope) => authorizationServer.refusedScopes(subject, scope),
    resourceName,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  const authorize = async ({
    request,
    reply,
    authorizationRequest,
    parameters,
  }: AuthorizationHookContext) => {
    const outcome = await interaction.interact(
      request,
      reply,
      {
        client: authorizationRequest.client,
        scope: authorizationRequest.scope,
        parameters: authorizationParameters(parameters),
        prompt: authorizationRequest.prompt,
        maxAge: authorizationRequest.maxAge,
        resources: authorizationRequest.resources,
      },
      request.method === 'POST' ? parameters : undefined,
    )
    // After a form POST, 303 makes the browser follow with a GET.
    const status = request.method === 'POST' ? 303 : 302
    switch (outcome.kind) {
      case 'approved': {
        const location = await authorizationServer.issueAuthorizationCode({
          request: authorizationRequest,
          subject: outcome.subject,
          scope: outcome.scope,
          authTime: outcome.authTime,
        })
        return reply.redirect(location, status)
      }
      case 'denied':
        return reply.redirect(
          authorizationServer.denyAuthorization(
            authorizationRequest,
            outcome.error,
            outcome.description ??
              (outcome.error === 'access_denied'
                ? 'the end-user denied the request'
                : `prompt=none: ${outcome.error}`),
          ),
          status,
        )
      default:
        return reply
    }
  }
  // OpenID Connect RP-Initiated Logout 1.0: the confirmation page, then the session ends in the store.
  const endSession = createLogout({
    store,
    endSessionPath: paths.endSession,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  // PIPESHUB_FRONTEND_URL: login and consent live in PipesHub's frontend, which drives them through this
  // endpoint's JSON; the built-in pages stay for the device flow and the apps page.
  const frontend =
    config.frontendUrl === undefined || config.frontendClientId === undefined
      ? undefined
      : createFrontendConsent({
          authorizationServer,
          store,
          frontendUrl: config.frontendUrl,
          frontendClientId: config.frontendClientId,
          resourceName,
          pages: authorize,
          now: options.now ?? (() => Math.floor(Date.now() / 1000)),
        })
  if (frontend !== undefined) {
    // PipesHub's frontend posts its decision without response_type (its provider knows only the code
    // flow): the one value there is stands in for it, for the frontend's own calls only.
    app.addHook('preValidation', (request, _reply, done) => {
      const body = request.body
      if (
        request.method === 'POST' &&
        request.routeOptions.url === paths.authorization &&
        isFrontendRequest(request) &&
        typeof body === 'object' &&
        body !== null &&
        !Object.hasOwn(body, 'response_type') &&
        !new URL(request.url, 'http://x').searchParams.has('response_type')
      )
        (body as Record<string, unknown>).response_type = 'code'
      done()
    })
    // The frontend's calls (a Bearer session) get a decision as JSON, {redirectUrl}, not as a redirect:
    // the frontend, not the browser, follows it. PipesHub's provider answers them so, errors the app is
    // told about included.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.routeOptions.url !== paths.authorization || !isFrontendRequest(request))
        return done(null, payload)
      if (reply.statusCode !== 302 && reply.statusCode !== 303) return done(null, payload)
      const location = String(reply.getHeader('location') ?? '')
      reply.removeHeader('location')
      reply
        .code(200)
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'no-store')
      done(null, JSON.stringify({ redirectUrl: location }))
    })
  }
  await app.register(oauth2Plugin, {
    authorizationServer,
    authorize: frontend ?? authorize,
    endSession,
    appManagement: true,
  })
  // RFC 8628 §3.3: the device verification page, with the same login and consent pages posting to it.
  await app.register(deviceVerificationRoutes, {
    authorizationServer,
    interaction: createInteraction({
      store,
      authorizePath: DEVICE_VERIFICATION_PATH,
      resourceName,
      ...(options.now === undefined ? {} : { now: options.now }),
    }),
  })
  // The apps the signed-in person allowed, each with a button taking it back.
  await app.register(connectedAppsRoutes, { authorizationServer, interaction, resourceName })
  if (config.mcpResource !== undefined) {
    // PipesHub publishes its MCP server's RFC 9728 document on the backend's origin, next to this server.
    await app.register(protectedResourcePlugin, {
      metadata: mcpResourceMetadata({
        resource: config.mcpResource,
        issuer,
        documentation: config.mcpResourceDocumentation,
      }),
    })
  }

  // Built at its first request, not at start: few processes are ever asked for it.
  const openApiDocument = () => {
    const documentation = tokenServerRouteDocumentation(paths)
    if (config.mcpResource !== undefined) {
      const [key, schema] = protectedResourceRouteSchema(config.mcpResource)
      documentation.set(key, { ...schema })
    }
    return buildOpenApiDocument(
      routes,
      {
        title: 'PipesHub token server',
        version: VERSION,
        description: 'OAuth 2.0 / OpenID Connect provider of PipesHub (PipesHub-compatible routes).',
        serverUrl: issuer,
      },
      documentation,
    )
  }
  let openApi: Record<string, unknown> | undefined
  app.get(
    '/openapi.json',
    { schema: { summary: 'This OpenAPI 3.1 document', tags: ['operations'] } },
    async (_request, reply) => {
      openApi ??= openApiDocument()
      return reply.header('cache-control', 'public, max-age=300').send(openApi)
    },
  )

  await app.ready()

  let closing: Promise<void> | undefined
  return {
    app,
    store: options.store,
    issuer,
    paths,
    authorizationServer,
    metrics,
    close() {
      closing ??= (async () => {
        shuttingDown = true
        if (config.shutdownDelay > 0) {
          app.log.info(
            { seconds: config.shutdownDelay },
            'draining: readiness is 503, closing the listener after the delay',
          )
          await new Promise((resolve) => setTimeout(resolve, config.shutdownDelay * 1000))
        }
        try {
          await app.close()
        } finally {
          if (options.closeStore !== false) await store.close()
        }
      })()
      return closing
    },
  }
}
