import { MatchersV3, type PactV3, type V3Request } from '@pact-foundation/pact'
import type { Static } from 'typebox'
import { describe, expect, it } from 'vitest'
import { consumerPact } from '../consumer.js'
import { basicAuthorization, EXAMPLE } from '../examples.js'
import { FORM_CONTENT_TYPE, jsonContentType } from '../headers.js'
import { fetchThroughMockServer } from '../mock-server-fetch.js'
import { ROUTES, SDK_CONSUMER } from '../parties.js'
import { type ConfidentialClientParams, INJECTED, injected, STATES } from '../provider-states.js'
import { matchersFor } from '../schema-matchers.js'
import { FrontendConsentData, frontendConsentData } from './frontend.js'
import {
  type AuthorizeConsentBody,
  type CredentialsBody,
  PipesHubSdk,
  SdkError,
  SdkIntrospection,
  SdkOAuthError,
  SdkOAuthErrorResponse,
  SdkTokenResponse,
  SdkUserInfo,
  type TokenRequestBody,
} from './sdk.js'

// The second consumer: PipesHub's generated SDK (./sdk.ts), against the Pact mock. Its JSON bodies,
// its Basic credentials through request headers, its lenient token model, its error model, and the
// user identity it reads (`user_id`). The provider is verified against this pact and the client's in
// one chain. Consent through PipesHub's frontend (`oauthAuthorizeConsent`) is too: the provider runs
// with its frontend mode on (no other interaction authorizes).

const CLIENT: ConfidentialClientParams = {
  clientId: EXAMPLE.clientId,
  clientSecret: EXAMPLE.clientSecret,
  scopes: EXAMPLE.scopes.user.split(' '),
  redirectUris: [EXAMPLE.redirectUri],
  grantTypes: ['authorization_code', 'client_credentials', 'refresh_token'],
}

const USER = { clientId: EXAMPLE.clientId, subject: EXAMPLE.subject }

function sdkPact(): PactV3 {
  return consumerPact({ consumer: SDK_CONSUMER }).given(STATES.confidentialClientExists, { ...CLIENT })
}

function sdk(mockServerUrl: string): PipesHubSdk {
  return new PipesHubSdk({
    serverURL: `${EXAMPLE.issuer}/api/v1`,
    fetch: fetchThroughMockServer(mockServerUrl),
  })
}

