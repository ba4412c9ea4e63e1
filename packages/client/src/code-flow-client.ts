import type { IdTokenClaims } from '@pipeshub/models'
import { formatScope, parseScope } from '@pipeshub/models/codecs'
import { type AuthorizationCallback, checkAuthorizationCallback } from './authorization-callback.js'
import type { ClientAssertionSigner } from './client-assertion.js'
import { applyClientAuthentication, type ClientAuthenticationMethod } from './client-authentication.js'
import { type DiscoveryOptions, discover, type ServerMetadata } from './discovery.js'
import type { DPoPKey } from './dpop.js'
import { IdTokenValidationError } from './errors.js'
import {
  assertOk,
  type CallOptions,
  type HttpRequest,
  type HttpResponse,
  type PreparedRequest,
  send,
  type Transport,
} from './http.js'
import { DEFAULT_ID_TOKEN_ALGORITHMS, validateIdToken } from './id-token.js'
import { IssuerKeySet } from './jwks.js'
import type {
  AuthorizationCallbackParameters,
  AuthorizationCodeParameters,
  AuthorizationRequest,
  AuthorizationRequestParameters,
  CodeFlowClientOptions,
  IdTokenValidationParameters,
  RefreshParameters,
  Scope,
} from './oauth-client.js'
import { codeChallengeS256, generateCodeVerifier, randomToken } from './pkce.js'
import { checkRefreshedIdToken } from './refreshed-id-token.js'
import { appendResource } from './resource.js'
import { attachIdTokenClaims, decodeTokenEndpointResponse, type TokenResponse } from './token-response.js'
import { createTransport } from './transport-options.js'

export function scopeString(scope: Scope): string {
  return typeof scope === 'string' ? scope : formatScope(scope)
}

export function endpoint(metadata: ServerMetadata, name: keyof ServerMetadata, wireName: string): URL {
  const value = metadata[name]
  if (typeof value !== 'string')
    throw new TypeError(`the server metadata has no ${wireName} (metadata.${name})`)
  try {
    return new URL(value)
  } catch (error) {
    throw new TypeError(`metadata.${name} (${wireName}) is not an absolute URL: ${value}`, { cause: error })
  }
}

const CLIENT_AUTHENTICATION_METHODS: readonly string[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
] satisfies readonly ClientAuthenticationMethod[]

function defaultClientAuthentication(
  options: CodeFlowClientOptions & { privateKeyJwt?: unknown },
): ClientAuthenticationMethod {
  if (options.clientSecret !== undefined) return 'client_secret_basic'
  return options.privateKeyJwt === undefined ? 'none' : 'private_key_jwt'
}

/**
 * The authorization code flow with PKCE, the callback check, refresh and ID token validation, for one
 * authorization server: what a browser app signing its user in calls, and nothing else, so that a
 * bundler ships only that. `OAuthClient` extends it with every other endpoint and `private_key_jwt`.
 * Every response is validated against the `@pipeshub/models` schemas; every failure is a typed error.
 */
export class CodeFlowClient {
  readonly metadata: ServerMetadata
  readonly clientId: string
  readonly clientAuthentication: ClientAuthenticationMethod
  /** @internal The fetch, timeout, retry and clock every request of this client goes through. */
  protected readonly transport: Transport
  /** @internal */
  protected readonly dpop: DPoPKey | undefined
  readonly #clientSecret: string | undefined
  readonly #assertionSigner: ClientAssertionSigner | undefined
  readonly #clockToleranceSeconds: number
  readonly #idTokenAlgorithms: readonly string[]
  #keys: IssuerKeySet | undefined

  constructor(options: CodeFlowClientOptions) {
    if (typeof options.metadata?.issuer !== 'string') throw new TypeError('metadata.issuer is required')
    if (typeof options.clientId !== 'string' || options.clientId === '')
      throw new TypeError('clientId is required')
    this.metadata = options.metadata
    this.clientId = options.clientId
    this.#clientSecret = options.clientSecret
    this.clientAuthentication = options.clientAuthentication ?? defaultClientAuthentication(options)
    // A method this client does not implement would otherwise send no credentials at all.
    if (!CLIENT_AUTHENTICATION_METHODS.includes(this.clientAuthentication)) {
      throw new TypeError(
        `clientAuthentication must be ${CLIENT_AUTHENTICATION_METHODS.join(', ')}; got ${String(this.clientAuthentication)}`,
      )
    }
    if (this.clientAuthentication === 'private_key_jwt') {
      this.#assertionSigner = this.clientAssertionSigner(options)
    } else if (this.clientAuthentication !== 'none' && options.clientSecret === undefined) {
      throw new TypeError(`${this.clientAuthentication} needs a clientSecret`)
    }
    this.dpop = options.dpop
    const dpopAlgorithms = options.metadata.dpopSigningAlgValuesSupported
    // RFC 9449 §5.1: a proof in an algorithm the server does not list would be refused on every request.
    if (
      this.dpop !== undefined &&
      dpopAlgorithms !== undefined &&
      !dpopAlgorithms.includes(this.dpop.algorithm)
    ) {
      throw new TypeError(
        `the server does not accept DPoP proofs signed ${this.dpop.algorithm} (dpop_signing_alg_values_supported: ${dpopAlgorithms.join(', ')})`,
      )
    }
    this.transport = createTransport(options)
    this.#clockToleranceSeconds = options.clockToleranceSeconds ?? 60
    const advertised = options.metadata.idTokenSigningAlgValuesSupported?.filter(
      (alg) => alg !== 'none' && !alg.startsWith('HS'),
    )
    this.#idTokenAlgorithms =
      options.idTokenSigningAlgorithms ??
      (advertised !== undefined && advertised.length > 0 ? advertised : DEFAULT_ID_TOKEN_ALGORITHMS)
  }

