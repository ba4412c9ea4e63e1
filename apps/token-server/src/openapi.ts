import { AuthorizationConsentWire, AuthorizationRedirectWire, wireSchemas } from '@pipeshub/models'
import {
  AuthorizationRedirectResponse,
  AuthorizationRequestQuery,
  type EndpointPaths,
  OAuthErrorResponseBody,
  type OAuthRouteSchema,
  oauthRouteSchemas,
  oauthSecuritySchemes,
} from '@pipeshub/server'
import type { FastifyInstance, RouteOptions } from 'fastify'
import Type from 'typebox'

declare module 'fastify' {
  /** Documentation members of a route schema, read by the OpenAPI generator (Fastify ignores them). */
  interface FastifySchema {
    summary?: string
    description?: string
    tags?: readonly string[]
    /** Request body media types (default: form-encoded and JSON). */
    consumes?: readonly string[]
    /** Leave the route out of the document. */
    hide?: boolean
  }
}

/** A JSON Schema object as TypeBox produces it. */
type JsonSchema = Record<string, unknown>

interface CollectedRoute {
  method: string
  url: string
  schema: Record<string, unknown> | undefined
}

/** The operations a Path Item may have (OpenAPI 3.1 section 4.8.9); HEAD and OPTIONS are implied. */
const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'trace'])

/** Request bodies of these routes are accepted both form-encoded (RFC 6749) and as JSON (PipesHub's SDK). */
const FORM_AND_JSON = ['application/x-www-form-urlencoded', 'application/json']

export interface OpenApiInfo {
  title: string
  version: string
  description: string
  serverUrl: string
}

/**
 * Collects every route as it is registered (ours and the library's plugin), so that the document is
 * generated from the same TypeBox schemas Fastify validates and serializes with. Call before any route.
 */
export function collectRoutes(app: FastifyInstance): CollectedRoute[] {
  const routes: CollectedRoute[] = []
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    // Catch-alls (the plugin's 404 for unknown paths under its prefix) are no endpoint to document.
    if (route.url.includes('*')) return
    for (const method of methods) {
      // HEAD and OPTIONS follow from the other methods; QUERY and the like have no OpenAPI operation.
      if (!OPENAPI_METHODS.has(method.toLowerCase())) continue
      const schema = route.schema as Record<string, unknown> | undefined
      if (schema?.hide === true) continue
      routes.push({ method: method.toLowerCase(), url: route.url, schema })
    }
  })
  return routes
}

/** Hoists every schema with a `title` and `$id` into `components.schemas` and points at it. */
class ComponentRegistry {
  readonly schemas: Record<string, JsonSchema> = {}
  private readonly byId = new Map<string, string>()

  ref(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map((item) => this.ref(item))
    if (typeof schema !== 'object' || schema === null) return schema
    const source = schema as JsonSchema
    const id = typeof source.$id === 'string' ? source.$id : undefined
    const title = typeof source.title === 'string' ? source.title : undefined
    if (id !== undefined && title !== undefined) {
      let name = this.byId.get(id)
      if (name === undefined) {
        name = this.uniqueName(title.replace(/[^A-Za-z0-9._-]/g, ''))
        this.byId.set(id, name)
        const { $id: _omit, ...rest } = source
        this.schemas[name] = this.walk(rest)
      }
      return { $ref: `#/components/schemas/${name}` }
    }
    return this.walk(source)
  }

  private walk(schema: JsonSchema): JsonSchema {
    const out: JsonSchema = {}
    for (const [key, value] of Object.entries(schema)) {
      out[key] = typeof value === 'object' && value !== null ? this.ref(value) : value
    }
    return out
  }

  private uniqueName(base: string): string {
    let name = base || 'Schema'
    for (let suffix = 2; name in this.schemas; suffix++) name = `${base}${suffix}`
    return name
  }
}

const FRAMEWORK_REFUSAL = {
  description:
    'invalid_request: a request refused before the route runs (an undecodable URL, headers over 16 KiB, a bad Content-Length).',
  content: { 'application/json': { schema: OAuthErrorResponseBody } },
}

/** `/a/:b` (Fastify) -> `/a/{b}` (OpenAPI). */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

function parametersOf(
  schema: JsonSchema | undefined,
  location: 'query' | 'path' | 'header',
  registry: ComponentRegistry,
) {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((schema?.required ?? []) as string[])
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: registry.ref(property),
  }))
}

