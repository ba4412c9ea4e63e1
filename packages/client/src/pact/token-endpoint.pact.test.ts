import { MatchersV3 } from '@pact-foundation/pact'
import { EXAMPLE, formBody, INJECTED, matchersFor, ROUTES, STATES } from '@pipeshub/contracts'
import { AuthorizationCodeTokenRequestWire, JsonWebKeySetWire } from '@pipeshub/models'
import { importJWK, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import type { OAuthClient } from '../index.js'
import {
  clientAgainst,
  clientCredentialsRequest,
  expectOAuthError,
  jsonResponse,
  oauthErrorResponse,
  pactWithConfidentialClient,
  REFRESH_GRANT as refreshGrant,
  refreshRequest,
  tokenRequest,
  tokenResponse,
} from './interactions.js'

// The token endpoint (RFC 6749 §3.2): every grant the client uses and every error it handles.

const METADATA = {
  issuer: EXAMPLE.issuer,
  tokenEndpoint: `${EXAMPLE.issuer}${ROUTES.token}`,
  jwksUri: `${EXAMPLE.issuer}${ROUTES.jwks}`,
}

function client(mockServerUrl: string, clientSecret: string = EXAMPLE.clientSecret): OAuthClient {
  return clientAgainst(mockServerUrl, METADATA, clientSecret)
}

/** The form fields of the example authorization code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5). */
function authorizationCodeRequest() {
  return formBody(
    AuthorizationCodeTokenRequestWire,
    {
      grant_type: 'authorization_code',
      code: EXAMPLE.authorizationCode,
      redirect_uri: EXAMPLE.redirectUri,
      code_verifier: EXAMPLE.codeVerifier,
    },
    { code: INJECTED.code },
  )
}

/** OIDC Core §3.1.3.6 `at_hash` of the example access token for an EdDSA (Ed25519) ID token: SHA-512. */
async function exampleAccessTokenHash(): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-512', new TextEncoder().encode(EXAMPLE.accessToken)),
  )
  return Buffer.from(digest.subarray(0, digest.length / 2)).toString('base64url')
}

/**
 * An ID token as the token server issues it (bound to the example access token by `at_hash`, which
 * the client checks), signed with the contract's deterministic example key.
 */
async function exampleIdToken(): Promise<string> {
  const { d, kid, ...publicPart } = EXAMPLE.idTokenSigningKey
  const key = await importJWK({ ...publicPart, d }, 'EdDSA')
  return new SignJWT({
    nonce: EXAMPLE.nonce,
    auth_time: EXAMPLE.issuedAt,
    azp: EXAMPLE.clientId,
    at_hash: await exampleAccessTokenHash(),
  })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
    .setIssuer(EXAMPLE.issuer)
    .setSubject(EXAMPLE.subject)
    .setAudience(EXAMPLE.clientId)
    .setIssuedAt(EXAMPLE.issuedAt)
    .setExpirationTime(EXAMPLE.issuedAt + EXAMPLE.expiresIn)
    .sign(key)
}

const codeGrant = {
  clientId: EXAMPLE.clientId,
  subject: EXAMPLE.subject,
  scope: EXAMPLE.scopes.user,
  redirectUri: EXAMPLE.redirectUri,
  codeVerifier: EXAMPLE.codeVerifier,
  nonce: EXAMPLE.nonce,
}

