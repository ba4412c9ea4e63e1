import type {
  DeviceAuthorizationResponse,
  IdTokenClaims,
  IntrospectionResponse,
  UserInfoResponse,
} from '@pipeshub/models'
import {
  deviceAuthorizationResponseCodec,
  introspectionResponseCodec,
  isDPoPTokenType,
  pushedAuthorizationResponseCodec,
  userInfoResponseCodec,
} from '@pipeshub/models/codecs'
import { ClientAssertionSigner, type PrivateKeyJwtOptions } from './client-assertion.js'
import type { ClientAuthenticationMethod } from './client-authentication.js'
import { CodeFlowClient, endpoint, scopeString } from './code-flow-client.js'
import { type DevicePollingOptions, pollUntilAuthorized } from './device-polling.js'
import { type DiscoveryOptions, discover, type ServerMetadata } from './discovery.js'
import type { DPoPKey } from './dpop.js'
import { type EndSessionParameters, endSessionUrl } from './end-session.js'
import { ResponseValidationError } from './errors.js'
import {
  type ExtensionGrantOptions,
  type ExtensionGrantParameters,
  extensionGrantBody,
} from './extension-grant.js'
import {
  assertOk,
  type CallOptions,
  decodeJson,
  type HttpRequest,
  type PreparedRequest,
  send,
} from './http.js'
import { type WithRaw, withRaw } from './raw.js'
import { appendResource, type Resource } from './resource.js'
import type { TokenResponse } from './token-response.js'
import type { TransportOptions } from './transport-options.js'

/** Scope as the RFC's space-delimited string, or as a list of scope tokens. */
export type Scope = string | readonly string[]

/** `CodeFlowClient`'s options: `OAuthClient`'s without `privateKeyJwt`. */
export interface CodeFlowClientOptions extends TransportOptions {
  /** The server: from `discover()`, or written by hand (`issuer` plus the endpoints you call). */
  metadata: ServerMetadata
  clientId: string
  /** The client secret of a confidential client. */
  clientSecret?: string | undefined
  /**
   * Default: `client_secret_basic` when there is a secret, `private_key_jwt` with `privateKeyJwt`
   * (`OAuthClient` only), else `none` (a public client).
   */
  clientAuthentication?: ClientAuthenticationMethod | undefined
  /**
   * DPoP (RFC 9449): proofs of possession of this key go with every token and PAR request, the server
   * binds the tokens it issues to the key (`token_type: DPoP`), and `userinfo` and
   * `fetchProtectedResource` present them with a proof. `DPoPKey.generate()` makes one.
   */
  dpop?: DPoPKey | undefined
  /** Clock skew allowed when checking ID token times, in seconds. Default 60. */
  clockToleranceSeconds?: number | undefined
  /**
   * Algorithms accepted for ID token signatures. Default: the server's
   * `id_token_signing_alg_values_supported` without `none` and HS*, else the asymmetric JWS algorithms.
   */
  idTokenSigningAlgorithms?: readonly string[] | undefined
}

export interface OAuthClientOptions extends CodeFlowClientOptions {
  /**
   * `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): the client authenticates with a JWT
   * signed by this key, registered with the server as its public JWK. No secret is ever sent.
   */
  privateKeyJwt?: PrivateKeyJwtOptions | undefined
}

export interface ClientCredentialsParameters extends CallOptions {
  scope?: Scope | undefined
  /** RFC 8707: the resource server(s) the token is for; sent as one `resource` parameter each. */
  resource?: Resource | undefined
  /** Further token request parameters (e.g. RFC 8707 `resource`); cannot replace the grant's own. */
  extraParameters?: Readonly<Record<string, string>> | undefined
}

export interface AuthorizationRequestParameters {
  /** Absolute redirect URI registered for this client; use the same one in the code exchange. */
  redirectUri: string
  scope?: Scope | undefined
  /** Default: 32 random bytes from WebCrypto, base64url. */
  state?: string | undefined
  /** Default: 32 random bytes from WebCrypto, base64url. */
  nonce?: string | undefined
  /** Default: a fresh RFC 7636 verifier from WebCrypto. */
  codeVerifier?: string | undefined
  /** RFC 8707: the resource server(s) the tokens will be for (the MCP server, an API); repeat it in the code exchange. */
  resource?: Resource | undefined
  /** Further query parameters (`prompt`, `login_hint`, `max_age`, ...); cannot replace the ones above. */
  extraParameters?: Readonly<Record<string, string>> | undefined
}

