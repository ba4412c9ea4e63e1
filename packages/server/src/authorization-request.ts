import { JWK_THUMBPRINT_PATTERN, REQUEST_URI_URN_PREFIX } from '@pipeshub/models'
import { isPublicClient } from './client-kind.js'
import { OAuthError, stored } from './errors.js'
import { CODE_VERIFIER, S256_CHALLENGE } from './pkce.js'
import {
  checkCharacters,
  MAX_PARAMETER_LENGTH,
  param,
  type RequestParameters,
  required,
} from './request-parameters.js'
import { assertScopesAllowed, parseScopeParameter } from './scopes.js'
import { hashOpaqueToken } from './secrets.js'
import type { ServerContext } from './server-context.js'
import type { ClientRecord } from './store/types.js'

const DPOP_JKT = new RegExp(JWK_THUMBPRINT_PATTERN)

/** An authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1) that passed validation. */
export interface AuthorizationRequest {
  client: ClientRecord
  clientId: string
  redirectUri: string
  /** Requested scopes, each known and allowed for the client. */
  scope: string[]
  /**
   * `state`, when the client sent one. RFC 6749 §4.1.1 only recommends it and RFC 9700 §2.1.1 lets PKCE
   * carry the CSRF protection, so a request with an S256 `code_challenge` may leave it out.
   */
  state: string | undefined
  codeChallenge: string | null
  codeChallengeMethod: 'S256' | 'plain' | null
  nonce: string | null
  /**
   * `prompt` values (OIDC Core §3.1.2.1), each one of `login`, `consent`, `select_account`, or `none`
   * alone; empty when absent. `consent` asks again even when the end-user consented before.
   */
  prompt: PromptValue[]
  /**
   * `max_age` (OIDC Core section 3.1.2.1), seconds: the end-user must have authenticated at most this long
   * ago, else the login/consent hook must authenticate them again (`0` behaves like `prompt=login`);
   * `null` when absent. See `authenticationTooOld`.
   */
  maxAge: number | null
  /** RFC 8707 resources the token will be for, each configured; `[]` for the default audience. */
  resources: string[]
  /**
   * RFC 9126: the hash of the `request_uri` the request came by, `null` for a request sent through the
   * user agent. The pushed request is consumed when its code is issued.
   */
  requestUriHash: string | null
  /** RFC 9449 §10 `dpop_jkt`: the DPoP key the code will be bound to; `null` when absent. */
  dpopJkt: string | null
}

/** The `prompt` values of OIDC Core §3.1.2.1. */
export type PromptValue = 'none' | 'login' | 'consent' | 'select_account'

const PROMPT_VALUES: readonly string[] = ['none', 'login', 'consent', 'select_account']

/**
 * Parses `prompt` (OIDC Core §3.1.2.1): space-delimited known values; `none` with any other value is an
 * `invalid_request`, as is a value this server does not know.
 */
export function parsePrompt(value: string | undefined): PromptValue[] {
  if (value === undefined) return []
  const values = [...new Set(value.split(' ').filter((v) => v !== ''))]
  for (const v of values) {
    if (!PROMPT_VALUES.includes(v))
      throw new OAuthError('invalid_request', `prompt value ${v} is not supported`)
  }
  if (values.includes('none') && values.length > 1)
    throw new OAuthError('invalid_request', 'prompt=none cannot be combined with another value')
  return values as PromptValue[]
}

/**
 * Whether the end-user must sign in again before `request` can be approved, given when they last
 * authenticated (epoch seconds): `max_age=0` always (like `prompt=login`), `max_age=N` once more than N
 * seconds passed (OIDC Core section 3.1.2.1). The ID token then carries the new `auth_time`.
 */
export function authenticationTooOld(
  request: Pick<AuthorizationRequest, 'maxAge'>,
  authTime: number,
  now: number,
): boolean {
  if (request.maxAge === null) return false
  return request.maxAge === 0 || now - authTime > request.maxAge
}

/**
 * An error of the authorization endpoint. With `redirectUri` it goes back to the client as query
 * parameters (RFC 6749 §4.1.2.1); without it (unknown client, bad redirect URI) it must be shown to
 * the user and never redirected.
 */
export class AuthorizationRequestError extends OAuthError {
  readonly redirectUri: string | undefined
  readonly state: string | undefined
  readonly issuer: string

  constructor(
    error: OAuthError,
    context: { redirectUri?: string | undefined; state?: string | undefined; issuer: string },
  ) {
    super(error.error, error.errorDescription, { status: error.status })
    this.redirectUri = context.redirectUri
    this.state = context.state
    this.issuer = context.issuer
  }