describe('client_credentials grant (RFC 6749 §4.4)', () => {
  it('gets a token with the minimal response: access_token, token_type, expires_in, scope', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a client credentials token request')
      .withRequest(tokenRequest(clientCredentialsRequest(EXAMPLE.scopes.clientCredentials)))
      .willRespondWith(
        tokenResponse({
          scope: EXAMPLE.scopes.clientCredentials,
        }),
      )
    await pact.executeTest(async (mockServer) => {
      const tokens = await client(mockServer.url).clientCredentials({
        scope: EXAMPLE.scopes.clientCredentials,
      })
      expect({ ...tokens }).toEqual({
        accessToken: EXAMPLE.accessToken,
        tokenType: 'Bearer',
        expiresIn: EXAMPLE.expiresIn,
        scope: EXAMPLE.scopes.clientCredentials,
      })
    })
  })

  it('surfaces invalid_client (401, WWW-Authenticate: Basic) for a wrong secret', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a client credentials token request with a wrong client secret')
      .withRequest(
        tokenRequest(clientCredentialsRequest(EXAMPLE.scopes.clientCredentials), EXAMPLE.wrongClientSecret),
      )
      .willRespondWith(
        oauthErrorResponse('invalid_client', 401, {
          'WWW-Authenticate': MatchersV3.regex('^Basic( .*)?$', 'Basic realm="pipeshub"'),
        }),
      )
    await pact.executeTest(async (mockServer) => {
      const error = await expectOAuthError(
        client(mockServer.url, EXAMPLE.wrongClientSecret).clientCredentials({
          scope: EXAMPLE.scopes.clientCredentials,
        }),
        'invalid_client',
        401,
      )
      expect(error.wwwAuthenticate.map((challenge) => challenge.scheme.toLowerCase())).toContain('basic')
    })
  })

  it('surfaces invalid_scope for a scope the client is not registered for', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a client credentials token request for a scope the client may not request')
      .withRequest(tokenRequest(clientCredentialsRequest(EXAMPLE.scopes.notRegistered)))
      .willRespondWith(oauthErrorResponse('invalid_scope'))
    await pact.executeTest(async (mockServer) => {
      await expectOAuthError(
        client(mockServer.url).clientCredentials({ scope: EXAMPLE.scopes.notRegistered }),
        'invalid_scope',
        400,
      )
    })
  })
})

describe('authorization_code grant with PKCE (RFC 6749 §4.1.3, RFC 7636)', () => {
  it('exchanges a code for access, refresh and ID tokens, and checks the ID token against the JWKS', async () => {
    const idToken = await exampleIdToken()
    const { d: _private, ...publicKey } = EXAMPLE.idTokenSigningKey
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.authorizationCodeIssued, { ...codeGrant })
      .uponReceiving('an authorization code exchange with a PKCE verifier')
      .withRequest(tokenRequest(authorizationCodeRequest()))
      .willRespondWith(
        tokenResponse({
          refresh_token: EXAMPLE.refreshToken,
          scope: EXAMPLE.scopes.user,
          id_token: idToken,
        }),
      )
    pact
      .uponReceiving('a request for the signing keys')
      .withRequest({ method: 'GET', path: ROUTES.jwks, headers: { Accept: 'application/json' } })
      .willRespondWith(jsonResponse(matchersFor(JsonWebKeySetWire, { keys: [publicKey] })))
    await pact.executeTest(async (mockServer) => {
      const tokens = await client(mockServer.url).exchangeAuthorizationCode({
        code: EXAMPLE.authorizationCode,
        redirectUri: EXAMPLE.redirectUri,
        codeVerifier: EXAMPLE.codeVerifier,
        nonce: EXAMPLE.nonce,
      })
      expect({ ...tokens }).toEqual({
        accessToken: EXAMPLE.accessToken,
        tokenType: 'Bearer',
        expiresIn: EXAMPLE.expiresIn,
        refreshToken: EXAMPLE.refreshToken,
        scope: EXAMPLE.scopes.user,
        idToken,
      })
      expect(tokens.idTokenClaims).toMatchObject({
        sub: EXAMPLE.subject,
        nonce: EXAMPLE.nonce,
        atHash: await exampleAccessTokenHash(),
      })
    })
  })

  it('surfaces invalid_grant for a code that was already redeemed', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.authorizationCodeRedeemed, { ...codeGrant })
      .uponReceiving('an exchange of an authorization code that was already redeemed')
      .withRequest(tokenRequest(authorizationCodeRequest()))
      .willRespondWith(oauthErrorResponse('invalid_grant'))
    await pact.executeTest(async (mockServer) => {
      await expectOAuthError(
        client(mockServer.url).exchangeAuthorizationCode({
          code: EXAMPLE.authorizationCode,
          redirectUri: EXAMPLE.redirectUri,
          codeVerifier: EXAMPLE.codeVerifier,
        }),
        'invalid_grant',
        400,
      )
    })
  })

  it('surfaces invalid_request for a malformed PKCE verifier', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.authorizationCodeIssued, { ...codeGrant })
      .uponReceiving('an authorization code exchange with a code verifier too short for RFC 7636')
      .withRequest(
        // Not `formBody`: the request is deliberately not a valid AuthorizationCodeTokenRequest.
        tokenRequest({
          grant_type: 'authorization_code',
          code: MatchersV3.fromProviderState(`\${${INJECTED.code}}`, EXAMPLE.authorizationCode),
          redirect_uri: EXAMPLE.redirectUri,
          code_verifier: EXAMPLE.malformedCodeVerifier,
        }),
      )
      .willRespondWith(oauthErrorResponse('invalid_request'))
    await pact.executeTest(async (mockServer) => {
      await expectOAuthError(
        client(mockServer.url).exchangeAuthorizationCode({
          code: EXAMPLE.authorizationCode,
          redirectUri: EXAMPLE.redirectUri,
          codeVerifier: EXAMPLE.malformedCodeVerifier,
        }),
        'invalid_request',
        400,
      )
    })
  })
})