/** `pushAuthorizationRequest`'s parameters: the authorization request's, and the call's. */
export interface PushedAuthorizationRequestParameters extends AuthorizationRequestParameters, CallOptions {}

export interface DeviceAuthorizationParameters extends CallOptions {
  scope?: Scope | undefined
  /** RFC 8707: the resource server(s) the tokens will be for. */
  resource?: Resource | undefined
  /** Further request parameters; cannot replace the ones above or client authentication. */
  extraParameters?: Readonly<Record<string, string>> | undefined
}

/** Everything to keep (server side or in session storage) until the callback arrives. */
export interface AuthorizationRequest {
  /** Send the user agent here. */
  readonly url: URL
  readonly state: string
  readonly nonce: string
  readonly codeVerifier: string
  readonly codeChallenge: string
  readonly redirectUri: string
  /** The RFC 8707 resources requested (empty when none): pass them to the code exchange. */
  readonly resource: readonly string[]
}

/** An authorization request pushed to the server first (RFC 9126): `url` carries only its `request_uri`. */
export interface PushedAuthorizationRequest extends AuthorizationRequest {
  /** The single-use reference the server gave for the pushed parameters (RFC 9126 §2.2). */
  readonly requestUri: string
  /** Seconds within which the user agent must reach `url`. */
  readonly expiresIn: number
}

/** An access token and its type, as a `TokenResponse` carries them (pass the response itself). */
export interface AccessTokenCredential {
  readonly accessToken: string
  /** `Bearer` or `DPoP` (RFC 9449 §5). Default: `DPoP` when the client has a DPoP key, else `Bearer`. */
  readonly tokenType?: string | undefined
}

/** `fetchProtectedResource`'s request: `fetch`'s, minus what the client decides (redirects, the signal). */
export interface ProtectedResourceRequest extends CallOptions {
  /** Default `GET`. */
  method?: string | undefined
  headers?: Readonly<Record<string, string>> | undefined
  /** A body that can be sent twice (the DPoP nonce retry resends it). */
  body?: string | URLSearchParams | undefined
}

export interface AuthorizationCallbackParameters {
  /** The `state` returned by `createAuthorizationRequest`. */
  state: string
}

export interface AuthorizationCodeParameters extends CallOptions {
  code: string
  /** The redirect URI of the authorization request, identical. */
  redirectUri: string
  /** The PKCE verifier of the authorization request. */
  codeVerifier: string
  /** The nonce of the authorization request; the ID token must carry it. */
  nonce?: string | undefined
  /** OIDC `max_age` sent in the authorization request, checked against `auth_time`. */
  maxAgeSeconds?: number | undefined
  /** RFC 8707: the resource(s) of the authorization request the token is for (all of them, or some). */
  resource?: Resource | undefined
}

export interface RefreshParameters extends CallOptions {
  refreshToken: string
  /** Optional narrowing of the scope (RFC 6749 §6); never wider than originally granted. */
  scope?: Scope | undefined
  /** RFC 8707: some of the resources originally granted, for the new access token. */
  resource?: Resource | undefined
  /**
   * The claims of the ID token issued when the End-User signed in (`tokens.idTokenClaims` of the code
   * exchange). An ID token in the refresh response must then have the same `iss`, `sub`, `aud` and
   * `azp`, the same `auth_time` and no other `nonce` (OIDC Core §12.2).
   */
  originalIdTokenClaims?: IdTokenClaims | undefined
}

/** RFC 7009 §2.1 / RFC 7662 §2.1 `token_type_hint` values. */
export type TokenTypeHint = 'access_token' | 'refresh_token' | (string & {})

export interface RevocationParameters extends CallOptions {
  token: string
  tokenTypeHint?: TokenTypeHint | undefined
}

export interface IntrospectionParameters extends CallOptions {
  token: string
  tokenTypeHint?: TokenTypeHint | undefined
}