  /** The redirect carrying the error, or `undefined` when it must not be redirected. */
  redirectTo(): string | undefined {
    if (this.redirectUri === undefined) return undefined
    return buildRedirect(this.redirectUri, {
      error: this.error,
      error_description: this.errorDescription,
      state: this.state,
      iss: this.issuer,
    })
  }
}

/** Appends query parameters to a registered redirect URI, keeping its own query (RFC 6749 §3.1.2). */
export function buildRedirect(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri)
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.append(name, value)
  return url.toString()
}

/**
 * Validates an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1); throws
 * `AuthorizationRequestError`, redirectable once the client and its redirect URI are known.
 */
export async function validateAuthorizationRequest(
  context: ServerContext,
  params: RequestParameters,
  how: RequestDelivery = { kind: 'front_channel' },
): Promise<AuthorizationRequest> {
  const { issuer, store, scopeRegistry, resourcePolicies } = context
  if (how.kind === 'front_channel' && params.request_uri !== undefined && params.request_uri !== '') {
    const pushed = await resolvePushedRequest(context, params)
    return validateAuthorizationRequest(context, pushed.parameters, {
      kind: 'request_uri',
      requestUriHash: pushed.requestUriHash,
    })
  }
  const state = params.state === '' ? undefined : params.state
  const noRedirect = (error: OAuthError) => new AuthorizationRequestError(error, { issuer, state })
  let clientId: string
  let redirectParam: string | undefined
  try {
    // Not redirected: the redirect would have to carry the bad value back in `state`.
    checkCharacters(params)
    clientId = required(params, 'client_id')
    redirectParam = param(params, 'redirect_uri')
  } catch (error) {
    throw noRedirect(error as OAuthError)
  }
  const client = await stored(() => store.clients.get(clientId))
  if (!client) throw noRedirect(new OAuthError('invalid_request', 'unknown client_id'))
  // RFC 6749 §4.1.2.1: an invalid client is never redirected to.
  if (client.disabledAt !== null)
    throw noRedirect(new OAuthError('invalid_request', 'the client is disabled'))
  let redirectUri: string
  if (redirectParam === undefined) {
    if (client.redirectUris.length !== 1 || !client.redirectUris[0]) {
      throw noRedirect(new OAuthError('invalid_request', 'redirect_uri is required'))
    }
    redirectUri = client.redirectUris[0]
  } else if (client.redirectUris.includes(redirectParam)) {
    redirectUri = redirectParam
  } else {
    throw noRedirect(new OAuthError('invalid_request', 'redirect_uri is not registered for this client'))
  }
  try {
    const responseType = required(params, 'response_type')
    if (responseType !== 'code')
      throw new OAuthError('unsupported_response_type', 'response_type must be code')
    if (!client.grantTypes.includes('authorization_code')) {
      throw new OAuthError('unauthorized_client', 'this client may not use the authorization_code grant')
    }
    // OIDC Core §3.1.2.6: request objects are not supported, and saying so beats ignoring them.
    if (param(params, 'request') !== undefined)
      throw new OAuthError('request_not_supported', 'request objects are not supported')
    // RFC 9126 §2.1: a pushed request cannot itself point to another one.
    if (param(params, 'request_uri') !== undefined)
      throw new OAuthError('invalid_request', 'request_uri is not allowed in a pushed authorization request')
    if (
      how.kind === 'front_channel' &&
      (context.settings.requirePushedAuthorizationRequests || client.requirePushedAuthorizationRequests)
    )
      throw new OAuthError(
        'invalid_request',
        'authorization requests of this client must be pushed (require_pushed_authorization_requests)',
      )
    const responseMode = param(params, 'response_mode')
    if (responseMode !== undefined && responseMode !== 'query')
      throw new OAuthError('invalid_request', 'response_mode must be query')
    if (state !== undefined && state.length > MAX_PARAMETER_LENGTH)
      throw new OAuthError('invalid_request', 'state is too long')
    const prompt = parsePrompt(param(params, 'prompt'))
    const scope = parseScopeParameter(param(params, 'scope'))
    if (scope === undefined) throw new OAuthError('invalid_scope', 'scope is required')
    assertScopesAllowed(scope, scopeRegistry, client.scopes)
    const resources = resourcePolicies.parse(params.resource)
    resourcePolicies.assertScopesAccepted(resources, scope)
    const codeChallenge = param(params, 'code_challenge') ?? null
    let method = (param(params, 'code_challenge_method') ?? null) as string | null
    if (codeChallenge === null) {
      if (method !== null)
        throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge')
      if (isPublicClient(client))
        throw new OAuthError('invalid_request', 'PKCE (code_challenge) is required for public clients')
    } else {
      // RFC 7636 §4.3: the method defaults to plain.
      method ??= 'plain'
      if (method === 'S256') {
        if (!S256_CHALLENGE.test(codeChallenge))
          throw new OAuthError('invalid_request', 'code_challenge is not a base64url SHA-256 digest')
      } else if (method === 'plain') {
        if (!client.allowPlainPkce)
          throw new OAuthError('invalid_request', 'code_challenge_method must be S256')
        if (!CODE_VERIFIER.test(codeChallenge))
          throw new OAuthError('invalid_request', 'code_challenge is malformed')
      } else {
        throw new OAuthError('invalid_request', 'code_challenge_method must be S256')
      }
    }
    // RFC 6749 §4.1.1 recommends state; RFC 9700 §2.1.1 lets an S256 code_challenge carry the CSRF
    // protection instead (openid-client leaves state out when the server supports PKCE).
    if (state === undefined && (context.settings.requireState || method !== 'S256'))
      throw new OAuthError('invalid_request', 'state is required')
    const nonce = param(params, 'nonce') ?? null
    if (nonce !== null && nonce.length > 512) throw new OAuthError('invalid_request', 'nonce is too long')
    const maxAgeParam = param(params, 'max_age')
    // OIDC Core section 3.1.2.1: a non-negative integer number of seconds.
    if (maxAgeParam !== undefined && !/^\d{1,10}$/.test(maxAgeParam))
      throw new OAuthError('invalid_request', 'max_age must be a non-negative integer (seconds)')
    const maxAge = maxAgeParam === undefined ? null : Number(maxAgeParam)
    const dpopJkt = param(params, 'dpop_jkt') ?? null
    // RFC 9449 §10: base64url of a SHA-256 JWK thumbprint (RFC 7638).
    if (dpopJkt !== null && !DPOP_JKT.test(dpopJkt))
      throw new OAuthError('invalid_request', 'dpop_jkt must be a base64url SHA-256 JWK thumbprint')
    return {
      client,
      clientId,
      redirectUri,
      scope,
      state,
      codeChallenge,
      codeChallengeMethod: method as 'S256' | 'plain' | null,
      nonce,
      prompt,
      maxAge,
      resources,
      requestUriHash: how.kind === 'request_uri' ? how.requestUriHash : null,
      dpopJkt,
    }
  } catch (error) {
    if (error instanceof OAuthError && error.error !== 'temporarily_unavailable')
      throw new AuthorizationRequestError(error, { issuer, state, redirectUri })
    throw error
  }
}

