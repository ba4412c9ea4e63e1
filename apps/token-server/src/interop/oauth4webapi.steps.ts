import { decodeProtectedHeader } from 'jose'
import * as oauth from 'oauth4webapi'
import { expect, it } from 'vitest'
import { FormSession } from '../test-support/form-session.js'
import { expectedAtHash } from './at-hash.js'
import { INTEROP_ISSUER, type InteropServer, REDIRECT_URI, USER_SCOPE } from './interop-server.js'
import { authorizeAsEndUser } from './login-and-consent.js'

interface Party {
  client: oauth.Client
  auth: oauth.ClientAuth
}

/**
 * oauth4webapi v3 as the relying party, one test per step: every response goes through the library's
 * `process*` function, which validates it. `interop` answers the shared server of the enclosing describe.
 */
export function oauth4webapiSteps(interop: () => InteropServer): void {
  const issuer = new URL(INTEROP_ISSUER)
  // Plain HTTP on loopback: the issuer's origin reaches the server through the mapped fetch.
  const http = () => ({ [oauth.customFetch]: interop().fetch, [oauth.allowInsecureRequests]: true })
  const discover = async (algorithm: 'oidc' | 'oauth2' = 'oidc') =>
    oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm, ...http() }))
  const confidential = (
    method: 'basic' | 'post' = 'basic',
    secret = interop().confidential.clientSecret,
  ): Party => ({
    client: { client_id: interop().confidential.clientId, id_token_signed_response_alg: interop().alg },
    auth: method === 'basic' ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret),
  })
  const publicParty = (): Party => ({ client: { client_id: interop().publicClientId }, auth: oauth.None() })
  const service = (method: 'basic' | 'post', secret = interop().service.clientSecret): Party => ({
    client: { client_id: interop().service.clientId },
    auth: method === 'basic' ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret),
  })

  let session: FormSession | undefined
  const signedIn = () => {
    session ??= new FormSession(interop().baseUrl)
    return session
  }

  /** The authorization request as oauth4webapi's documentation builds it: PKCE, state and nonce. */
  const authorize = async (
    as: oauth.AuthorizationServer,
    party: Party,
    options: { session?: FormSession; consent?: 'granted' | 'denied'; prompt?: string } = {},
  ) => {
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    const url = new URL(as.authorization_endpoint ?? '')
    url.searchParams.set('client_id', party.client.client_id)
    url.searchParams.set('redirect_uri', REDIRECT_URI)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('scope', USER_SCOPE)
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
    url.searchParams.set('code_challenge_method', 'S256')
    url.searchParams.set('state', state)
    url.searchParams.set('nonce', nonce)
    if (options.prompt !== undefined) url.searchParams.set('prompt', options.prompt)
    const outcome = await authorizeAsEndUser(interop(), url, {
      ...(options.session === undefined ? {} : { session: options.session }),
      ...(options.consent === undefined ? {} : { consent: options.consent }),
    })
    return { ...outcome, verifier, state, nonce }
  }
  const redeem = async (
    as: oauth.AuthorizationServer,
    party: Party,
    flow: Awaited<ReturnType<typeof authorize>>,
    overrides: { verifier?: string; redirectUri?: string; code?: string } = {},
  ) => {
    const callback = new URL(flow.callback)
    if (overrides.code !== undefined) callback.searchParams.set('code', overrides.code)
    const parameters = oauth.validateAuthResponse(as, party.client, callback, flow.state)
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      party.client,
      party.auth,
      parameters,
      overrides.redirectUri ?? REDIRECT_URI,
      overrides.verifier ?? flow.verifier,
      http(),
    )
    const result = await oauth.processAuthorizationCodeResponse(as, party.client, response, {
      expectedNonce: flow.nonce,
      requireIdToken: true,
    })
    return { response, result }
  }
  const tokensFor = async (party: Party) => {
    const as = await discover()
    const flow = await authorize(as, party, { session: signedIn() })
    return { as, ...(await redeem(as, party, flow)) }
  }
  const refresh = async (as: oauth.AuthorizationServer, party: Party, refreshToken: string, scope?: string) =>
    oauth.processRefreshTokenResponse(
      as,
      party.client,
      await oauth.refreshTokenGrantRequest(as, party.client, party.auth, refreshToken, {
        ...http(),
        ...(scope === undefined ? {} : { additionalParameters: { scope } }),
      }),
    )
  const introspect = async (as: oauth.AuthorizationServer, party: Party, token: string) =>
    oauth.processIntrospectionResponse(
      as,
      party.client,
      await oauth.introspectionRequest(as, party.client, party.auth, token, http()),
    )
  const rejection = async (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the library to reject the response')
      },
      (e: unknown) => e,
    )
  const responseError = async (promise: Promise<unknown>) => {
    const error = await rejection(promise)
    expect(error).toBeInstanceOf(oauth.ResponseBodyError)
    return error as oauth.ResponseBodyError
  }

  it('discovery: validates /.well-known/openid-configuration', async () => {
    const as = await discover('oidc')
    expect(as.issuer).toBe(INTEROP_ISSUER)
    expect(as.code_challenge_methods_supported).toEqual(['S256'])
    expect(as.id_token_signing_alg_values_supported).toContain('RS256')
    expect(as.request_parameter_supported).toBe(false)
  })

  it('discovery: validates /.well-known/oauth-authorization-server (RFC 8414)', async () => {
    const as = await discover('oauth2')
    expect(as.issuer).toBe(INTEROP_ISSUER)
    expect(as.authorization_response_iss_parameter_supported).toBe(true)
  })

  it('client credentials with client_secret_basic', async () => {
    const as = await discover()
    const party = service('basic')
    const result = await oauth.processClientCredentialsResponse(
      as,
      party.client,
      await oauth.clientCredentialsGrantRequest(as, party.client, party.auth, { scope: 'kb:read' }, http()),
    )
    expect(result).toMatchObject({ token_type: 'bearer', scope: 'kb:read' })
    expect(decodeProtectedHeader(result.access_token).alg).toBe(interop().alg)
  })

  it('client credentials with private_key_jwt (RFC 7523)', async () => {
    const as = await discover()
    expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt')
    const { clientId, privateKey } = interop().keyedService
    const party: Party = {
      client: { client_id: clientId },
      auth: oauth.PrivateKeyJwt({ key: privateKey, kid: 'interop-key' }),
    }
    const result = await oauth.processClientCredentialsResponse(
      as,
      party.client,
      await oauth.clientCredentialsGrantRequest(as, party.client, party.auth, { scope: 'kb:read' }, http()),
    )
    expect(result.scope).toBe('kb:read')
  })

  it('client credentials with private_key_jwt, the key fetched from the client’s jwks_uri (RFC 7591)', async () => {
    const as = await discover()
    const { clientId, privateKey } = interop().publishingService
    const party: Party = {
      client: { client_id: clientId },
      auth: oauth.PrivateKeyJwt({ key: privateKey, kid: 'published-key' }),
    }
    const result = await oauth.processClientCredentialsResponse(
      as,
      party.client,
      await oauth.clientCredentialsGrantRequest(as, party.client, party.auth, { scope: 'kb:read' }, http()),
    )
    expect(result.scope).toBe('kb:read')
  })

  it('authorization code through a pushed authorization request (RFC 9126), public client', async () => {
    const as = await discover()
    const party = publicParty()
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      party.client,
      await oauth.pushedAuthorizationRequest(
        as,
        party.client,
        party.auth,
        {
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: USER_SCOPE,
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        },
        http(),
      ),
    )
    expect(pushed.expires_in).toBe(60)
    const url = new URL(as.authorization_endpoint ?? '')
    url.searchParams.set('client_id', party.client.client_id)
    url.searchParams.set('request_uri', pushed.request_uri)
    const outcome = await authorizeAsEndUser(interop(), url)
    const { result } = await redeem(as, party, { ...outcome, verifier, state, nonce })
    expect(result.scope).toBe(USER_SCOPE)
  })

  it('client credentials with client_secret_post', async () => {
    const as = await discover()
    const party = service('post')
    const result = await oauth.processClientCredentialsResponse(
      as,
      party.client,
      await oauth.clientCredentialsGrantRequest(as, party.client, party.auth, { scope: 'kb:write' }, http()),
    )
    expect(result.scope).toBe('kb:write')
    expect(result.refresh_token).toBeUndefined()
  })

  it('authorization code + PKCE S256, public client, login and consent pages over HTTP', async () => {
    const as = await discover()
    const party = publicParty()
    // A fresh browser, and prompt=login consent: both pages show whichever library ran first.
    const flow = await authorize(as, party, { prompt: 'login consent' })
    expect(flow.pages).toEqual(['login', 'consent'])
    const { result } = await redeem(as, party, flow)
    expect(result.refresh_token).toBeDefined()
    expect(result.scope).toBe(USER_SCOPE)
  })

  it('authorization code + PKCE S256, confidential client', async () => {
    const as = await discover()
    const party = confidential('basic')
    const flow = await authorize(as, party, { session: signedIn() })
    expect(flow.pages[0]).toBe('login')
    const { result } = await redeem(as, party, flow)
    expect(result.access_token).toBeDefined()
    expect(result.refresh_token).toBeDefined()
  })

  it('ID token: signature through JWKS, nonce, iss, aud validated by the library; at_hash matches', async () => {
    // RS256 unless the client registered another algorithm: the confidential client registered the server's.
    for (const [party, alg] of [
      [confidential(), interop().alg],
      [publicParty(), 'RS256'],
    ] as const) {
      const { as, response, result } = await tokensFor(party)
      await oauth.validateApplicationLevelSignature(as, response, http())
      const claims = oauth.getValidatedIdTokenClaims(result)
      expect(claims).toMatchObject({ iss: INTEROP_ISSUER, aud: party.client.client_id, sub: 'user-1' })
      expect(decodeProtectedHeader(result.id_token ?? '').alg).toBe(alg)
      expect(claims?.at_hash).toBe(expectedAtHash(result.access_token, alg))
    }
    const as = await discover()
    const party = confidential()
    const flow = await authorize(as, party, { session: signedIn() })
    const error = await rejection(redeem(as, party, { ...flow, nonce: oauth.generateRandomNonce() }))
    expect(error).toBeInstanceOf(oauth.OperationProcessingError)
    expect(error).toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, cause: { claim: 'nonce' } })
  })

  it('validateJwtAccessToken (RFC 9068) accepts the access token', async () => {
    const { as, result } = await tokensFor(confidential())
    const request = new Request('https://resource.interop.test/kb', {
      headers: { authorization: `Bearer ${result.access_token}` },
    })
    const claims = await oauth.validateJwtAccessToken(as, request, INTEROP_ISSUER, {
      ...http(),
      signingAlgorithms: [interop().alg],
    })
    expect(claims).toMatchObject({
      iss: INTEROP_ISSUER,
      sub: 'user-1',
      client_id: interop().confidential.clientId,
    })
    expect(claims.scope).toBe(USER_SCOPE)
  })

  it('refresh with rotation', async () => {
    const party = confidential()
    const { as, result } = await tokensFor(party)
    const refreshed = await refresh(as, party, result.refresh_token ?? '')
    expect(refreshed.refresh_token).toBeDefined()
    expect(refreshed.refresh_token).not.toBe(result.refresh_token)
    expect(oauth.getValidatedIdTokenClaims(refreshed)?.sub).toBe('user-1')
    // RFC 6749 §6: a narrower request narrows the access token, the rotated refresh token keeps the grant.
    const narrowed = await refresh(as, party, refreshed.refresh_token ?? '', 'kb:read')
    expect(narrowed.scope).toBe('kb:read')
    expect((await refresh(as, party, narrowed.refresh_token ?? '')).scope).toBe(USER_SCOPE)
  })

  // A public client: a confidential client's retry within the token server's reuse interval (30 s) is
  // answered with a new successor instead; a public client's second use always revokes the family.
  it('replay of a rotated refresh token: invalid_grant, and the family is revoked', async () => {
    const party = publicParty()
    const { as, result } = await tokensFor(party)
    const second = await refresh(as, party, result.refresh_token ?? '')
    const replay = await responseError(refresh(as, party, result.refresh_token ?? ''))
    expect(replay.error).toBe('invalid_grant')
    expect(replay.status).toBe(400)
    expect((await responseError(refresh(as, party, second.refresh_token ?? ''))).error).toBe('invalid_grant')
    // The access token issued with the successor is revoked with the family.
    const userinfo = await rejection(
      oauth
        .userInfoRequest(as, party.client, second.access_token, http())
        .then((response) => oauth.processUserInfoResponse(as, party.client, 'user-1', response)),
    )
    expect(userinfo).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    expect((userinfo as oauth.WWWAuthenticateChallengeError).cause[0]?.parameters.error).toBe('invalid_token')
  })

  it('revocation', async () => {
    const party = confidential()
    const { as, result } = await tokensFor(party)
    for (const token of [result.access_token, result.refresh_token ?? '']) {
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, party.client, party.auth, token, http()),
      )
      expect((await introspect(as, party, token)).active).toBe(false)
    }
    // RFC 7009 §2.1: another client's token is refused with an error the library surfaces.
    const mine = await tokensFor(party)
    const other = publicParty()
    const foreign = await responseError(
      oauth
        .revocationRequest(as, other.client, other.auth, mine.result.refresh_token ?? '', http())
        .then((response) => oauth.processRevocationResponse(response)),
    )
    expect(foreign.error).toBe('invalid_request')
    expect((await introspect(as, party, mine.result.refresh_token ?? '')).active).toBe(true)
  })

  it('introspection', async () => {
    const party = confidential('post')
    const { as, result } = await tokensFor(party)
    expect(await introspect(as, party, result.access_token)).toMatchObject({
      active: true,
      client_id: interop().confidential.clientId,
      sub: 'user-1',
      iss: INTEROP_ISSUER,
      scope: USER_SCOPE,
    })
    expect(await introspect(as, party, result.refresh_token ?? '')).toMatchObject({
      active: true,
      token_type: 'refresh_token',
    })
    expect((await introspect(as, party, 'never-issued-token-value')).active).toBe(false)
  })

  it("userinfo: sub equals the ID token's", async () => {
    const party = confidential()
    const { as, result } = await tokensFor(party)
    const sub = oauth.getValidatedIdTokenClaims(result)?.sub ?? ''
    const userinfo = await oauth.processUserInfoResponse(
      as,
      party.client,
      sub,
      await oauth.userInfoRequest(as, party.client, result.access_token, http()),
    )
    expect(userinfo).toMatchObject({ sub, email: 'alice@example.com', email_verified: true })
  })

  it('DPoP (RFC 9449): a public client binds its code, refresh and userinfo requests to its key', async () => {
    const as = await discover()
    expect(as.dpop_signing_alg_values_supported).toContain('ES256')
    const party = publicParty()
    const DPoP = oauth.DPoP(party.client, await oauth.generateKeyPair('ES256'))
    const flow = await authorize(as, party, { session: signedIn() })
    const parameters = oauth.validateAuthResponse(as, party.client, new URL(flow.callback), flow.state)
    const result = await oauth.processAuthorizationCodeResponse(
      as,
      party.client,
      await oauth.authorizationCodeGrantRequest(
        as,
        party.client,
        party.auth,
        parameters,
        REDIRECT_URI,
        flow.verifier,
        { ...http(), DPoP },
      ),
      { expectedNonce: flow.nonce, requireIdToken: true },
    )
    expect(result.token_type.toLowerCase()).toBe('dpop')
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      party.client,
      await oauth.refreshTokenGrantRequest(as, party.client, party.auth, result.refresh_token ?? '', {
        ...http(),
        DPoP,
      }),
    )
    expect(refreshed.token_type.toLowerCase()).toBe('dpop')
    // The refresh token is bound to the key: without a proof it is refused.
    const unbound = await responseError(refresh(as, party, refreshed.refresh_token ?? ''))
    expect(unbound.error).toBe('invalid_grant')
    const sub = oauth.getValidatedIdTokenClaims(result)?.sub ?? ''
    const userinfo = await oauth.processUserInfoResponse(
      as,
      party.client,
      sub,
      await oauth.userInfoRequest(as, party.client, refreshed.access_token, { ...http(), DPoP }),
    )
    expect(userinfo).toMatchObject({ sub })
    // A DPoP-guarded API of the server (RFC 9449 §7): the personal access tokens of the end-user.
    const listed = await oauth.protectedResourceRequest(
      refreshed.access_token,
      'GET',
      new URL(`${INTEROP_ISSUER}${interop().server.paths.personalAccessTokens}`),
      undefined,
      undefined,
      { ...http(), DPoP },
    )
    expect(listed.status).toBe(200)
    expect(await listed.json()).toEqual({ personal_access_tokens: [] })
  })

  it('consent denied: validateAuthResponse surfaces access_denied', async () => {
    const as = await discover()
    const party = confidential()
    const flow = await authorize(as, party, { session: signedIn(), consent: 'denied', prompt: 'consent' })
    expect(flow.pages).toContain('consent')
    let error: unknown
    try {
      oauth.validateAuthResponse(as, party.client, flow.callback, flow.state)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError)
    expect((error as oauth.AuthorizationResponseError).error).toBe('access_denied')
  })

  it('error: wrong client secret with client_secret_basic is a 401 Basic challenge carrying invalid_client', async () => {
    const as = await discover()
    const party = service('basic', 'not-the-secret-of-this-client')
    const response = await oauth.clientCredentialsGrantRequest(as, party.client, party.auth, {}, http())
    const error = await rejection(oauth.processClientCredentialsResponse(as, party.client, response))
    // RFC 6749 §5.2: with HTTP Basic, 401 and WWW-Authenticate; the library reports the challenge.
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    const challenge = error as oauth.WWWAuthenticateChallengeError
    expect(challenge.status).toBe(401)
    expect(challenge.cause[0]?.scheme).toBe('basic')
    expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('error: wrong client secret with client_secret_post is invalid_client', async () => {
    const as = await discover()
    const party = service('post', 'not-the-secret-of-this-client')
    const error = await responseError(
      oauth
        .clientCredentialsGrantRequest(as, party.client, party.auth, {}, http())
        .then((response) => oauth.processClientCredentialsResponse(as, party.client, response)),
    )
    expect(error.error).toBe('invalid_client')
    expect(error.status).toBe(401)
  })

  it('error: a bad authorization code is invalid_grant', async () => {
    const as = await discover()
    const party = confidential()
    const flow = await authorize(as, party, { session: signedIn() })
    const error = await responseError(redeem(as, party, flow, { code: 'not-a-code-this-server-issued' }))
    expect(error.error).toBe('invalid_grant')
  })

  it('error: a bad PKCE verifier is invalid_grant', async () => {
    const as = await discover()
    const party = confidential()
    const flow = await authorize(as, party, { session: signedIn() })
    const error = await responseError(
      redeem(as, party, flow, { verifier: oauth.generateRandomCodeVerifier() }),
    )
    expect(error.error).toBe('invalid_grant')
  })

  it('error: a redirect_uri other than the authorization request’s is invalid_grant', async () => {
    const as = await discover()
    const party = confidential()
    const flow = await authorize(as, party, { session: signedIn() })
    const error = await responseError(
      redeem(as, party, flow, { redirectUri: 'http://127.0.0.1:9/other-callback' }),
    )
    expect(error.error).toBe('invalid_grant')
  })
}