/** What `validateIdToken` checks beyond the issuer, the audience and the times. */
export interface IdTokenValidationParameters {
  /** The nonce of the authorization request; the token must carry it exactly. */
  nonce?: string | undefined
  /** OIDC `max_age` of the authorization request, checked against `auth_time`. */
  maxAgeSeconds?: number | undefined
  /** The access token issued with the ID token, checked against its `at_hash` when present. */
  accessToken?: string | undefined
}

export interface UserInfoParameters extends CallOptions {
  /** OIDC Core §5.3.2: the `sub` of the ID token; a userinfo answer for another subject is refused. */
  expectedSubject?: string | undefined
}

function credentialOf(credential: string | AccessTokenCredential): AccessTokenCredential {
  return typeof credential === 'string' ? { accessToken: credential } : credential
}

/**
 * An OAuth 2.0 / OpenID Connect client of one authorization server: the code flow of `CodeFlowClient`
 * and every other endpoint. Every response is validated against the `@pipeshub/models` schemas before
 * it is returned; every failure is a typed error.
 */
export class OAuthClient extends CodeFlowClient {
  /** Discovers the server's metadata (see `discover`) and builds a client for it. */
  static override async fromIssuer(
    issuer: string | URL,
    options: Omit<OAuthClientOptions, 'metadata'> & Pick<DiscoveryOptions, 'signal'>,
  ): Promise<OAuthClient> {
    const metadata = await discover(issuer, options)
    return new OAuthClient({ ...options, metadata })
  }

  constructor(options: OAuthClientOptions) {
    super(options)
  }

  protected override clientAssertionSigner(options: OAuthClientOptions): ClientAssertionSigner {
    if (options.privateKeyJwt === undefined) throw new TypeError('private_key_jwt needs privateKeyJwt.key')
    return new ClientAssertionSigner(options.clientId, options.metadata.issuer, options.privateKeyJwt)
  }

  /** RFC 6749 §4.4: a token for the client itself. */
  async clientCredentials(parameters: ClientCredentialsParameters = {}): Promise<TokenResponse> {
    const body = new URLSearchParams(parameters.extraParameters)
    body.set('grant_type', 'client_credentials')
    if (parameters.scope !== undefined) body.set('scope', scopeString(parameters.scope))
    appendResource(body, parameters.resource)
    return this.decodeTokens(await this.tokenRequest(body, parameters, true))
  }

  /**
   * RFC 9126: pushes the authorization request (the same parameters as `createAuthorizationRequest`,
   * PKCE S256, state and nonce) to the server's pushed authorization request endpoint, authenticated
   * like a token request and, with a DPoP key, with a proof that binds the code to it (RFC 9449
   * §10.1). The URL to send the user agent to then carries only `client_id` and the `request_uri` the
   * server answered (RFC 9126 §4): the parameters never travel through the browser.
   */
  async pushAuthorizationRequest(
    parameters: PushedAuthorizationRequestParameters,
  ): Promise<PushedAuthorizationRequest> {
    const parEndpoint = endpoint(
      this.metadata,
      'pushedAuthorizationRequestEndpoint',
      'pushed_authorization_request_endpoint',
    )
    const url = endpoint(this.metadata, 'authorizationEndpoint', 'authorization_endpoint')
    const { query, request } = await this.authorizationParameters(parameters)
    // A fresh request_uri per attempt is harmless: retried like an idempotent request.
    const result = await this.authenticatedPost(parEndpoint, query, parameters, true, true)
    assertOk(result)
    if (result.response.status !== 201) {
      throw new ResponseValidationError(
        pushedAuthorizationResponseCodec.name,
        [
          {
            path: '',
            keyword: 'status',
            message: `must be 201 Created (RFC 9126 §2.2), got ${result.response.status}`,
          },
        ],
        { status: result.response.status, response: result.response },
      )
    }
    const { model } = decodeJson(pushedAuthorizationResponseCodec, result)
    for (const name of ['client_id', 'request_uri']) url.searchParams.delete(name)
    url.searchParams.append('client_id', this.clientId)
    url.searchParams.append('request_uri', model.requestUri)
    return { url, ...request, requestUri: model.requestUri, expiresIn: model.expiresIn }
  }