/** A JSON POST exactly as the SDK sends it; `fromState` members come from the provider state. */
function jsonPost(
  path: string,
  body: Record<string, unknown>,
  fromState: Readonly<Record<string, string>> = {},
  headers: Record<string, unknown> = {},
): V3Request {
  const withState: Record<string, unknown> = { ...body }
  for (const [member, name] of Object.entries(fromState)) {
    withState[member] = MatchersV3.fromProviderState(`\${${name}}`, String(body[member]))
  }
  return {
    method: 'POST',
    path,
    headers: { ...headers, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: withState,
  }
}

const tokenExample: Static<typeof SdkTokenResponse> = {
  access_token: EXAMPLE.accessToken,
  token_type: 'Bearer',
  expires_in: EXAMPLE.expiresIn,
}

/** A token response as the SDK reads it: each member by its type only, all the SDK's model has. */
function tokenResponse(members: Partial<Static<typeof SdkTokenResponse>>) {
  return {
    status: 200,
    headers: { 'Content-Type': jsonContentType() },
    body: matchersFor(SdkTokenResponse, { ...tokenExample, ...members }),
  }
}

const ERROR_DESCRIPTION = 'the server explains the error here'

function errorResponse(error: string, status: number) {
  return {
    status,
    headers: { 'Content-Type': jsonContentType() },
    body: matchersFor(SdkOAuthError, { error, error_description: ERROR_DESCRIPTION }, { exact: ['/error'] }),
  }
}

async function expectSdkOAuthError(promise: Promise<unknown>, error: string, status: number) {
  const thrown = await promise.then(
    () => expect.unreachable('the call succeeded'),
    (reason: unknown) => reason,
  )
  expect(thrown).toBeInstanceOf(SdkOAuthErrorResponse)
  expect(thrown).toMatchObject({ status, body: { error, error_description: ERROR_DESCRIPTION } })
}

describe('pipeshub-sdk oauthToken (JSON bodies)', () => {
  it('gets a client credentials token with client_id and client_secret in the JSON body', async () => {
    const body: TokenRequestBody = {
      grant_type: 'client_credentials',
      client_id: EXAMPLE.clientId,
      client_secret: EXAMPLE.clientSecret,
      scope: EXAMPLE.scopes.clientCredentials,
    }
    const pact = sdkPact()
    pact
      .uponReceiving('an SDK client credentials token request as JSON')
      .withRequest(jsonPost(ROUTES.token, { ...body }))
      .willRespondWith(tokenResponse({ scope: EXAMPLE.scopes.clientCredentials }))
    await pact.executeTest(async (mockServer) => {
      const tokens = await sdk(mockServer.url).oauthToken(body)
      expect(tokens).toEqual({ ...tokenExample, scope: EXAMPLE.scopes.clientCredentials })
    })
  })

  it('exchanges an authorization code as JSON, with Basic credentials the caller adds as a header', async () => {
    const body: TokenRequestBody = {
      grant_type: 'authorization_code',
      code: EXAMPLE.authorizationCode,
      redirect_uri: EXAMPLE.redirectUri,
      code_verifier: EXAMPLE.codeVerifier,
    }
    const authorization = basicAuthorization(EXAMPLE.clientId, EXAMPLE.clientSecret)
    const pact = sdkPact()
    pact
      .given(STATES.authorizationCodeIssued, {
        ...USER,
        scope: EXAMPLE.scopes.user,
        redirectUri: EXAMPLE.redirectUri,
        codeVerifier: EXAMPLE.codeVerifier,
        nonce: EXAMPLE.nonce,
      })
      .uponReceiving('an SDK authorization code exchange as JSON with Basic client credentials')
      .withRequest(
        jsonPost(ROUTES.token, { ...body }, { code: INJECTED.code }, { Authorization: authorization }),
      )
      .willRespondWith(
        tokenResponse({
          refresh_token: EXAMPLE.refreshToken,
          scope: EXAMPLE.scopes.user,
          id_token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl',
        }),
      )
    await pact.executeTest(async (mockServer) => {
      const tokens = await sdk(mockServer.url).oauthToken(body, { headers: { Authorization: authorization } })
      expect(tokens.refresh_token).toBe(EXAMPLE.refreshToken)
      expect(tokens.id_token).toMatch(/^eyJ/)
    })
  })

  it('refreshes as JSON', async () => {
    const body: TokenRequestBody = {
      grant_type: 'refresh_token',
      refresh_token: EXAMPLE.refreshToken,
      client_id: EXAMPLE.clientId,
      client_secret: EXAMPLE.clientSecret,
    }
    const pact = sdkPact()
    pact
      .given(STATES.refreshTokenIssued, { ...USER, scope: EXAMPLE.scopes.refreshable })
      .uponReceiving('an SDK refresh token request as JSON')
      .withRequest(jsonPost(ROUTES.token, { ...body }, { refresh_token: INJECTED.refreshToken }))
      .willRespondWith(
        tokenResponse({ refresh_token: EXAMPLE.rotatedRefreshToken, scope: EXAMPLE.scopes.refreshable }),
      )
    await pact.executeTest(async (mockServer) => {
      const tokens = await sdk(mockServer.url).oauthToken(body)
      expect(tokens.refresh_token).toBe(EXAMPLE.rotatedRefreshToken)
    })
  })

  it('parses invalid_grant (400) into its error model, with error_description', async () => {
    const body: TokenRequestBody = {
      grant_type: 'refresh_token',
      refresh_token: EXAMPLE.refreshToken,
      client_id: EXAMPLE.clientId,
      client_secret: EXAMPLE.clientSecret,
    }
    const pact = sdkPact()
    pact
      .given(STATES.refreshTokenRotated, { ...USER, scope: EXAMPLE.scopes.refreshable })
      .uponReceiving('an SDK refresh token request as JSON with a refresh token already rotated')
      .withRequest(jsonPost(ROUTES.token, { ...body }, { refresh_token: INJECTED.refreshToken }))
      .willRespondWith(errorResponse('invalid_grant', 400))
    await pact.executeTest(async (mockServer) => {
      await expectSdkOAuthError(sdk(mockServer.url).oauthToken(body), 'invalid_grant', 400)
    })
  })

  it('parses invalid_client (401) into its error model, with error_description', async () => {
    const body: TokenRequestBody = {
      grant_type: 'client_credentials',
      client_id: EXAMPLE.clientId,
      client_secret: EXAMPLE.wrongClientSecret,
    }
    const pact = sdkPact()
    pact
      .uponReceiving('an SDK client credentials token request as JSON with a wrong client secret')
      .withRequest(jsonPost(ROUTES.token, { ...body }))
      .willRespondWith(errorResponse('invalid_client', 401))
    await pact.executeTest(async (mockServer) => {
      await expectSdkOAuthError(sdk(mockServer.url).oauthToken(body), 'invalid_client', 401)
    })
  })
})

describe('pipeshub-sdk client-credentials hook (form body)', () => {
  it('gets the token it caches, with the client credentials in the form body', async () => {
    const pact = sdkPact()
    pact
      .uponReceiving('an SDK hook client credentials token request as a form with the secret in the body')
      .withRequest({
        method: 'POST',
        path: ROUTES.token,
        headers: { Accept: 'application/json', 'Content-Type': FORM_CONTENT_TYPE },
        body: {
          grant_type: 'client_credentials',
          client_id: EXAMPLE.clientId,
          client_secret: EXAMPLE.clientSecret,
          scope: EXAMPLE.scopes.clientCredentials,
        },
      })
      .willRespondWith(tokenResponse({ scope: EXAMPLE.scopes.clientCredentials }))
    await pact.executeTest(async (mockServer) => {
      const accessToken = await sdk(mockServer.url).clientCredentialsHook({
        clientId: EXAMPLE.clientId,
        clientSecret: EXAMPLE.clientSecret,
        scope: EXAMPLE.scopes.clientCredentials,
      })
      expect(accessToken).toBe(EXAMPLE.accessToken)
    })
  })
})

describe('pipeshub-sdk oauthRevoke and oauthIntrospect (JSON bodies)', () => {
  const credentials = { client_id: EXAMPLE.clientId, client_secret: EXAMPLE.clientSecret }

  it('revokes a refresh token: 200, empty', async () => {
    const body: CredentialsBody = {
      token: EXAMPLE.refreshToken,
      token_type_hint: 'refresh_token',
      ...credentials,
    }
    const pact = sdkPact()
    pact
      .given(STATES.refreshTokenIssued, { ...USER, scope: EXAMPLE.scopes.refreshable })
      .uponReceiving('an SDK revocation request as JSON')
      .withRequest(jsonPost(ROUTES.revocation, { ...body }, { token: INJECTED.refreshToken }))
      .willRespondWith({ status: 200 })
    await pact.executeTest(async (mockServer) => {
      await expect(sdk(mockServer.url).oauthRevoke(body)).resolves.toBeUndefined()
    })
  })

  it("introspects an active user's access token and reads user_id and aud as a string", async () => {
    const body: CredentialsBody = {
      token: EXAMPLE.accessToken,
      token_type_hint: 'access_token',
      ...credentials,
    }
    const active: Static<typeof SdkIntrospection> = {
      active: true,
      scope: EXAMPLE.scopes.refreshable,
      client_id: EXAMPLE.clientId,
      username: EXAMPLE.subject,
      token_type: 'Bearer',
      exp: EXAMPLE.issuedAt + EXAMPLE.expiresIn,
      iat: EXAMPLE.issuedAt,
      user_id: EXAMPLE.subject,
      aud: EXAMPLE.issuer,
      iss: EXAMPLE.issuer,
      jti: '5d1c8e2a-7b3f-4a60-9e21-0c4b6d8f1a37',
    }
    const pact = sdkPact()
    pact
      .given(STATES.accessTokenIssued, { ...USER, scope: EXAMPLE.scopes.refreshable })
      .uponReceiving('an SDK introspection request as JSON for an active user access token')
      .withRequest(jsonPost(ROUTES.introspection, { ...body }, { token: INJECTED.accessToken }))
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(SdkIntrospection, active, { exact: ['/client_id', '/user_id'] }),
      })
    await pact.executeTest(async (mockServer) => {
      const state = await sdk(mockServer.url).oauthIntrospect(body)
      expect(state).toMatchObject({ active: true, user_id: EXAMPLE.subject, aud: EXAMPLE.issuer })
    })
  })
})

