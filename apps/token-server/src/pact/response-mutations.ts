import { ROUTES, SDK_PACT_FILE, type WireExchange } from '@pipeshub/contracts'

/** One HTTP response of the app with its request, as the mutating layer sees it. */
export type ObservedResponse = WireExchange

export type ResponseMutation = (response: ObservedResponse) => ObservedResponse

/**
 * A mutation found nothing to change where it expected something. Without this check a mutation of a
 * member that has already moved (renamed in the models and everywhere else) would "fail" the
 * verification for an unrelated reason, and the must-fail check would prove nothing.
 */
export class MutationTargetMissing extends Error {
  override readonly name = 'MutationTargetMissing'
}

const TOKEN_PATH = '/api/v1/oauth2/token'
const MCP_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource/mcp'

/** The pact interactions a mutation rewrites the responses of (by request path and response status). */
export interface InteractionSelector {
  readonly path: string
  /** `success`: 2xx; `error`: 4xx. */
  readonly outcome: 'success' | 'error'
}

const isSelected = (selector: InteractionSelector, path: string, status: number) =>
  path === selector.path && (selector.outcome === 'success' ? status < 300 : status >= 400)

/** Applies `change` to the JSON body of every selected response; the member must be there. */
function bodyMember(
  selector: InteractionSelector,
  member: string,
  change: (body: Record<string, unknown>) => void,
): ResponseMutation {
  return (response) => {
    if (!isSelected(selector, response.path, response.status)) return response
    const body = JSON.parse(response.body) as Record<string, unknown>
    if (!Object.hasOwn(body, member)) {
      throw new MutationTargetMissing(
        `expected a member "${member}" in the ${response.status} response to ${response.method} ${response.path}, ` +
          `found ${Object.keys(body).join(', ') || 'no member'}`,
      )
    }
    change(body)
    return { ...response, body: JSON.stringify(body) }
  }
}

function renamed(selector: InteractionSelector, from: string, to: string): ResponseMutation {
  return bodyMember(selector, from, (body) => {
    body[to] = body[from]
    delete body[from]
  })
}

export interface BrokenProvider {
  readonly name: string
  /** Which interactions of the pact it breaks: the check verifies only those, and all must fail. */
  readonly selects: InteractionSelector
  readonly mutate: ResponseMutation
  /** What every verification failure must name. */
  readonly mismatch: RegExp
  /** What the golden fixtures' check of the broken answers must name, when the RFC forbids the drift. */
  readonly golden?: RegExp
  /**
   * The committed pact verified against it: the client's unless it names another consumer's, for a
   * drift only that consumer's pact covers.
   */
  readonly pactFile?: string
}

const successfulToken: InteractionSelector = { path: TOKEN_PATH, outcome: 'success' }
const tokenError: InteractionSelector = { path: TOKEN_PATH, outcome: 'error' }
const resourceMetadata: InteractionSelector = { path: MCP_RESOURCE_METADATA_PATH, outcome: 'success' }
const userinfo: InteractionSelector = { path: ROUTES.userinfo, outcome: 'success' }
const introspection: InteractionSelector = { path: ROUTES.introspection, outcome: 'success' }

/**
 * Deliberately broken token servers: each one drifts from the contract in one way a real change could,
 * and verification against each must fail, naming what drifted.
 */
export const BROKEN_PROVIDERS: readonly BrokenProvider[] = [
  {
    name: 'access_token renamed to accessToken',
    selects: successfulToken,
    mutate: renamed(successfulToken, 'access_token', 'accessToken'),
    mismatch: /access_token/,
    golden: /RFC 6749 §5\.1 .*\/access_token must be REQUIRED a string, got no member/,
  },
  {
    name: 'expires_in sent as a string',
    selects: successfulToken,
    mutate: bodyMember(successfulToken, 'expires_in', (body) => {
      body.expires_in = String(body.expires_in)
    }),
    mismatch: /expires_in/,
    golden: /RFC 6749 §5\.1 .*\/expires_in must be RECOMMENDED an integer, got a string/,
  },
  {
    name: 'token_type missing',
    selects: successfulToken,
    mutate: bodyMember(successfulToken, 'token_type', (body) => {
      delete body.token_type
    }),
    mismatch: /token_type/,
    golden: /RFC 6749 §5\.1 .*\/token_type must be REQUIRED a string, got no member/,
  },
  {
    name: 'error_description renamed to message',
    selects: tokenError,
    mutate: renamed(tokenError, 'error_description', 'message'),
    mismatch: /error_description/,
  },
  {
    name: 'Cache-Control: no-store missing',
    selects: successfulToken,
    mutate: (response) => {
      if (!isSelected(successfulToken, response.path, response.status)) return response
      const { 'cache-control': dropped, ...headers } = response.headers
      if (dropped === undefined) {
        throw new MutationTargetMissing(
          `expected a Cache-Control header on the ${response.status} response to ${response.method} ${response.path}`,
        )
      }
      return { ...response, headers }
    },
    mismatch: /cache-control/i,
    golden: /RFC 6749 §5\.1 .*header Cache-Control must be "no-store"/,
  },
  {
    // RFC 9728 §3.3: a client must refuse a document whose `resource` is not the resource it asked
    // about, so a document without it (or naming it otherwise) leaves the client with no server.
    name: 'resource renamed to resource_uri in the protected resource metadata',
    selects: resourceMetadata,
    mutate: renamed(resourceMetadata, 'resource', 'resource_uri'),
    mismatch: /resource/,
    golden: /RFC 9728 §2 .*\/resource must be REQUIRED a string, got no member/,
  },
  // PipesHub's SDK reads the user from `user_id` (userinfo and introspection); no RFC names it and the
  // client's pact does not pin it, so only the SDK's pact stands between a rename and code in users' hands.
  {
    name: "user_id renamed to userId in userinfo (the SDK's pact)",
    selects: userinfo,
    mutate: renamed(userinfo, 'user_id', 'userId'),
    mismatch: /user_id/,
    pactFile: SDK_PACT_FILE,
  },
  {
    name: "user_id missing from the introspection response (the SDK's pact)",
    selects: introspection,
    mutate: bodyMember(introspection, 'user_id', (body) => {
      delete body.user_id
    }),
    mismatch: /user_id/,
    pactFile: SDK_PACT_FILE,
  },
]