  /**
   * RFC 6749 §4.5: a token request with an extension grant (`urn:ietf:params:oauth:grant-type:jwt-bearer`,
   * `urn:ietf:params:oauth:grant-type:token-exchange`, ...), authenticated like every token request,
   * answered and checked like the others (an ID token in the response is validated).
   * Retried after network errors and 5xx only when `options.idempotent` is true, since the grant's
   * parameters may be single-use; otherwise re-sent only after a 429 (the server did not process it).
   * Grants with their own method (`authorization_code`, `refresh_token`, `client_credentials`) are
   * refused here, so their checks cannot be skipped.
   */
  async grant(
    grantType: string,
    parameters: ExtensionGrantParameters = {},
    options: ExtensionGrantOptions = {},
  ): Promise<TokenResponse> {
    const body = extensionGrantBody(grantType, parameters)
    const response = this.decodeTokens(
      await this.tokenRequest(body, options, options.idempotent === true ? true : 'unprocessed'),
    )
    await this.checkIdToken(response, undefined, undefined)
    return response
  }

  /**
   * RFC 8628 §3.1-§3.2: starts the device flow. Show the user `userCode` and `verificationUri` (or
   * `verificationUriComplete` as a link or QR code), then call `pollDeviceAuthorization()` with the
   * result. The request is authenticated like a token request (a public client sends its `client_id`).
   */
  async deviceAuthorization(
    parameters: DeviceAuthorizationParameters = {},
  ): Promise<WithRaw<DeviceAuthorizationResponse>> {
    const url = endpoint(this.metadata, 'deviceAuthorizationEndpoint', 'device_authorization_endpoint')
    const body = new URLSearchParams(parameters.extraParameters)
    if (parameters.scope !== undefined) body.set('scope', scopeString(parameters.scope))
    appendResource(body, parameters.resource)
    // Retrying is harmless: a device code nobody polls for just expires.
    const result = await this.authenticatedPost(url, body, parameters, true, false)
    assertOk(result)
    const { model, raw } = decodeJson(deviceAuthorizationResponseCodec, result)
    return withRaw(model, raw as Readonly<Record<string, unknown>>)
  }

