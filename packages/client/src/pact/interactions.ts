import type { PactV3, TemplateHeaders, V3Request, V3Response } from '@pact-foundation/pact'
import {
  basicAuthorization,
  bearerTokenType,
  type ConfidentialClientParams,
  consumerPact,
  EXAMPLE,
  EXAMPLE_NOW_MS,
  FORM_CONTENT_TYPE,
  fetchThroughMockServer,
  formBody,
  INJECTED,
  jsonContentType,
  matchersFor,
  ROUTES,
  STATES,
  tokenResponseHeaders,
} from '@pipeshub/contracts'
import {
  ClientCredentialsTokenRequestWire,
  OAuthErrorResponseWire,
  OAuthTokenResponseWire,
  RefreshTokenRequestWire,
} from '@pipeshub/models'
import { expect } from 'vitest'
import { OAuthClient, type OAuthClientOptions, OAuthError } from '../index.js'

// The shapes of interaction the consumer tests share, written once so that each test states only
// what makes its interaction different (grant, form fields, provider state, error).

/** The confidential client every contract test authenticates as (RFC 6749 §2.1). */
export const CONFIDENTIAL_CLIENT: ConfidentialClientParams = {
  clientId: EXAMPLE.clientId,
  clientSecret: EXAMPLE.clientSecret,
  scopes: EXAMPLE.scopes.user.split(' '),
  redirectUris: [EXAMPLE.redirectUri],
  grantTypes: [
    'authorization_code',
    'client_credentials',
    'refresh_token',
    'urn:ietf:params:oauth:grant-type:device_code',
  ],
}

/** A pact whose provider has the example confidential client registered. */
export function pactWithConfidentialClient(): PactV3 {
  return consumerPact().given(STATES.confidentialClientExists, { ...CONFIDENTIAL_CLIENT })
}

/** The real client, talking to the Pact mock server at a fixed clock and without retries. */
export function clientAgainst(
  mockServerUrl: string,
  metadata: OAuthClientOptions['metadata'],
  clientSecret: string = EXAMPLE.clientSecret,
): OAuthClient {
  return new OAuthClient({
    metadata,
    clientId: EXAMPLE.clientId,
    clientSecret,
    fetch: fetchThroughMockServer(mockServerUrl),
    now: () => EXAMPLE_NOW_MS,
    retry: false,
  })
}

/**
 * A form POST authenticated with client_secret_basic (RFC 6749 §2.3.1), as the client sends to the
 * token, revocation and introspection endpoints.
 */
export function clientAuthenticatedPost(
  path: string,
  body: V3Request['body'],
  clientSecret: string = EXAMPLE.clientSecret,
): V3Request {
  return {
    method: 'POST',
    path,
    headers: {
      Accept: 'application/json',
      'Content-Type': FORM_CONTENT_TYPE,
      Authorization: basicAuthorization(EXAMPLE.clientId, clientSecret),
    },
    body,
  }
}

/** The form fields of a client_credentials token request (RFC 6749 §4.4.2) for this scope. */
export function clientCredentialsRequest(scope: string) {
  return formBody(ClientCredentialsTokenRequestWire, { grant_type: 'client_credentials', scope })
}

/**
 * The user grant behind the example refresh token (`STATES.refreshTokenIssued`): no `openid`, so a
 * refresh issues no ID token.
 */
export const REFRESH_GRANT = {
  clientId: EXAMPLE.clientId,
  subject: EXAMPLE.subject,
  scope: EXAMPLE.scopes.refreshable,
}

/** The form fields of a refresh of the example refresh token (RFC 6749 §6), narrowed to `scope` if given. */
export function refreshRequest(scope?: string) {
  return formBody(
    RefreshTokenRequestWire,
    {
      grant_type: 'refresh_token',
      refresh_token: EXAMPLE.refreshToken,
      ...(scope === undefined ? {} : { scope }),
    },
    { refresh_token: INJECTED.refreshToken },
  )
}

/** A token request (RFC 6749 §3.2) with these form fields. */
export function tokenRequest(body: V3Request['body'], clientSecret?: string): V3Request {
  return clientAuthenticatedPost(ROUTES.token, body, clientSecret)
}

/** A JSON response with status 200. */
export function jsonResponse(body: unknown): V3Response {
  return { status: 200, headers: { 'Content-Type': jsonContentType() }, body }
}

type TokenResponseExample = Parameters<typeof matchersFor<typeof OAuthTokenResponseWire>>[1]

/**
 * A successful token response (RFC 6749 §5.1) issuing the example access token as a Bearer token
 * with the example lifetime, plus `members` (refresh token, scope, ID token). Members are compared
 * by shape unless listed in `exact`; `token_type` as this client accepts it.
 */
export function tokenResponse(
  members: Omit<TokenResponseExample, 'access_token' | 'token_type' | 'expires_in'>,
  exact?: readonly string[],
): V3Response {
  const example: TokenResponseExample = {
    access_token: EXAMPLE.accessToken,
    token_type: 'Bearer',
    expires_in: EXAMPLE.expiresIn,
    ...members,
  }
  return {
    status: 200,
    headers: tokenResponseHeaders(),
    body: matchersFor(OAuthTokenResponseWire, example, {
      ...(exact === undefined ? {} : { exact }),
      overrides: { '/token_type': bearerTokenType() },
    }),
  }
}

/**
 * The `error_description` the mock answers. The provider's own text is matched by type only (RFC 6749
 * §5.2 leaves its words to the server), but the member must be there: the client surfaces it.
 */
export const EXAMPLE_ERROR_DESCRIPTION = 'the server explains the error here'

/** An error response (RFC 6749 §5.2) with this `error` code and an `error_description`. */
export function oauthErrorResponse(error: string, status = 400, headers: TemplateHeaders = {}): V3Response {
  return {
    status,
    headers: { 'Content-Type': jsonContentType(), ...headers },
    body: matchersFor(
      OAuthErrorResponseWire,
      { error, error_description: EXAMPLE_ERROR_DESCRIPTION },
      { exact: ['/error'] },
    ),
  }
}

/**
 * The call fails with an OAuthError carrying this `error` code, HTTP status and the response's
 * `error_description` (what a developer reads when a call fails).
 */
export async function expectOAuthError(
  promise: Promise<unknown>,
  error: string,
  status: number,
): Promise<OAuthError> {
  const thrown = await promise.then(
    () => expect.unreachable('the call succeeded'),
    (reason: unknown) => reason,
  )
  expect(thrown).toBeInstanceOf(OAuthError)
  expect(thrown).toMatchObject({ error, status, errorDescription: EXAMPLE_ERROR_DESCRIPTION })
  expect((thrown as OAuthError).message).toContain(EXAMPLE_ERROR_DESCRIPTION)
  return thrown as OAuthError
}