function responsesOf(schema: Record<string, unknown> | undefined, registry: ComponentRegistry) {
  const declared = (schema?.response ?? {}) as Record<string, JsonSchema>
  const responses: Record<string, unknown> = {}
  for (const [status, response] of Object.entries(declared)) {
    const description =
      typeof response.description === 'string' ? response.description : `HTTP ${status} response`
    if (typeof response.content === 'object' && response.content !== null) {
      const content: Record<string, unknown> = {}
      for (const [type, media] of Object.entries(response.content as Record<string, { schema: unknown }>)) {
        content[type] = { schema: registry.ref(media.schema) }
      }
      // Response headers (OpenAPI 3.1 §4.8.17.1), e.g. the token endpoint's Cache-Control: no-store.
      const headers = response.headers as Record<string, Record<string, unknown>> | undefined
      responses[status] =
        headers === undefined
          ? { description, content }
          : {
              description,
              content,
              headers: Object.fromEntries(
                Object.entries(headers).map(([name, header]) => [
                  name,
                  { ...header, schema: registry.ref(header.schema) },
                ]),
              ),
            }
    } else {
      responses[status] = { description, content: { 'application/json': { schema: registry.ref(response) } } }
    }
  }
  if (Object.keys(responses).length === 0) responses.default = { description: 'Response' }
  return responses
}

/** The OpenAPI 3.1 document of every collected route. JSON Schema 2020-12 dialect, as TypeBox emits. */
export function buildOpenApiDocument(
  routes: readonly CollectedRoute[],
  info: OpenApiInfo,
  /** Schemas of routes registered without one (`"<method> <url>"` -> schema), e.g. a library's. */
  documentation: ReadonlyMap<string, Record<string, unknown>> = new Map(),
): Record<string, unknown> {
  const registry = new ComponentRegistry()
  const paths: Record<string, Record<string, unknown>> = {}
  const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))
  for (const route of sorted) {
    const schema = route.schema ?? documentation.get(`${route.method} ${route.url}`)
    const operation: Record<string, unknown> = {}
    if (typeof schema?.summary === 'string') operation.summary = schema.summary
    if (typeof schema?.description === 'string') operation.description = schema.description
    if (Array.isArray(schema?.tags)) operation.tags = schema.tags
    operation.operationId = `${route.method}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase())}`
    const parameters = [
      ...parametersOf(schema?.params as JsonSchema | undefined, 'path', registry),
      ...parametersOf(schema?.querystring as JsonSchema | undefined, 'query', registry),
      ...parametersOf(schema?.headers as JsonSchema | undefined, 'header', registry),
    ]
    if (parameters.length > 0) operation.parameters = parameters
    if (schema?.body !== undefined) {
      const body = registry.ref(schema.body)
      const consumes = Array.isArray(schema.consumes) ? (schema.consumes as string[]) : FORM_AND_JSON
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(consumes.map((type) => [type, { schema: body }])),
      }
    }
    operation.responses = responsesOf(schema, registry)
    // Every route can meet a request Fastify or Node refuse before it runs: an RFC 6749 section 5.2 body.
    if (!Object.keys(operation.responses as object).some((status) => status.startsWith('4'))) {
      ;(operation.responses as Record<string, unknown>)['400'] = FRAMEWORK_REFUSAL
    }
    // Public unless the route says otherwise (the library's OAuth routes do, per client authentication).
    operation.security = Array.isArray(schema?.security) ? schema.security : []
    const path = openApiPath(route.url)
    paths[path] ??= {}
    ;(paths[path] as Record<string, unknown>)[route.method] = operation
  }
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: info.title,
      version: info.version,
      description: info.description,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: info.serverUrl }],
    paths,
    // Only the schemes an operation names (registration's exists only where registration is configured).
    components: { schemas: registry.schemas, securitySchemes: usedSecuritySchemes(paths) },
  }
}

const html = (description: string) => ({ description, content: { 'text/html': { schema: Type.String() } } })
const errorJson = (description: string) => ({
  description,
  content: { 'application/json': { schema: OAuthErrorResponseBody } },
})

/**
 * The schemas of the library plugin's routes (`oauthRouteSchemas`, one definition of each shape), with
 * what this app adds: rate limits on the token endpoint and the sign-in and consent pages the
 * authorization hook answers.
 */