describe('pipeshub-sdk oauthUserInfo', () => {
  const bearer = () =>
    MatchersV3.fromProviderState(`Bearer ${injected(INJECTED.accessToken)}`, `Bearer ${EXAMPLE.accessToken}`)

  it('reads user_id, and for profile given_name, family_name and updated_at', async () => {
    const claims: Static<typeof SdkUserInfo> = {
      user_id: EXAMPLE.subject,
      name: 'Contract User',
      given_name: 'Contract',
      family_name: 'User',
      email: `${EXAMPLE.subject}@example.com`,
      email_verified: true,
      updated_at: EXAMPLE.issuedAt,
    }
    const pact = sdkPact()
    pact
      .given(STATES.accessTokenIssued, { ...USER, scope: 'openid profile email' })
      .uponReceiving('an SDK userinfo request with an access token carrying openid, profile and email')
      .withRequest({
        method: 'GET',
        path: ROUTES.userinfo,
        headers: { Accept: 'application/json', Authorization: bearer() },
      })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(SdkUserInfo, claims, { exact: ['/user_id'] }),
      })
    await pact.executeTest(async (mockServer) => {
      const userinfo = await sdk(mockServer.url).oauthUserInfo(EXAMPLE.accessToken)
      expect(userinfo).toEqual(claims)
    })
  })

  it('fails with 403 for an access token without openid', async () => {
    const pact = sdkPact()
    pact
      .given(STATES.accessTokenIssued, { ...USER, scope: EXAMPLE.scopes.refreshable })
      .uponReceiving('an SDK userinfo request with an access token without openid')
      .withRequest({
        method: 'GET',
        path: ROUTES.userinfo,
        headers: { Accept: 'application/json', Authorization: bearer() },
      })
      .willRespondWith(errorResponse('insufficient_scope', 403))
    await pact.executeTest(async (mockServer) => {
      const thrown = await sdk(mockServer.url)
        .oauthUserInfo(EXAMPLE.accessToken)
        .then(
          () => expect.unreachable('the call succeeded'),
          (reason: unknown) => reason,
        )
      expect(thrown).toBeInstanceOf(SdkError)
      expect(thrown).toMatchObject({ status: 403 })
    })
  })
})

