import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discover } from '../discovery.js'
import {
  IdTokenValidationError,
  OAuthError,
  ReauthorizationRequiredError,
  ResponseValidationError,
} from '../errors.js'
import type { FetchLike } from '../http.js'
import { OAuthClient } from '../oauth-client.js'
import {
  ACCESS_TOKEN_TYPE,
  ACCOUNT,
  ALGORITHM_CLIENTS,
  API_RESOURCE,
  CONFIDENTIAL_CLIENT,
  ID_TOKEN_ALGORITHMS,
  PUBLIC_CLIENT,
  REDIRECT_URI,
  type RunningOidcProvider,
  SERVICE_CLIENT,
  startOidcProvider,
  TOKEN_EXCHANGE_GRANT,
  TTL,
} from '../test-support/node-oidc-provider.js'
import { UserAgent } from '../test-support/user-agent.js'
import { createTokenManager } from '../token-manager.js'
import type { TokenResponse } from '../token-response.js'

// @pipeshub/client against an independent authorization server: node-oidc-provider (the
// `oidc-provider` package, OpenID Certified) on loopback. Steps run in order and share the tokens
// of earlier steps; each names the call and the rule it proves.

let op: RunningOidcProvider
/** Token endpoint requests, counted for the token manager steps. */
let tokenRequests = 0
const counting: FetchLike = (input, init) => {
  if (new URL(String(input)).pathname === '/token') tokenRequests++
  return fetch(input, init)
}

const SIGN_IN_SCOPE = 'openid profile email offline_access'

beforeAll(async () => {
  op = await startOidcProvider()
})

afterAll(async () => {
  await op?.close()
  // node-oidc-provider reports its own failures as events, not answers: none may have happened.
  expect(op?.serverErrors ?? []).toEqual([])
})

function confidential(): Promise<OAuthClient> {
  return OAuthClient.fromIssuer(op.issuer, { ...CONFIDENTIAL_CLIENT, fetch: counting })
}

interface FlowOptions {
  consent?: 'allow' | 'deny'
  /** OIDC `max_age`: the ID token then carries `auth_time`, which the client checks. */
  maxAgeSeconds?: number
}

/** The authorization code flow up to the checked callback: login and consent over plain HTTP. */
async function authorize(client: OAuthClient, scope: string, options: FlowOptions = {}) {
  const extraParameters: Record<string, string> = {}
  // OIDC Core §11: offline_access is honoured only with prompt=consent (node-oidc-provider drops it otherwise).
  if (scope.split(' ').includes('offline_access')) extraParameters.prompt = 'consent'
  if (options.maxAgeSeconds !== undefined) extraParameters.max_age = String(options.maxAgeSeconds)
  const request = await client.createAuthorizationRequest({
    redirectUri: REDIRECT_URI,
    scope,
    extraParameters,
  })
  const trip = await new UserAgent(REDIRECT_URI).authorize(request.url, {
    login: ACCOUNT.sub,
    consent: options.consent ?? 'allow',
  })
  return { request, trip }
}

async function signIn(
  client: OAuthClient,
  scope = SIGN_IN_SCOPE,
  options: FlowOptions = {},
): Promise<TokenResponse> {
  const { request, trip } = await authorize(client, scope, options)
  const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
  return client.exchangeAuthorizationCode({
    code,
    redirectUri: REDIRECT_URI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
    maxAgeSeconds: options.maxAgeSeconds,
  })
}

/** The call fails with an `OAuthError` carrying this RFC 6749 §5.2 code and HTTP status. */
async function expectOAuthError(call: Promise<unknown>, error: string, status: number): Promise<void> {
  const failure = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(failure).toBeInstanceOf(OAuthError)
  expect(failure).toMatchObject({ error, status })
}

/** RFC 6749 §5.2: a refresh token that was rotated out or revoked answers invalid_grant. */
function expectRefreshRefused(client: OAuthClient, refreshToken: string | undefined): Promise<void> {
  return expectOAuthError(client.refresh({ refreshToken: refreshToken as string }), 'invalid_grant', 400)
}

