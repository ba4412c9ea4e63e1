import { decodeProtectedHeader } from 'jose'
import * as client from 'openid-client'
import { expect, it } from 'vitest'
import { FormSession, hiddenFields } from '../test-support/form-session.js'
import { expectedAtHash } from './at-hash.js'
import {
  INTEROP_ISSUER,
  type InteropServer,
  POST_LOGOUT_REDIRECT_URI,
  REDIRECT_URI,
  USER_SCOPE,
} from './interop-server.js'
import { authorizeAsEndUser, verifyDeviceAsEndUser } from './login-and-consent.js'

type Configure = (config: client.Configuration) => void

/**
 * openid-client v6 as the relying party, one test per step, used as its documentation shows: discovery
 * then the grant functions. `interop` answers the shared server of the enclosing describe.
 */
export function openidClientSteps(interop: () => InteropServer): void {
  const discover = (
    clientId: string,
    auth: client.ClientAuth,
    options: {
      algorithm?: 'oidc' | 'oauth2'
      execute?: Configure[]
      metadata?: Partial<client.ClientMetadata>
    } = {},
  ) =>
    client.discovery(new URL(INTEROP_ISSUER), clientId, options.metadata, auth, {
      [client.customFetch]: interop().fetch,
      ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
      // Plain HTTP on loopback; the ID token's signature is checked through the JWKS on every grant.
      execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks, ...(options.execute ?? [])],
    })
  const confidentialConfig = (
    auth: 'basic' | 'post' = 'basic',
    secret = interop().confidential.clientSecret,
  ) =>
    discover(
      interop().confidential.clientId,
      auth === 'basic' ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret),
      { metadata: { id_token_signed_response_alg: interop().alg } },
    )
  const publicConfig = () => discover(interop().publicClientId, client.None())
  const serviceConfig = (auth: 'basic' | 'post', secret = interop().service.clientSecret) =>
    discover(
      interop().service.clientId,
      auth === 'basic' ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret),
    )

  // The quick-start of openid-client: PKCE, and no state when the server supports PKCE.
  const codeFlow = async (
    config: client.Configuration,
    options: { session?: FormSession; scope?: string; consent?: 'granted' | 'denied'; prompt?: string } = {},
  ) => {
    const verifier = client.randomPKCECodeVerifier()
    const nonce = client.randomNonce()
    const parameters: Record<string, string> = {
      redirect_uri: REDIRECT_URI,
      scope: options.scope ?? USER_SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    }
    if (options.prompt !== undefined) parameters.prompt = options.prompt
    expect(config.serverMetadata().supportsPKCE()).toBe(true)
    const url = client.buildAuthorizationUrl(config, parameters)
    const outcome = await authorizeAsEndUser(interop(), url, {
      ...(options.session === undefined ? {} : { session: options.session }),
      ...(options.consent === undefined ? {} : { consent: options.consent }),
    })
    return { ...outcome, verifier, nonce }
  }
  let session: FormSession | undefined
  const signedIn = () => {
    session ??= new FormSession(interop().baseUrl)
    return session
  }
  const tokensFor = async (config: client.Configuration) => {
    const flow = await codeFlow(config, { session: signedIn() })
    return client.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    })
  }
  const responseError = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(client.ResponseBodyError)
    return error as client.ResponseBodyError
  }

  it('discovery: validates /.well-known/openid-configuration', async () => {
    const config = await discover(interop().publicClientId, client.None())
    const metadata = config.serverMetadata()
    expect(metadata.issuer).toBe(INTEROP_ISSUER)
    expect(metadata.id_token_signing_alg_values_supported).toContain('RS256')
    expect(metadata.request_uri_parameter_supported).toBe(false)
    expect(metadata.supportsPKCE()).toBe(true)
  })

  it('discovery: validates /.well-known/oauth-authorization-server (RFC 8414)', async () => {
    const config = await discover(interop().publicClientId, client.None(), { algorithm: 'oauth2' })
    expect(config.serverMetadata()).toMatchObject({
      issuer: INTEROP_ISSUER,
      token_endpoint: `${INTEROP_ISSUER}${interop().server.paths.token}`,
    })
  })

  it('client credentials with client_secret_basic', async () => {
    const tokens = await client.clientCredentialsGrant(await serviceConfig('basic'), { scope: 'kb:read' })
    expect(tokens.token_type).toBe('bearer')
    expect(tokens.scope).toBe('kb:read')
    expect(tokens.expiresIn()).toBeGreaterThan(0)
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe(interop().alg)
  })

  it('client credentials with private_key_jwt (RFC 7523), a fresh assertion each time', async () => {
    const { clientId, privateKey } = interop().keyedService
    const config = await discover(clientId, client.PrivateKeyJwt({ key: privateKey, kid: 'interop-key' }))
    expect(config.serverMetadata().token_endpoint_auth_methods_supported).toContain('private_key_jwt')
    for (let attempt = 0; attempt < 2; attempt++) {
      const tokens = await client.clientCredentialsGrant(config, { scope: 'kb:read' })
      expect(tokens.scope).toBe('kb:read')
    }
  })

  it('client credentials with private_key_jwt, the key fetched from the client’s jwks_uri (RFC 7591)', async () => {
    const { clientId, privateKey } = interop().publishingService
    const config = await discover(clientId, client.PrivateKeyJwt({ key: privateKey, kid: 'published-key' }))
    const tokens = await client.clientCredentialsGrant(config, { scope: 'kb:read' })
    expect(tokens.scope).toBe('kb:read')
  })

  it('authorization code through a pushed authorization request (RFC 9126), confidential client', async () => {
    const config = await confidentialConfig('basic')
    const verifier = client.randomPKCECodeVerifier()
    const nonce = client.randomNonce()
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT_URI,
      scope: USER_SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    })
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
    const flow = await authorizeAsEndUser(interop(), url)
    const tokens = await client.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      idTokenExpected: true,
    })
    expect(tokens.scope).toBe(USER_SCOPE)
  })

  it('client credentials with client_secret_post', async () => {
    const tokens = await client.clientCredentialsGrant(await serviceConfig('post'), { scope: 'kb:write' })
    expect(tokens.scope).toBe('kb:write')
    expect(tokens.refresh_token).toBeUndefined()
  })

  it('authorization code + PKCE S256, public client, login and consent pages over HTTP, no state', async () => {
    const config = await publicConfig()
    // A fresh browser, and prompt=login consent: both pages show whichever library ran first.
    const flow = await codeFlow(config, { prompt: 'login consent' })
    expect(flow.pages).toEqual(['login', 'consent'])
    expect(flow.callback.searchParams.has('state')).toBe(false)
    const tokens = await client.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    })
    expect(tokens.refresh_token).toBeDefined()
    expect(tokens.scope).toBe(USER_SCOPE)
  })

  it('authorization code + PKCE S256, confidential client', async () => {
    const config = await confidentialConfig('basic')
    const flow = await codeFlow(config, { session: signedIn() })
    expect(flow.pages[0]).toBe('login')
    const tokens = await client.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    })
    expect(tokens.access_token).toBeDefined()
    expect(tokens.refresh_token).toBeDefined()
  })

  it('ID token: signature through JWKS, nonce, iss, aud validated by the library; at_hash matches', async () => {
    // RS256 unless the client registered another algorithm: the confidential client registered the server's.
    const cases = [
      { config: await confidentialConfig(), alg: interop().alg },
      { config: await publicConfig(), alg: 'RS256' },
    ]
    for (const { config, alg } of cases) {
      const tokens = await tokensFor(config)
      const claims = tokens.claims()
      expect(claims).toMatchObject({
        iss: INTEROP_ISSUER,
        aud: config.clientMetadata().client_id,
        sub: 'user-1',
      })
      expect(decodeProtectedHeader(tokens.id_token ?? '').alg).toBe(alg)
      expect(claims?.at_hash).toBe(expectedAtHash(tokens.access_token, alg))
    }
    // A nonce other than the one sent is refused by the library.
    const config = await confidentialConfig()
    const flow = await codeFlow(config, { session: signedIn() })
    await expect(
      client.authorizationCodeGrant(config, flow.callback, {
        pkceCodeVerifier: flow.verifier,
        expectedNonce: 'other',
      }),
    ).rejects.toMatchObject({ code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' })
  })

  it('refresh with rotation', async () => {
    const config = await confidentialConfig()
    const first = await tokensFor(config)
    const refreshed = await client.refreshTokenGrant(config, first.refresh_token ?? '')
    expect(refreshed.refresh_token).toBeDefined()
    expect(refreshed.refresh_token).not.toBe(first.refresh_token)
    expect(refreshed.claims()?.sub).toBe(first.claims()?.sub)
    // RFC 6749 §6: a narrower request narrows the access token, the rotated refresh token keeps the grant.
    const narrowed = await client.refreshTokenGrant(config, refreshed.refresh_token ?? '', {
      scope: 'kb:read',
    })
    expect(narrowed.scope).toBe('kb:read')
    const whole = await client.refreshTokenGrant(config, narrowed.refresh_token ?? '')
    expect(whole.scope).toBe(USER_SCOPE)
  })

  // A public client: a confidential client's retry within the token server's reuse interval (30 s) is
  // answered with a new successor instead; a public client's second use always revokes the family.
  it('replay of a rotated refresh token: invalid_grant, and the family is revoked', async () => {
    const config = await publicConfig()
    const first = await tokensFor(config)
    const second = await client.refreshTokenGrant(config, first.refresh_token ?? '')
    const replay = await responseError(client.refreshTokenGrant(config, first.refresh_token ?? ''))
    expect(replay.error).toBe('invalid_grant')
    expect(replay.status).toBe(400)
    const successor = await responseError(client.refreshTokenGrant(config, second.refresh_token ?? ''))
    expect(successor.error).toBe('invalid_grant')
    // The access token issued with the successor is revoked with the family.
    await expect(client.fetchUserInfo(config, second.access_token, 'user-1')).rejects.toBeInstanceOf(
      client.WWWAuthenticateChallengeError,
    )
  })

  it('revocation', async () => {
    const config = await confidentialConfig()
    const tokens = await tokensFor(config)
    await client.tokenRevocation(config, tokens.access_token, { token_type_hint: 'access_token' })
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false)
    await client.tokenRevocation(config, tokens.refresh_token ?? '')
    expect((await responseError(client.refreshTokenGrant(config, tokens.refresh_token ?? ''))).error).toBe(
      'invalid_grant',
    )
  })

  it('introspection', async () => {
    const config = await confidentialConfig('post')
    const tokens = await tokensFor(config)
    const access = await client.tokenIntrospection(config, tokens.access_token)
    expect(access).toMatchObject({
      active: true,
      client_id: interop().confidential.clientId,
      sub: 'user-1',
      iss: INTEROP_ISSUER,
      scope: USER_SCOPE,
    })
    const refresh = await client.tokenIntrospection(config, tokens.refresh_token ?? '')
    expect(refresh).toMatchObject({ active: true, token_type: 'refresh_token' })
    expect((await client.tokenIntrospection(config, 'never-issued-token-value')).active).toBe(false)
  })

  it("userinfo: sub equals the ID token's", async () => {
    const config = await confidentialConfig()
    const tokens = await tokensFor(config)
    const sub = tokens.claims()?.sub ?? ''
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub)
    expect(userinfo).toMatchObject({ sub, email: 'alice@example.com', preferred_username: 'alice' })
    await expect(client.fetchUserInfo(config, tokens.access_token, 'someone-else')).rejects.toMatchObject({
      code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
    })
  })

  it('DPoP (RFC 9449): a public client binds its code, refresh and userinfo requests to its key', async () => {
    const config = await publicConfig()
    expect(config.serverMetadata().dpop_signing_alg_values_supported).toContain('ES256')
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
    const flow = await codeFlow(config, { session: signedIn() })
    const tokens = await client.authorizationCodeGrant(
      config,
      flow.callback,
      { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, idTokenExpected: true },
      undefined,
      { DPoP },
    )
    expect(tokens.token_type.toLowerCase()).toBe('dpop')
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '', undefined, { DPoP })
    expect(refreshed.token_type.toLowerCase()).toBe('dpop')
    // The refresh token is bound to the key: without a proof it is refused.
    const unbound = await responseError(client.refreshTokenGrant(config, refreshed.refresh_token ?? ''))
    expect(unbound.error).toBe('invalid_grant')
    const sub = tokens.claims()?.sub ?? ''
    const userinfo = await client.fetchUserInfo(config, refreshed.access_token, sub, { DPoP })
    expect(userinfo).toMatchObject({ sub })
    // A DPoP-guarded API of the server (RFC 9449 §7): the personal access tokens of the end-user.
    const listed = await client.fetchProtectedResource(
      config,
      refreshed.access_token,
      new URL(`${INTEROP_ISSUER}${interop().server.paths.personalAccessTokens}`),
      'GET',
      undefined,
      undefined,
      { DPoP },
    )
    expect(listed.status).toBe(200)
    expect(await listed.json()).toEqual({ personal_access_tokens: [] })
  })

  it('RP-initiated logout: buildEndSessionUrl with id_token_hint, post_logout_redirect_uri and state ends the session', async () => {
    const config = await confidentialConfig()
    expect(config.serverMetadata().end_session_endpoint).toBe(
      `${INTEROP_ISSUER}${interop().server.paths.endSession}`,
    )
    // A browser of its own: the shared one stays signed in for the other steps.
    const browser = new FormSession(interop().baseUrl)
    const flow = await codeFlow(config, { session: browser })
    const tokens = await client.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    })
    const state = client.randomState()
    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
      state,
    })
    const confirm = await browser.get(interop().local(logout))
    expect(confirm.status).toBe(200)
    const done = await browser.postForm(interop().server.paths.endSession, {
      ...hiddenFields(await confirm.text()),
      logout: 'confirm',
    })
    expect(done.status).toBe(303)
    const back = new URL(done.headers.get('location') ?? '')
    expect(`${back.origin}${back.pathname}`).toBe(POST_LOGOUT_REDIRECT_URI)
    expect(back.searchParams.get('state')).toBe(state)
    // Signed out: the next authorization request of this browser asks for the password again.
    expect((await codeFlow(config, { session: browser })).pages[0]).toBe('login')
  })

  it('consent denied: the library surfaces access_denied from the redirect', async () => {
    const config = await confidentialConfig()
    const flow = await codeFlow(config, { session: signedIn(), consent: 'denied', prompt: 'consent' })
    expect(flow.pages).toContain('consent')
    const error = await client
      .authorizationCodeGrant(config, flow.callback, {
        pkceCodeVerifier: flow.verifier,
        expectedNonce: flow.nonce,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(client.AuthorizationResponseError)
    expect((error as client.AuthorizationResponseError).error).toBe('access_denied')
  })

  it('error: wrong client secret with client_secret_basic is a 401 Basic challenge carrying invalid_client', async () => {
    const config = await serviceConfig('basic', 'not-the-secret-of-this-client')
    const error = await client.clientCredentialsGrant(config).then(
      () => undefined,
      (e: unknown) => e,
    )
    // RFC 6749 §5.2: with HTTP Basic, 401 and WWW-Authenticate; the library reports the challenge.
    expect(error).toBeInstanceOf(client.WWWAuthenticateChallengeError)
    const challenge = error as client.WWWAuthenticateChallengeError
    expect(challenge.status).toBe(401)
    expect(challenge.cause[0]?.scheme).toBe('basic')
    expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('error: wrong client secret with client_secret_post is invalid_client', async () => {
    const error = await responseError(
      client.clientCredentialsGrant(await serviceConfig('post', 'not-the-secret-of-this-client')),
    )
    expect(error.error).toBe('invalid_client')
    expect(error.status).toBe(401)
  })

  it('error: a bad authorization code is invalid_grant', async () => {
    const config = await confidentialConfig()
    const flow = await codeFlow(config, { session: signedIn() })
    const forged = new URL(flow.callback)
    forged.searchParams.set('code', 'not-a-code-this-server-issued')
    const error = await responseError(
      client.authorizationCodeGrant(config, forged, {
        pkceCodeVerifier: flow.verifier,
        expectedNonce: flow.nonce,
      }),
    )
    expect(error.error).toBe('invalid_grant')
  })

  it('error: a bad PKCE verifier is invalid_grant', async () => {
    const config = await confidentialConfig()
    const flow = await codeFlow(config, { session: signedIn() })
    const error = await responseError(
      client.authorizationCodeGrant(config, flow.callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedNonce: flow.nonce,
      }),
    )
    expect(error.error).toBe('invalid_grant')
  })

  it('error: a redirect_uri other than the authorization request’s is invalid_grant', async () => {
    const config = await confidentialConfig()
    const flow = await codeFlow(config, { session: signedIn() })
    // openid-client sends the URL it was called back at, without its query, as redirect_uri.
    const elsewhere = new URL(flow.callback)
    elsewhere.pathname = '/other-callback'
    const error = await responseError(
      client.authorizationCodeGrant(config, elsewhere, {
        pkceCodeVerifier: flow.verifier,
        expectedNonce: flow.nonce,
      }),
    )
    expect(error.error).toBe('invalid_grant')
  })

  // RFC 8628 with openid-client's own device flow functions. Its polling waits the server's interval
  // (5 s) before each poll, so the device steps run once per store, with the ES256 server.
  it('device authorization grant: initiateDeviceAuthorization, the verification page, pollDeviceAuthorizationGrant', async (context) => {
    if (interop().alg !== 'ES256') return context.skip()
    const config = await discover(interop().deviceClientId, client.None())
    expect(config.serverMetadata().device_authorization_endpoint).toBe(
      `${INTEROP_ISSUER}${interop().server.paths.deviceAuthorization}`,
    )
    const device = await client.initiateDeviceAuthorization(config, {
      scope: 'openid profile offline_access',
    })
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(device.interval).toBe(5)
    const polling = client.pollDeviceAuthorizationGrant(config, device)
    const visit = await verifyDeviceAsEndUser(interop(), device.verification_uri_complete ?? '')
    expect(visit.pages).toEqual(['login', 'consent'])
    expect(visit.html).toContain('Device connected')
    const tokens = await polling
    expect(tokens.token_type).toBe('bearer')
    expect(tokens.scope).toBe('openid profile offline_access')
    expect(tokens.refresh_token).toBeDefined()
    expect(tokens.claims()).toMatchObject({
      iss: INTEROP_ISSUER,
      sub: 'user-1',
      aud: interop().deviceClientId,
    })
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '')
    expect(refreshed.scope).toBe('openid profile offline_access')
  })

  it('device authorization grant: a denial on the verification page ends openid-client’s polling with access_denied', async (context) => {
    if (interop().alg !== 'ES256') return context.skip()
    const config = await discover(interop().deviceClientId, client.None())
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid' })
    const polling = responseError(client.pollDeviceAuthorizationGrant(config, device))
    const visit = await verifyDeviceAsEndUser(interop(), device.verification_uri_complete ?? '', {
      consent: 'denied',
    })
    expect(visit.html).toContain('Request denied')
    const error = await polling
    expect(error.error).toBe('access_denied')
    expect(error.status).toBe(400)
  })
}