describe("pipeshub-sdk oauthAuthorizeConsent (consent in PipesHub's frontend)", () => {
  it("posts the user's decision as JSON with the frontend session and reads where the browser goes next", async () => {
    const body: AuthorizeConsentBody = {
      client_id: EXAMPLE.clientId,
      redirect_uri: EXAMPLE.redirectUri,
      scope: 'openid kb:read',
      state: EXAMPLE.state,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      nonce: EXAMPLE.nonce,
      consent: 'granted',
    }
    const redirectUrl = `${EXAMPLE.redirectUri}?code=${EXAMPLE.authorizationCode}&state=${EXAMPLE.state}`
    const pact = sdkPact()
    pact
      .given(STATES.frontendSessionIssued, { subject: EXAMPLE.subject })
      .uponReceiving('an SDK consent decision as JSON with the frontend session of the user')
      .withRequest(
        jsonPost(
          ROUTES.authorization,
          { ...body },
          {},
          {
            Authorization: MatchersV3.fromProviderState(
              `Bearer ${injected(INJECTED.accessToken)}`,
              `Bearer ${EXAMPLE.accessToken}`,
            ),
          },
        ),
      )
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: {
          redirectUrl: MatchersV3.regex(
            // The app's redirect URI with the code and its state (RFC 6749 §4.1.2), then iss (RFC 9207).
            `^${EXAMPLE.redirectUri.replace(/[.?/]/g, '\\$&')}\\?code=[^&]+&state=${EXAMPLE.state}(&.*)?$`,
            redirectUrl,
          ),
        },
      })
    await pact.executeTest(async (mockServer) => {
      const answer = await sdk(mockServer.url).oauthAuthorizeConsent(body, EXAMPLE.accessToken)
      expect(answer).toEqual({ redirectUrl })
    })
  })
})