/**
 * How an authorization request arrived: through the user agent, pushed by the authenticated client
 * `clientId` (RFC 9126 §2.1), or resolved from the `request_uri` of a pushed one (RFC 9126 §4).
 */
export type RequestDelivery =
  | { kind: 'front_channel' }
  | { kind: 'pushed'; clientId: string }
  | { kind: 'request_uri'; requestUriHash: string }

/**
 * The pushed request a front-channel `client_id` + `request_uri` names (RFC 9126 §4): unknown, expired,
 * consumed or another client's is `invalid_request_uri`, never redirected (the redirect URI is in the
 * pushed request, which cannot be trusted to be this client's).
 */
async function resolvePushedRequest(
  context: ServerContext,
  params: RequestParameters,
): Promise<{ parameters: RequestParameters; requestUriHash: string }> {
  const { issuer } = context
  const fail = (error: OAuthError) => new AuthorizationRequestError(error, { issuer })
  let clientId: string
  let requestUri: string
  try {
    checkCharacters(params)
    clientId = required(params, 'client_id')
    requestUri = required(params, 'request_uri')
  } catch (error) {
    throw fail(error as OAuthError)
  }
  if (!requestUri.startsWith(REQUEST_URI_URN_PREFIX))
    throw fail(new OAuthError('invalid_request_uri', 'request_uri was not issued by this server'))
  const requestUriHash = hashOpaqueToken(requestUri)
  const t = context.now()
  const pushed = await stored(() =>
    context.store.pushedAuthorizationRequests.resolve(
      requestUriHash,
      t,
      t + context.settings.pushedAuthorizationInteractionLifetime,
    ),
  )
  // One answer for unknown, expired, used and another client's: it must not confirm a guessed URI.
  if (!pushed || pushed.clientId !== clientId)
    throw fail(new OAuthError('invalid_request_uri', 'request_uri is unknown, expired or already used'))
  return { parameters: pushed.parameters, requestUriHash }
}

/** The redirect URL refusing a request (`access_denied` by default), with `state` and `iss`. */
export function denyAuthorization(
  issuer: string,
  request: AuthorizationRequest,
  error = 'access_denied',
  description = 'the end-user denied the request',
): string {
  return buildRedirect(request.redirectUri, {
    error,
    error_description: description,
    state: request.state,
    iss: issuer,
  })
}