  /**
   * RFC 8628 §3.4-§3.5: polls the token endpoint with the device code until the user has approved,
   * waiting `interval` seconds (5 when absent) before each poll and 5 more after each `slow_down`.
   * Resolves with the tokens (an ID token is validated); rejects with `DeviceAuthorizationDeniedError`
   * (`access_denied`), `DeviceAuthorizationExpiredError` (`expired_token`, or `expires_in` passed), the
   * `signal`'s reason when aborted, or any other error as usual. A poll is re-sent only after a 429:
   * a device code is single-use once the tokens are issued.
   */
  async pollDeviceAuthorization(
    authorization: Pick<DeviceAuthorizationResponse, 'deviceCode' | 'expiresIn' | 'interval'>,
    options: DevicePollingOptions = {},
  ): Promise<TokenResponse> {
    if (typeof authorization?.deviceCode !== 'string' || authorization.deviceCode === '')
      throw new TypeError('authorization.deviceCode is required (the result of deviceAuthorization())')
    if (!Number.isFinite(authorization.expiresIn) || authorization.expiresIn <= 0)
      throw new RangeError('authorization.expiresIn must be a number of seconds > 0')
    const response = await pollUntilAuthorized(
      authorization,
      async () => {
        const body = new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: authorization.deviceCode,
        })
        return this.decodeTokens(await this.tokenRequest(body, options, 'unprocessed'))
      },
      this.transport.now,
      options,
    )
    await this.checkIdToken(response, undefined, undefined)
    return response
  }

  /**
   * OpenID Connect RP-Initiated Logout 1.0 §2: the URL of the server's `end_session_endpoint` to send
   * the browser to, with this client's `client_id` (see `endSessionUrl`).
   */
  endSessionUrl(parameters: EndSessionParameters = {}): URL {
    return endSessionUrl(this.metadata, this.clientId, parameters)
  }

  /** RFC 7009: revokes a token. Resolves when the server answered 200 (also for unknown tokens). */
  async revoke(parameters: RevocationParameters): Promise<void> {
    const url = endpoint(this.metadata, 'revocationEndpoint', 'revocation_endpoint')
    const body = new URLSearchParams({ token: parameters.token })
    if (parameters.tokenTypeHint !== undefined) body.set('token_type_hint', parameters.tokenTypeHint)
    assertOk(await this.authenticatedPost(url, body, parameters, true, false))
  }

  /** RFC 7662: the state of a token. An inactive token resolves to `{ active: false }`, never throws. */
  async introspect(parameters: IntrospectionParameters): Promise<WithRaw<IntrospectionResponse>> {
    const url = endpoint(this.metadata, 'introspectionEndpoint', 'introspection_endpoint')
    const body = new URLSearchParams({ token: parameters.token })
    if (parameters.tokenTypeHint !== undefined) body.set('token_type_hint', parameters.tokenTypeHint)
    const result = await this.authenticatedPost(url, body, parameters, true, false)
    assertOk(result)
    const { model, raw } = decodeJson(introspectionResponseCodec, result)
    return withRaw(model, raw as Readonly<Record<string, unknown>>)
  }

  /**
   * OIDC Core §5.3: the claims about the End-User an access token with `openid` may read. Pass the
   * token response (or `{ accessToken, tokenType }`): a DPoP-bound token goes with a proof (RFC 9449 §7).
   */
  async userinfo(
    accessToken: string | AccessTokenCredential,
    parameters: UserInfoParameters = {},
  ): Promise<WithRaw<UserInfoResponse>> {
    const url = endpoint(this.metadata, 'userinfoEndpoint', 'userinfo_endpoint')
    const result = await send(
      this.transport,
      this.#resourceRequest(
        url,
        'GET',
        credentialOf(accessToken),
        { accept: 'application/json' },
        undefined,
        true,
      ),
      parameters,
    )
    assertOk(result)
    const { model, raw } = decodeJson(userInfoResponseCodec, result)
    if (parameters.expectedSubject !== undefined && model.sub !== parameters.expectedSubject) {
      throw new ResponseValidationError(
        userInfoResponseCodec.name,
        [{ path: '/sub', keyword: 'const', message: 'must be the subject of the ID token' }],
        { status: result.response.status, response: result.response },
      )
    }
    return withRaw(model, raw as Readonly<Record<string, unknown>>)
  }

  /**
   * A request to a protected resource with an access token (RFC 6750 §2.1, or RFC 9449 §7 for a
   * DPoP-bound token: `Authorization: DPoP`, a proof with `ath`, and one retry when the resource server
   * asks for a nonce, §9). Resolves with the resource server's response whatever its status, body
   * unread; not retried otherwise (the request may not be idempotent). Redirects are not followed.
   */
  async fetchProtectedResource(
    url: string | URL,
    accessToken: string | AccessTokenCredential,
    request: ProtectedResourceRequest = {},
  ): Promise<Response> {
    const target = new URL(url)
    const { response } = await send(
      this.transport,
      {
        ...this.#resourceRequest(
          target,
          request.method ?? 'GET',
          credentialOf(accessToken),
          request.headers ?? {},
          request.body,
          false,
        ),
        readBody: false,
      },
      request,
    )
    return response
  }

  #resourceRequest(
    url: URL,
    method: string,
    credential: AccessTokenCredential,
    headers: Readonly<Record<string, string>>,
    body: string | URLSearchParams | undefined,
    retryable: boolean,
  ): HttpRequest {
    const dpop = this.dpop
    const bound =
      credential.tokenType === undefined ? dpop !== undefined : isDPoPTokenType(credential.tokenType)
    if (!bound || dpop === undefined) {
      if (bound)
        throw new TypeError('a DPoP-bound access token needs the DPoP key it is bound to (options.dpop)')
      return {
        url,
        method,
        headers: { ...headers, authorization: `Bearer ${credential.accessToken}` },
        body,
        retryable,
      }
    }
    const prepare = async (): Promise<PreparedRequest> => ({
      headers: {
        ...headers,
        authorization: `DPoP ${credential.accessToken}`,
        dpop: await dpop.proof({
          method,
          url,
          accessToken: credential.accessToken,
          now: this.transport.now(),
        }),
      },
      body,
    })
    return { url, method, headers, body, retryable, prepare, dpop }
  }
}
