import {
  checkGolden,
  GOLDEN,
  type GoldenCheckOptions,
  type GoldenId,
  type GoldenPresence,
  goldenMessage,
} from './golden.js'
import { ROUTES } from './parties.js'

/** One request to the provider and its answer, as they went over the wire. */
export interface WireExchange {
  readonly method: string
  readonly path: string
  readonly requestContentType?: string | undefined
  readonly requestBody: string
  readonly status: number
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
  readonly body: string
}

/** The server promises the RFCs' RECOMMENDED members too (e.g. RFC 6749 §5.1 `expires_in`). */
const SERVER_ENFORCES: readonly GoldenPresence[] = ['REQUIRED', 'RECOMMENDED']

const TOKEN_REQUESTS: Readonly<Record<string, GoldenId>> = {
  authorization_code: GOLDEN.authorizationCodeTokenRequest,
  client_credentials: GOLDEN.clientCredentialsTokenRequest,
  refresh_token: GOLDEN.refreshTokenRequest,
  'urn:ietf:params:oauth:grant-type:device_code': GOLDEN.deviceAccessTokenRequest,
}

function parseRequest(exchange: WireExchange): Record<string, unknown> {
  const type = exchange.requestContentType?.toLowerCase() ?? ''
  if (type.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(exchange.requestBody))
  if (type.startsWith('application/json') && exchange.requestBody !== '')
    return JSON.parse(exchange.requestBody) as Record<string, unknown>
  return {}
}

function parseResponse(exchange: WireExchange): unknown {
  if (exchange.body === '') return undefined
  try {
    return JSON.parse(exchange.body) as unknown
  } catch {
    return exchange.body
  }
}

/** Which golden fixtures describe this exchange's request and response. */
function goldenFor(
  exchange: WireExchange,
  request: Record<string, unknown>,
): { request?: GoldenId | undefined; response?: GoldenId | undefined; covered: boolean } {
  const ok = exchange.status >= 200 && exchange.status < 300
  const failed = exchange.status >= 400 && exchange.status < 500
  const key = `${exchange.method} ${exchange.path.replace(/^(\/api\/v1\/(?:personal-access-tokens|oauth2\/consents))\/[^/]+$/, '$1/*')}`
  if (exchange.path === ROUTES.oauthClients || exchange.path.startsWith(`${ROUTES.oauthClients}/`)) {
    // PipesHub's app management, in no RFC: its answers are checked against the models' schemas by
    // the pact's matchers; its errors are RFC 6749 §5.2 bodies.
    if (ok) return { covered: true }
    return { response: failed ? GOLDEN.errorResponse : undefined, covered: failed }
  }
  switch (key) {
    case `POST ${ROUTES.token}`: {
      // A request the provider refused may be deliberately malformed; the RFC describes valid ones.
      const grant = typeof request.grant_type === 'string' ? TOKEN_REQUESTS[request.grant_type] : undefined
      if (ok) return { request: grant, response: GOLDEN.tokenResponse, covered: true }
      return { response: failed ? GOLDEN.errorResponse : undefined, covered: failed }
    }
    case `POST ${ROUTES.pushedAuthorizationRequest}`:
      // RFC 9126 §2.1 has no message of its own: the request is the authorization request's parameters.
      if (ok) return { response: GOLDEN.pushedAuthorizationResponse, covered: true }
      return { response: failed ? GOLDEN.errorResponse : undefined, covered: failed }
    case `POST ${ROUTES.deviceAuthorization}`:
      if (ok)
        return {
          request: GOLDEN.deviceAuthorizationRequest,
          response: GOLDEN.deviceAuthorizationResponse,
          covered: true,
        }
      return { response: failed ? GOLDEN.errorResponse : undefined, covered: failed }
    case `POST ${ROUTES.revocation}`:
      if (ok) return { request: GOLDEN.revocationRequest, response: GOLDEN.revocationResponse, covered: true }
      return { response: failed ? GOLDEN.errorResponse : undefined, covered: failed }
    case `POST ${ROUTES.introspection}`:
      if (ok)
        return { request: GOLDEN.introspectionRequest, response: GOLDEN.introspectionResponse, covered: true }
      return { response: failed ? GOLDEN.errorResponse : undefined, covered: failed }
    case `GET ${ROUTES.userinfo}`:
      if (ok) return { response: GOLDEN.userInfoResponse, covered: true }
      // RFC 6750 §3: the error is in WWW-Authenticate; a body, when there is one, is a §5.2 error.
      return { response: failed && exchange.body !== '' ? GOLDEN.errorResponse : undefined, covered: failed }
    case `GET ${ROUTES.authorizationServerMetadata}`:
    case `GET ${ROUTES.openidConfiguration}`:
      return { response: ok ? GOLDEN.authorizationServerMetadata : undefined, covered: ok }
    case `GET ${ROUTES.mcpResourceMetadata}`:
      return { response: ok ? GOLDEN.protectedResourceMetadata : undefined, covered: ok }
    case `GET ${ROUTES.jwks}`:
      return { response: ok ? GOLDEN.jwkSet : undefined, covered: ok }
    case `GET ${ROUTES.personalAccessTokens}`:
    case `POST ${ROUTES.personalAccessTokens}`:
    case `DELETE ${ROUTES.personalAccessTokens}/*`:
    case `POST ${ROUTES.authorization}`:
    // The JSON answer of the authorization endpoint to PipesHub's frontend (consent data), in no RFC.
    case `GET ${ROUTES.authorization}`:
    case `GET ${ROUTES.consents}`:
    case `DELETE ${ROUTES.consents}/*`:
      // PipesHub's own API, in no RFC: its answers are checked against the models' schemas by the
      // pact's matchers; its errors are RFC 6749 §5.2 bodies.
      if (ok) return { covered: true }
      return { response: failed ? GOLDEN.errorResponse : undefined, covered: failed }
    default:
      return { covered: false }
  }
}

/**
 * Every way an exchange with the provider falls short of the RFCs: its request against the golden
 * request fixture of its endpoint and grant, its response against the golden response (REQUIRED and
 * RECOMMENDED members, JSON types, the RFC 6749 §5.1 headers, RFC 7009's status). An exchange no
 * golden fixture covers is itself a problem, so an endpoint added to the contract cannot skip this.
 */
export function goldenProblems(exchange: WireExchange, options: GoldenCheckOptions = {}): string[] {
  const request = parseRequest(exchange)
  const golden = goldenFor(exchange, request)
  const where = `${exchange.method} ${exchange.path} -> ${exchange.status}`
  if (!golden.covered) return [`${where}: no golden fixture describes this exchange`]
  const problems: string[] = []
  if (golden.request !== undefined) {
    for (const problem of checkGolden(goldenMessage(golden.request), request, undefined, {
      enforce: ['REQUIRED'],
    }))
      problems.push(`${where} (request): ${problem}`)
  }
  if (golden.response !== undefined) {
    const message = goldenMessage(golden.response)
    if (message.status !== undefined && message.status !== exchange.status)
      problems.push(`${where}: ${message.source} ${message.title} answers ${message.status}`)
    for (const problem of checkGolden(message, parseResponse(exchange), exchange.headers, {
      enforce: options.enforce ?? SERVER_ENFORCES,
    }))
      problems.push(`${where}: ${problem}`)
  }
  return problems
}