  /**
   * @internal The signer of `private_key_jwt` assertions: only `OAuthClient` has one, so that jose's
   * signing code stays out of a bundle that never signs.
   */
  protected clientAssertionSigner(_options: CodeFlowClientOptions): ClientAssertionSigner {
    throw new TypeError('private_key_jwt needs OAuthClient (CodeFlowClient does not sign client assertions)')
  }

  /** Discovers the server's metadata (see `discover`) and builds a client for it. */
  static async fromIssuer(
    issuer: string | URL,
    options: Omit<CodeFlowClientOptions, 'metadata'> & Pick<DiscoveryOptions, 'signal'>,
  ): Promise<CodeFlowClient> {
    const metadata = await discover(issuer, options)
    return new CodeFlowClient({ ...options, metadata })
  }

  /**
   * RFC 6749 §4.1.1 with PKCE S256 (RFC 7636) and an OIDC `nonce`: the URL to send the user agent to,
   * and the values to keep until the callback. All random values come from WebCrypto.
   */
  async createAuthorizationRequest(
    parameters: AuthorizationRequestParameters,
  ): Promise<AuthorizationRequest> {
    if (this.metadata.requirePushedAuthorizationRequests === true) {
      throw new TypeError(
        'the server accepts only pushed authorization requests (require_pushed_authorization_requests): use pushAuthorizationRequest',
      )
    }
    const url = endpoint(this.metadata, 'authorizationEndpoint', 'authorization_endpoint')
    const { query, request } = await this.authorizationParameters(parameters)
    // RFC 9449 §10: binds the authorization code to the DPoP key, so only its holder can redeem it.
    if (this.dpop !== undefined) query.set('dpop_jkt', this.dpop.thumbprint)
    // RFC 6749 §3.1: the endpoint URL may carry its own query, which must be kept.
    for (const name of new Set(query.keys())) url.searchParams.delete(name)
    for (const [name, value] of query) url.searchParams.append(name, value)
    return { url, ...request }
  }

  protected async authorizationParameters(
    parameters: AuthorizationRequestParameters,
  ): Promise<{ query: URLSearchParams; request: Omit<AuthorizationRequest, 'url'> }> {
    const state = parameters.state ?? randomToken()
    const nonce = parameters.nonce ?? randomToken()
    const codeVerifier = parameters.codeVerifier ?? generateCodeVerifier()
    const codeChallenge = await codeChallengeS256(codeVerifier)
    const query = new URLSearchParams(parameters.extraParameters)
    query.set('response_type', 'code')
    query.set('client_id', this.clientId)
    query.set('redirect_uri', parameters.redirectUri)
    if (parameters.scope !== undefined) query.set('scope', scopeString(parameters.scope))
    query.set('state', state)
    query.set('nonce', nonce)
    query.set('code_challenge', codeChallenge)
    query.set('code_challenge_method', 'S256')
    appendResource(query, parameters.resource)
    // RFC 9126 §2.1: a pushed request must not itself refer to a request_uri.
    query.delete('request_uri')
    return {
      query,
      request: {
        state,
        nonce,
        codeVerifier,
        codeChallenge,
        redirectUri: parameters.redirectUri,
        resource: query.getAll('resource'),
      },
    }
  }

  /**
   * Checks the redirect back to `redirectUri`: `iss` (RFC 9207) when present or promised, `state`,
   * then the error (thrown as `OAuthError`) or the code.
   */
  validateAuthorizationCallback(
    callback: URL | string | URLSearchParams,
    parameters: AuthorizationCallbackParameters,
  ): AuthorizationCallback {
    return checkAuthorizationCallback(callback, {
      issuer: this.metadata.issuer,
      state: parameters.state,
      requireIssuer: this.metadata.authorizationResponseIssParameterSupported === true,
    })
  }