describe("PipesHub's frontend asking for the consent data (GET /oauth2/authorize with the user's session)", () => {
  it('reads the app, each scope in words and the user, for the page the user decides on', async () => {
    const query = {
      response_type: 'code',
      client_id: EXAMPLE.clientId,
      redirect_uri: EXAMPLE.redirectUri,
      scope: 'openid kb:read',
      state: EXAMPLE.state,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      // The user may have allowed the app before (the decision interaction): the app asks again.
      prompt: 'consent',
    }
    const example: Static<typeof FrontendConsentData> = {
      requiresConsent: true,
      consentData: {
        app: { name: 'Contract App' },
        scopes: [
          { name: 'openid', description: 'Sign you in', category: 'Identity' },
          { name: 'kb:read', description: 'Read your knowledge bases', category: 'Knowledge Base' },
        ],
        user: { email: `${EXAMPLE.subject}@example.com`, name: 'Contract User' },
        redirectUri: EXAMPLE.redirectUri,
        state: EXAMPLE.state,
      },
      codeChallenge: query.code_challenge,
      codeChallengeMethod: 'S256',
    }
    const pact = sdkPact()
    pact
      .given(STATES.frontendSessionIssued, { subject: EXAMPLE.subject })
      .uponReceiving("the frontend's consent-data request with the session of the user")
      .withRequest({
        method: 'GET',
        path: ROUTES.authorization,
        query,
        headers: {
          Accept: 'application/json',
          Authorization: MatchersV3.fromProviderState(
            `Bearer ${injected(INJECTED.accessToken)}`,
            `Bearer ${EXAMPLE.accessToken}`,
          ),
        },
      })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(FrontendConsentData, example, {
          exact: [
            '/requiresConsent',
            '/consentData/redirectUri',
            '/consentData/state',
            '/codeChallenge',
            '/codeChallengeMethod',
          ],
        }),
      })
    await pact.executeTest(async (mockServer) => {
      const answer = await frontendConsentData(
        fetchThroughMockServer(mockServer.url),
        `${EXAMPLE.issuer}/api/v1`,
        query,
        EXAMPLE.accessToken,
      )
      expect(answer.requiresConsent).toBe(true)
      // Each scope in words (the matcher takes any number of scopes shaped like the first).
      expect(answer.consentData.scopes.length).toBeGreaterThan(0)
      for (const scope of answer.consentData.scopes) expect(scope.description).not.toBe('')
      expect(answer.consentData.state).toBe(EXAMPLE.state)
    })
  })
})