export function tokenServerRouteDocumentation(paths: EndpointPaths): Map<string, Record<string, unknown>> {
  const schemas = oauthRouteSchemas(paths)
  const extend = (key: string, change: (schema: OAuthRouteSchema) => OAuthRouteSchema) => {
    const schema = schemas.get(key)
    if (schema === undefined) throw new Error(`@pipeshub/server documents no route ${key}`)
    schemas.set(key, change(schema))
  }
  extend(`post ${paths.token}`, (schema) => ({
    ...schema,
    description: `${schema.description ?? ''} Rate limited per client id.`.trim(),
    response: {
      ...schema.response,
      429: errorJson('Too many requests (see Retry-After): error temporarily_unavailable.'),
    },
  }))
  extend(`get ${paths.authorization}`, (schema) => ({
    ...schema,
    summary: 'Authorization endpoint (RFC 6749 §3.1): sign-in and consent pages',
    response: {
      200: {
        description:
          'The sign-in or consent page; with PIPESHUB_FRONTEND_URL, to a Bearer session of the frontend, the consent data (JSON) or a decision ({redirectUrl}).',
        content: {
          'text/html': { schema: Type.String() },
          'application/json': { schema: Type.Union([AuthorizationConsentWire, AuthorizationRedirectWire]) },
        },
      },
      302: AuthorizationRedirectResponse,
      400: errorJson('Unknown client or redirect URI: shown, never redirected (HTML to browsers).'),
    },
  }))
  extend(`post ${paths.authorization}`, (schema) => ({
    ...schema,
    summary:
      "Sign-in and consent form submissions (`username`/`password`, `consent=granted|denied`); with PIPESHUB_FRONTEND_URL, the frontend's decision (JSON or form, Bearer session)",
    consumes: ['application/x-www-form-urlencoded', 'application/json'],
    body: Type.Object({
      ...AuthorizationRequestQuery.properties,
      response_type: Type.Optional(
        Type.Literal('code', {
          description: "Only the authorization code flow; the frontend's decision may leave it out.",
        }),
      ),
      csrf_token: Type.Optional(
        Type.String({ description: 'The token of the form (CSRF protection); not with a Bearer session.' }),
      ),
      username: Type.Optional(Type.String()),
      password: Type.Optional(Type.String()),
      consent: Type.Optional(Type.Union([Type.Literal('granted'), Type.Literal('denied')])),
    }),
    response: {
      200: {
        description:
          'The next page (consent), or the form again with its error; with PIPESHUB_FRONTEND_URL, to a Bearer session of the frontend, the decision ({redirectUrl}).',
        content: {
          'text/html': { schema: Type.String() },
          'application/json': { schema: AuthorizationRedirectWire },
        },
      },
      303: AuthorizationRedirectResponse,
      401: html('Wrong username or password.'),
      403: html('The form expired (CSRF token missing or wrong).'),
      429: html('Too many sign-in attempts (see Retry-After).'),
    },
  }))
  const postLogoutRedirect = {
    description:
      'Signed out (or no session): redirect to the registered post_logout_redirect_uri, with state.',
    content: {},
  }
  extend(`get ${paths.endSession}`, (schema) => ({
    ...schema,
    summary: 'End-session endpoint (OpenID Connect RP-Initiated Logout 1.0): the sign-out confirmation page',
    response: {
      200: html('The confirmation page (a browser session exists), or the signed-out page.'),
      302: postLogoutRedirect,
      400: errorJson(
        'An id_token_hint not issued here, a client_id other than its audience, an unknown client or an unregistered post_logout_redirect_uri: shown, never redirected (HTML to browsers).',
      ),
    },
  }))
  extend(`post ${paths.endSession}`, (schema) => ({
    ...schema,
    summary: 'Logout request as a form post, and the confirmation form (`logout=confirm|cancel`)',
    body: Type.Object({
      ...wireSchemas.EndSessionRequest.properties,
      csrf_token: Type.Optional(
        Type.String({ description: 'The token of the confirmation form (CSRF protection).' }),
      ),
      logout: Type.Optional(Type.Union([Type.Literal('confirm'), Type.Literal('cancel')])),
    }),
    response: {
      200: html('The confirmation page, the signed-out page, or the still-signed-in page.'),
      302: postLogoutRedirect,
      303: postLogoutRedirect,
      400: errorJson('As for GET: shown, never redirected (HTML to browsers).'),
      403: html('The confirmation form expired (CSRF token missing or wrong).'),
    },
  }))
  return new Map([...schemas].map(([key, schema]) => [key, { ...schema }]))
}

/** The entries of `oauthSecuritySchemes` that some operation of `paths` requires. */
function usedSecuritySchemes(
  paths: Record<string, Record<string, unknown>>,
): Partial<typeof oauthSecuritySchemes> {
  const used = new Set<string>()
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item) as Array<{ security?: Array<Record<string, unknown>> }>) {
      for (const requirement of operation.security ?? [])
        for (const name of Object.keys(requirement)) used.add(name)
    }
  }
  return Object.fromEntries(
    Object.entries(oauthSecuritySchemes).filter(([name]) => used.has(name)),
  ) as Partial<typeof oauthSecuritySchemes>
}