  /**
   * RFC 6749 §4.1.3: redeems an authorization code. Never retried: a code is single-use, and a
   * second attempt would make the server revoke what the first one issued (RFC 6749 §4.1.2).
   * An ID token in the response is validated (signature and claims) before anything is returned.
   */
  async exchangeAuthorizationCode(parameters: AuthorizationCodeParameters): Promise<TokenResponse> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: parameters.code,
      redirect_uri: parameters.redirectUri,
      code_verifier: parameters.codeVerifier,
    })
    appendResource(body, parameters.resource)
    const response = this.decodeTokens(await this.tokenRequest(body, parameters, false))
    // OIDC Core §3.1.3.3: a code flow that granted openid returns an ID token; its absence would
    // silently skip the nonce check the caller asked for.
    if (
      response.idToken === undefined &&
      parameters.nonce !== undefined &&
      response.scope !== undefined &&
      parseScope(response.scope).includes('openid')
    ) {
      throw new IdTokenValidationError(
        'openid was granted but the token response has no id_token',
        'id_token',
      )
    }
    await this.checkIdToken(response, parameters.nonce, parameters.maxAgeSeconds)
    return response
  }

  /**
   * RFC 6749 §6: a new access token (and, with rotation, a new refresh token) for a refresh token.
   * Re-sent only after a 429: a refresh token that rotates is single-use.
   */
  async refresh(parameters: RefreshParameters): Promise<TokenResponse> {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: parameters.refreshToken })
    if (parameters.scope !== undefined) body.set('scope', scopeString(parameters.scope))
    appendResource(body, parameters.resource)
    // A rotating refresh token is single-use: after a lost response or a 5xx the server may have
    // rotated it, and presenting it again revokes its whole family (RFC 9700 §4.14).
    const response = this.decodeTokens(await this.tokenRequest(body, parameters, 'unprocessed'))
    await this.checkIdToken(response, undefined, undefined)
    if (response.idTokenClaims !== undefined && parameters.originalIdTokenClaims !== undefined) {
      checkRefreshedIdToken(parameters.originalIdTokenClaims, response.idTokenClaims)
    }
    return response
  }

  /**
   * Validates an ID token obtained elsewhere (OIDC Core §3.1.3.7): signature against the issuer's
   * JWKS, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce` when given, and `at_hash` against `accessToken`
   * when both are there (OIDC Core §3.1.3.8).
   */
  validateIdToken(idToken: string, expected: IdTokenValidationParameters = {}): Promise<IdTokenClaims> {
    this.#keys ??= new IssuerKeySet(this.transport, endpoint(this.metadata, 'jwksUri', 'jwks_uri'))
    return validateIdToken(idToken, this.#keys, {
      issuer: this.metadata.issuer,
      clientId: this.clientId,
      algorithms: this.#idTokenAlgorithms,
      clockToleranceSeconds: this.#clockToleranceSeconds,
      now: this.transport.now(),
      nonce: expected.nonce,
      maxAgeSeconds: expected.maxAgeSeconds,
      accessToken: expected.accessToken,
    })
  }

  protected async checkIdToken(
    response: TokenResponse,
    nonce: string | undefined,
    maxAgeSeconds: number | undefined,
  ): Promise<void> {
    if (response.idToken === undefined) return
    attachIdTokenClaims(
      response,
      await this.validateIdToken(response.idToken, {
        nonce,
        maxAgeSeconds,
        accessToken: response.accessToken,
      }),
    )
  }

  /** A token response; `DPoP` tokens are accepted when this client has a DPoP key (RFC 9449 §5). */
  protected decodeTokens(result: HttpResponse): TokenResponse {
    return decodeTokenEndpointResponse(result, { dpop: this.dpop !== undefined })
  }

  protected tokenRequest(
    body: URLSearchParams,
    call: CallOptions,
    retryable: HttpRequest['retryable'],
  ): Promise<HttpResponse> {
    return this.authenticatedPost(
      endpoint(this.metadata, 'tokenEndpoint', 'token_endpoint'),
      body,
      call,
      retryable,
      true,
    ).then((result) => {
      assertOk(result)
      return result
    })
  }

  /**
   * A POST to an endpoint that authenticates the client. With `withDPoP` (the token and PAR endpoints,
   * RFC 9449 §§5, 10.1) and a DPoP key, each attempt carries a new proof.
   */
  protected authenticatedPost(
    url: URL,
    body: URLSearchParams,
    call: CallOptions,
    retryable: HttpRequest['retryable'],
    withDPoP: boolean,
  ): Promise<HttpResponse> {
    const base: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    }
    const dpop = withDPoP ? this.dpop : undefined
    const credentials = {
      clientId: this.clientId,
      clientSecret: this.#clientSecret,
      method: this.clientAuthentication,
      assertionSigner: this.#assertionSigner,
    }
    const prepare = async (): Promise<PreparedRequest> => {
      const headers = { ...base }
      const attemptBody = new URLSearchParams(body)
      const now = this.transport.now()
      await applyClientAuthentication(credentials, headers, attemptBody, now)
      if (dpop !== undefined) headers.dpop = await dpop.proof({ method: 'POST', url, now })
      return { headers, body: attemptBody }
    }
    return send(this.transport, { url, method: 'POST', headers: base, body, retryable, prepare, dpop }, call)
  }
}