describe('refresh_token grant (RFC 6749 §6)', () => {
  it('refreshes and receives a rotated refresh token', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.refreshTokenIssued, { ...refreshGrant })
      .uponReceiving('a refresh token request')
      .withRequest(tokenRequest(refreshRequest()))
      .willRespondWith(
        tokenResponse({
          refresh_token: EXAMPLE.rotatedRefreshToken,
          scope: EXAMPLE.scopes.refreshable,
        }),
      )
    await pact.executeTest(async (mockServer) => {
      const tokens = await client(mockServer.url).refresh({ refreshToken: EXAMPLE.refreshToken })
      expect(tokens.refreshToken).toBe(EXAMPLE.rotatedRefreshToken)
      expect(tokens.refreshToken).not.toBe(EXAMPLE.refreshToken)
      expect(tokens.accessToken).toBe(EXAMPLE.accessToken)
    })
  })

  it('refreshes with a narrowed scope and receives exactly that scope', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.refreshTokenIssued, { ...refreshGrant })
      .uponReceiving('a refresh token request narrowing the scope')
      .withRequest(tokenRequest(refreshRequest(EXAMPLE.scopes.narrowed)))
      .willRespondWith(
        tokenResponse(
          {
            refresh_token: EXAMPLE.rotatedRefreshToken,
            scope: EXAMPLE.scopes.narrowed,
          },
          ['/scope'],
        ),
      )
    await pact.executeTest(async (mockServer) => {
      const tokens = await client(mockServer.url).refresh({
        refreshToken: EXAMPLE.refreshToken,
        scope: EXAMPLE.scopes.narrowed,
      })
      expect(tokens.scope).toBe(EXAMPLE.scopes.narrowed)
      expect(tokens.refreshToken).toBe(EXAMPLE.rotatedRefreshToken)
    })
  })

  it('surfaces invalid_grant for a refresh token that was already rotated', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.refreshTokenRotated, { ...refreshGrant })
      .uponReceiving('a refresh token request with a refresh token that was already rotated')
      .withRequest(tokenRequest(refreshRequest()))
      .willRespondWith(oauthErrorResponse('invalid_grant'))
    await pact.executeTest(async (mockServer) => {
      await expectOAuthError(
        client(mockServer.url).refresh({ refreshToken: EXAMPLE.refreshToken }),
        'invalid_grant',
        400,
      )
    })
  })
})

describe('extension grants (RFC 6749 §4.5)', () => {
  it('surfaces unsupported_grant_type for a grant type the server does not support', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a token request with an unsupported extension grant type')
      // Not `formBody`: no request schema describes a grant the server does not support.
      .withRequest(tokenRequest({ grant_type: EXAMPLE.unsupportedGrantType }))
      .willRespondWith(oauthErrorResponse('unsupported_grant_type'))
    await pact.executeTest(async (mockServer) => {
      await expectOAuthError(
        client(mockServer.url).grant(EXAMPLE.unsupportedGrantType),
        'unsupported_grant_type',
        400,
      )
    })
  })
})