describe('@pipeshub/client against node-oidc-provider', () => {
  let signedIn: TokenResponse
  let rotated: TokenResponse

  it('discover: RFC 8414 metadata, its issuer identical to the one asked for', async () => {
    const fetched: string[] = []
    const metadata = await discover(op.issuer, {
      fetch: (input, init) => {
        fetched.push(new URL(String(input)).pathname)
        return fetch(input, init)
      },
    })
    expect(fetched).toEqual(['/.well-known/oauth-authorization-server'])
    expect(metadata).toMatchObject({
      issuer: op.issuer,
      authorizationEndpoint: `${op.issuer}/auth`,
      tokenEndpoint: `${op.issuer}/token`,
      jwksUri: `${op.issuer}/jwks`,
      userinfoEndpoint: `${op.issuer}/me`,
      revocationEndpoint: `${op.issuer}/token/revocation`,
      introspectionEndpoint: `${op.issuer}/token/introspection`,
      authorizationResponseIssParameterSupported: true,
    })
    expect(metadata.codeChallengeMethodsSupported).toEqual(['S256'])
    expect(metadata.grantTypesSupported).toEqual(
      expect.arrayContaining([
        'authorization_code',
        'refresh_token',
        'client_credentials',
        TOKEN_EXCHANGE_GRANT,
      ]),
    )
    await expect(discover(`${op.issuer}/`)).rejects.toBeInstanceOf(ResponseValidationError)
  })

  it('discover and fromIssuer with the issuer as a URL object (its href ends in "/", the issuer does not)', async () => {
    await expect(discover(new URL(op.issuer))).resolves.toMatchObject({ issuer: op.issuer })
    const client = await OAuthClient.fromIssuer(new URL(op.issuer), SERVICE_CLIENT)
    expect(client.metadata.issuer).toBe(op.issuer)
    await expect(client.clientCredentials({ scope: 'api:read' })).resolves.toMatchObject({
      scope: 'api:read',
    })
  })

  it('clientCredentials with client_secret_basic (a secret with ":", "+", "%" and "/")', async () => {
    const client = await confidential()
    const tokens = await client.clientCredentials({ scope: 'api:read' })
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'api:read', expiresIn: TTL.ClientCredentials })
    expect(tokens.refreshToken).toBeUndefined()
    expect(tokens.raw.access_token).toBe(tokens.accessToken)
  })

  it('clientCredentials with client_secret_post', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, SERVICE_CLIENT)
    const tokens = await client.clientCredentials({ scope: ['api:read', 'api:write'] })
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'api:read api:write' })
  })

  it('clientCredentials with extraParameters resource (RFC 8707): a JWT access token for that audience', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, SERVICE_CLIENT)
    const tokens = await client.clientCredentials({
      scope: 'api:write',
      extraParameters: { resource: API_RESOURCE },
    })
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'api:write' })
    expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' })
    expect(decodeJwt(tokens.accessToken)).toMatchObject({
      iss: op.issuer,
      aud: API_RESOURCE,
      client_id: SERVICE_CLIENT.clientId,
      scope: 'api:write',
    })
    await expectOAuthError(
      client.clientCredentials({ extraParameters: { resource: 'https://unknown.example/' } }),
      'invalid_target',
      400,
    )
  })

  it('a wrong client secret is an OAuthError invalid_client (401, with the Basic challenge of RFC 6749 §5.2)', async () => {
    const post = await OAuthClient.fromIssuer(op.issuer, { ...SERVICE_CLIENT, clientSecret: 'not-it' })
    const error = await post.clientCredentials().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OAuthError)
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 })
    const basic = await OAuthClient.fromIssuer(op.issuer, { ...CONFIDENTIAL_CLIENT, clientSecret: 'not-it' })
    const challenged = (await basic.clientCredentials().catch((e: unknown) => e)) as OAuthError
    expect(challenged).toMatchObject({ error: 'invalid_client', status: 401 })
    expect(challenged.wwwAuthenticate[0]).toMatchObject({ scheme: 'basic' })
  })

  it('a scope the client may not have is an OAuthError invalid_scope', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, SERVICE_CLIENT)
    await expectOAuthError(client.clientCredentials({ scope: 'offline_access' }), 'invalid_scope', 400)
  })

  it('a grant type the client is not registered for is an OAuthError (invalid_request, not RFC 6749 unauthorized_client)', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, SERVICE_CLIENT)
    // node-oidc-provider departs from RFC 6749 §5.2 here (docs/decisions.md); the client reports what it says.
    await expectOAuthError(client.refresh({ refreshToken: 'any' }), 'invalid_request', 400)
  })

  it('createAuthorizationRequest + validateAuthorizationCallback: login and consent, then code, state and iss', async () => {
    const client = await confidential()
    const { request, trip } = await authorize(client, SIGN_IN_SCOPE)
    expect(trip.prompts).toEqual(['login', 'consent'])
    expect(request.url.searchParams.get('code_challenge_method')).toBe('S256')
    const callback = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    expect(callback).toMatchObject({ state: request.state, iss: op.issuer })
    expect(callback.code).not.toBe('')
  })

  it('exchangeAuthorizationCode (confidential client, PKCE S256, max_age): tokens and an RS256 ID token verified', async () => {
    signedIn = await signIn(await confidential(), SIGN_IN_SCOPE, { maxAgeSeconds: 300 })
    expect(signedIn).toMatchObject({ tokenType: 'Bearer', scope: SIGN_IN_SCOPE })
    expect(signedIn.refreshToken).toBeDefined()
    expect(decodeProtectedHeader(signedIn.idToken as string).alg).toBe(ID_TOKEN_ALGORITHMS.confidential)
    expect(signedIn.idTokenClaims).toMatchObject({
      iss: op.issuer,
      sub: ACCOUNT.sub,
      aud: CONFIDENTIAL_CLIENT.clientId,
    })
    expect(signedIn.idTokenClaims?.nonce).toBeDefined()
    expect(signedIn.idTokenClaims?.authTime).toBeTypeOf('number')
  })

  it.each(ALGORITHM_CLIENTS)(
    'exchangeAuthorizationCode: an ID token signed $idTokenSigningAlgorithm is verified against the JWKS',
    async ({ clientId, idTokenSigningAlgorithm }) => {
      const client = await OAuthClient.fromIssuer(op.issuer, { clientId })
      const tokens = await signIn(client, 'openid')
      expect(decodeProtectedHeader(tokens.idToken as string).alg).toBe(idTokenSigningAlgorithm)
      expect(tokens.idTokenClaims).toMatchObject({ aud: clientId, sub: ACCOUNT.sub })
    },
  )

  it('validateIdToken: the nonce of another request is refused (IdTokenValidationError, claim nonce)', async () => {
    const client = await confidential()
    const idToken = signedIn.idToken as string
    await expect(
      client.validateIdToken(idToken, { accessToken: signedIn.accessToken }),
    ).resolves.toMatchObject({ sub: ACCOUNT.sub })
    const error = await client.validateIdToken(idToken, { nonce: 'another-nonce' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IdTokenValidationError)
    expect(error).toMatchObject({ claim: 'nonce' })
  })

  it('a code redeemed twice is an OAuthError invalid_grant', async () => {
    const client = await confidential()
    const { request, trip } = await authorize(client, 'openid')
    const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    const exchange = { code, redirectUri: REDIRECT_URI, codeVerifier: request.codeVerifier }
    await client.exchangeAuthorizationCode(exchange)
    await expectOAuthError(client.exchangeAuthorizationCode(exchange), 'invalid_grant', 400)
  })

  it('a wrong PKCE code_verifier is an OAuthError invalid_grant', async () => {
    const client = await confidential()
    const { request, trip } = await authorize(client, 'openid')
    const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    await expectOAuthError(
      client.exchangeAuthorizationCode({ code, redirectUri: REDIRECT_URI, codeVerifier: 'x'.repeat(43) }),
      'invalid_grant',
      400,
    )
  })

  it('a redirect_uri other than the request one is an OAuthError invalid_grant', async () => {
    const client = await confidential()
    const { request, trip } = await authorize(client, 'openid')
    const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    await expectOAuthError(
      client.exchangeAuthorizationCode({
        code,
        redirectUri: 'http://127.0.0.1/elsewhere',
        codeVerifier: request.codeVerifier,
      }),
      'invalid_grant',
      400,
    )
  })

  it('a denied consent comes back as an OAuthError access_denied from validateAuthorizationCallback', async () => {
    const client = await confidential()
    const { request, trip } = await authorize(client, 'openid', { consent: 'deny' })
    let error: unknown
    try {
      client.validateAuthorizationCallback(trip.callback, { state: request.state })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(OAuthError)
    expect(error).toMatchObject({ error: 'access_denied', status: undefined })
  })

  it('prompt=none without a session comes back as an OAuthError login_required (OIDC Core §3.1.2.6)', async () => {
    const client = await confidential()
    const request = await client.createAuthorizationRequest({
      redirectUri: REDIRECT_URI,
      scope: 'openid',
      extraParameters: { prompt: 'none' },
    })
    const trip = await new UserAgent(REDIRECT_URI).authorize(request.url, {
      login: ACCOUNT.sub,
      consent: 'allow',
    })
    expect(trip.prompts).toEqual([])
    expect(() => client.validateAuthorizationCallback(trip.callback, { state: request.state })).toThrow(
      expect.objectContaining({ error: 'login_required', status: undefined }),
    )
  })

  it('userinfo: the claims of the granted scopes for the ID token subject', async () => {
    const client = await confidential()
    const claims = await client.userinfo(signedIn.accessToken, {
      expectedSubject: signedIn.idTokenClaims?.sub,
    })
    expect(claims).toMatchObject({
      sub: ACCOUNT.sub,
      name: ACCOUNT.name,
      email: ACCOUNT.email,
      emailVerified: true,
    })
    await expect(
      client.userinfo(signedIn.accessToken, { expectedSubject: 'someone-else' }),
    ).rejects.toBeInstanceOf(ResponseValidationError)
  })

  it('userinfo with an unknown access token is an OAuthError invalid_token (401, RFC 6750 §3)', async () => {
    const client = await confidential()
    await expectOAuthError(client.userinfo('not-a-token'), 'invalid_token', 401)
  })

  it('introspect: the access token and the refresh token are active, with their client and subject', async () => {
    const client = await confidential()
    await expect(
      client.introspect({ token: signedIn.accessToken, tokenTypeHint: 'access_token' }),
    ).resolves.toMatchObject({
      active: true,
      clientId: CONFIDENTIAL_CLIENT.clientId,
      sub: ACCOUNT.sub,
      iss: op.issuer,
      tokenType: 'Bearer',
      scope: SIGN_IN_SCOPE,
    })
    await expect(
      client.introspect({ token: signedIn.refreshToken as string, tokenTypeHint: 'refresh_token' }),
    ).resolves.toMatchObject({ active: true, clientId: CONFIDENTIAL_CLIENT.clientId, sub: ACCOUNT.sub })
    await expect(client.introspect({ token: 'not-a-token' })).resolves.toEqual({ active: false })
  })

  it('introspect and revoke of a JWT (the ID token) are OAuthError unsupported_token_type', async () => {
    const client = await confidential()
    // RFC 7009 §2.2.1 defines this error for revocation; for introspection RFC 7662 §2.2 asks for
    // { active: false } instead: a node-oidc-provider departure (docs/decisions.md).
    await expectOAuthError(
      client.introspect({ token: signedIn.idToken as string }),
      'unsupported_token_type',
      400,
    )
    await expectOAuthError(
      client.revoke({ token: signedIn.idToken as string }),
      'unsupported_token_type',
      400,
    )
  })

  it('refresh: rotation issues a new refresh token, the ID token is the same authentication (OIDC Core §12.2)', async () => {
    const client = await confidential()
    rotated = await client.refresh({
      refreshToken: signedIn.refreshToken as string,
      originalIdTokenClaims: signedIn.idTokenClaims,
    })
    expect(rotated.refreshToken).toBeDefined()
    expect(rotated.refreshToken).not.toBe(signedIn.refreshToken)
    expect(rotated.accessToken).not.toBe(signedIn.accessToken)
    expect(rotated.idTokenClaims).toMatchObject({
      sub: ACCOUNT.sub,
      authTime: signedIn.idTokenClaims?.authTime,
    })
  })

  it('refresh with a narrower scope narrows the access token (RFC 6749 §6)', async () => {
    const client = await confidential()
    const narrowed = await client.refresh({ refreshToken: rotated.refreshToken as string, scope: 'openid' })
    expect(narrowed.scope).toBe('openid')
    await expect(client.introspect({ token: narrowed.accessToken })).resolves.toMatchObject({
      active: true,
      scope: 'openid',
    })
    await expectOAuthError(
      client.refresh({ refreshToken: narrowed.refreshToken as string, scope: 'openid api:write' }),
      'invalid_scope',
      400,
    )
    rotated = narrowed
  })

  it('refresh with a rotated-out refresh token is an OAuthError invalid_grant and revokes the grant', async () => {
    const client = await confidential()
    await expectRefreshRefused(client, signedIn.refreshToken)
    // RFC 9700 §4.14.2: the reuse revokes the whole family, the latest refresh token included.
    await expect(client.introspect({ token: rotated.refreshToken as string })).resolves.toEqual({
      active: false,
    })
  })

  it('revoke: an access token, then it introspects inactive; an unknown token is still 200 (RFC 7009 §2.2)', async () => {
    const client = await confidential()
    const tokens = await signIn(client)
    await client.revoke({ token: tokens.accessToken, tokenTypeHint: 'access_token' })
    await expect(client.introspect({ token: tokens.accessToken })).resolves.toEqual({ active: false })
    await expectOAuthError(client.userinfo(tokens.accessToken), 'invalid_token', 401)
    await expect(client.revoke({ token: 'never-issued' })).resolves.toBeUndefined()
  })

  it('revoke: a token issued to another client is an OAuthError invalid_request (RFC 7009 §2.1), and stays active', async () => {
    const service = await OAuthClient.fromIssuer(op.issuer, SERVICE_CLIENT)
    const othersToken = await service.clientCredentials({ scope: 'api:read' })
    const client = await confidential()
    await expectOAuthError(client.revoke({ token: othersToken.accessToken }), 'invalid_request', 400)
    await expect(service.introspect({ token: othersToken.accessToken })).resolves.toMatchObject({
      active: true,
    })
  })

  it('revoke: a refresh token, then refresh is an OAuthError invalid_grant', async () => {
    const client = await confidential()
    const tokens = await signIn(client)
    await client.revoke({ token: tokens.refreshToken as string, tokenTypeHint: 'refresh_token' })
    await expectRefreshRefused(client, tokens.refreshToken)
  })

  it('public client (authentication none): code flow with PKCE, an EdDSA ID token, refresh rotation', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, PUBLIC_CLIENT)
    expect(client.clientAuthentication).toBe('none')
    const tokens = await signIn(client, 'openid profile offline_access')
    expect(decodeProtectedHeader(tokens.idToken as string).alg).toBe(ID_TOKEN_ALGORITHMS.public)
    expect(tokens.idTokenClaims).toMatchObject({ aud: PUBLIC_CLIENT.clientId, sub: ACCOUNT.sub })
    const refreshed = await client.refresh({
      refreshToken: tokens.refreshToken as string,
      originalIdTokenClaims: tokens.idTokenClaims,
    })
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken)
    await expectRefreshRefused(client, tokens.refreshToken)
  })

  it('public client: introspect and revoke its own tokens with client_id only', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, PUBLIC_CLIENT)
    const tokens = await signIn(client, 'openid offline_access')
    await expect(client.introspect({ token: tokens.accessToken })).resolves.toMatchObject({
      active: true,
      clientId: PUBLIC_CLIENT.clientId,
    })
    await client.revoke({ token: tokens.refreshToken as string, tokenTypeHint: 'refresh_token' })
    await expectRefreshRefused(client, tokens.refreshToken)
  })

  it('public client: a code exchange without the code_verifier is an OAuthError invalid_grant (PKCE)', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, PUBLIC_CLIENT)
    const { request, trip } = await authorize(client, 'openid')
    const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    // RFC 7636 §4.6: the challenge of the request is not matched, so the grant is invalid.
    await expectOAuthError(
      client.exchangeAuthorizationCode({ code, redirectUri: REDIRECT_URI, codeVerifier: '' }),
      'invalid_grant',
      400,
    )
  })

  it('grant (RFC 6749 §4.5): an RFC 8693 token exchange registered with node-oidc-provider', async () => {
    const client = await confidential()
    const subject = await client.clientCredentials({ scope: 'api:read' })
    const exchanged = await client.grant(
      TOKEN_EXCHANGE_GRANT,
      { subject_token: subject.accessToken, subject_token_type: ACCESS_TOKEN_TYPE },
      { idempotent: true },
    )
    expect(exchanged).toMatchObject({ tokenType: 'Bearer', scope: 'api:read' })
    expect(exchanged.raw.issued_token_type).toBe(ACCESS_TOKEN_TYPE)
    await expect(client.introspect({ token: exchanged.accessToken })).resolves.toMatchObject({ active: true })
  })

  it('grant: an invalid subject_token is an OAuthError invalid_grant, an unknown grant unsupported_grant_type', async () => {
    const client = await confidential()
    await expectOAuthError(
      client.grant(TOKEN_EXCHANGE_GRANT, { subject_token: 'forged', subject_token_type: ACCESS_TOKEN_TYPE }),
      'invalid_grant',
      400,
    )
    await expectOAuthError(
      client.grant('urn:example:unsupported', { assertion: 'x' }),
      'unsupported_grant_type',
      400,
    )
  })

  it('token manager (client_credentials): cached, single-flight, refreshed after expiry', async () => {
    const clock = { now: Date.now() }
    const client = await confidential()
    const manager = createTokenManager({
      client,
      grant: 'client_credentials',
      scope: 'api:read',
      now: () => clock.now,
    })
    tokenRequests = 0
    const concurrent = await Promise.all(Array.from({ length: 50 }, () => manager.getAccessToken()))
    expect(new Set(concurrent).size).toBe(1)
    expect(tokenRequests).toBe(1)
    expect(await manager.getAccessToken()).toBe(concurrent[0])
    expect(tokenRequests).toBe(1)
    // 30 s (the default skew) before the token's expires_in runs out, the manager renews it.
    clock.now += (TTL.ClientCredentials - 29) * 1000
    const renewed = await manager.getAccessToken()
    expect(renewed).not.toBe(concurrent[0])
    expect(tokenRequests).toBe(2)
    await expect(client.introspect({ token: renewed })).resolves.toMatchObject({ active: true })
  })

  it('token manager (refresh token): rotation persisted, single-flight, invalid_grant ends the session, setRefreshToken starts anew', async () => {
    const clock = { now: Date.now() }
    const client = await confidential()
    const initial = await signIn(client)
    const persisted: string[] = []
    const manager = createTokenManager({
      client,
      grant: { refreshToken: initial.refreshToken as string, originalIdTokenClaims: initial.idTokenClaims },
      onRefreshTokenRotated: (refreshToken) => {
        persisted.push(refreshToken)
      },
      now: () => clock.now,
    })
    tokenRequests = 0
    const first = await Promise.all(Array.from({ length: 50 }, () => manager.getAccessToken()))
    expect(new Set(first).size).toBe(1)
    expect(tokenRequests).toBe(1)
    expect(persisted).toHaveLength(1)
    clock.now += TTL.AccessToken * 1000
    const second = await manager.getAccessToken()
    expect(second).not.toBe(first[0])
    expect(tokenRequests).toBe(2)
    expect(persisted).toHaveLength(2)
    await expect(client.userinfo(second)).resolves.toMatchObject({ sub: ACCOUNT.sub })

    // The refresh token the manager holds is revoked elsewhere: the next renewal ends the session.
    await client.revoke({ token: persisted[1] as string, tokenTypeHint: 'refresh_token' })
    manager.invalidate()
    const ended = await manager.getAccessToken().catch((e: unknown) => e)
    expect(ended).toBeInstanceOf(ReauthorizationRequiredError)
    expect((ended as ReauthorizationRequiredError).cause).toMatchObject({ error: 'invalid_grant' })
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    expect(tokenRequests).toBe(3)

    // A new sign-in starts a new session in the same manager.
    const again = await signIn(client)
    manager.setRefreshToken(again.refreshToken as string, again.idTokenClaims)
    tokenRequests = 0
    await expect(client.userinfo(await manager.getAccessToken())).resolves.toMatchObject({ sub: ACCOUNT.sub })
    expect(tokenRequests).toBe(1)
  })
})
