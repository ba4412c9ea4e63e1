import { MatchersV3 } from '@pact-foundation/pact'
import { EXAMPLE, formBody, INJECTED, matchersFor, ROUTES, STATES } from '@pipeshub/contracts'
import {
  IntrospectionRequestWire,
  IntrospectionResponseWire,
  RevocationRequestWire,
  UserInfoResponseWire,
} from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import type { OAuthClient } from '../index.js'
import {
  clientAgainst,
  clientAuthenticatedPost,
  jsonResponse,
  pactWithConfidentialClient,
  REFRESH_GRANT,
} from './interactions.js'

// Revocation (RFC 7009) and introspection (RFC 7662), where the client authenticates as at the token
// endpoint, and the OpenID Connect UserInfo endpoint, where the access token does.

function client(mockServerUrl: string): OAuthClient {
  return clientAgainst(mockServerUrl, {
    issuer: EXAMPLE.issuer,
    revocationEndpoint: `${EXAMPLE.issuer}${ROUTES.revocation}`,
    introspectionEndpoint: `${EXAMPLE.issuer}${ROUTES.introspection}`,
    userinfoEndpoint: `${EXAMPLE.issuer}${ROUTES.userinfo}`,
  })
}

const userGrant = REFRESH_GRANT

describe('revocation (RFC 7009)', () => {
  it('revokes a refresh token', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.refreshTokenIssued, { ...userGrant })
      .uponReceiving('a revocation request for a refresh token')
      .withRequest(
        clientAuthenticatedPost(
          ROUTES.revocation,
          formBody(
            RevocationRequestWire,
            { token: EXAMPLE.refreshToken, token_type_hint: 'refresh_token' },
            { token: INJECTED.refreshToken },
          ),
        ),
      )
      .willRespondWith({ status: 200 })
    await pact.executeTest(async (mockServer) => {
      await expect(
        client(mockServer.url).revoke({ token: EXAMPLE.refreshToken, tokenTypeHint: 'refresh_token' }),
      ).resolves.toBeUndefined()
    })
  })
})

describe('introspection (RFC 7662)', () => {
  it('reads the state of an active access token', async () => {
    const pact = pactWithConfidentialClient()
    const active = {
      active: true,
      scope: EXAMPLE.scopes.refreshable,
      client_id: EXAMPLE.clientId,
      token_type: 'Bearer',
      exp: EXAMPLE.issuedAt + EXAMPLE.expiresIn,
      iat: EXAMPLE.issuedAt,
      sub: EXAMPLE.subject,
      iss: EXAMPLE.issuer,
      jti: '5d1c8e2a-7b3f-4a60-9e21-0c4b6d8f1a37',
    }
    pact
      .given(STATES.accessTokenIssued, { ...userGrant })
      .uponReceiving('an introspection request for an active access token')
      .withRequest(
        clientAuthenticatedPost(
          ROUTES.introspection,
          formBody(
            IntrospectionRequestWire,
            { token: EXAMPLE.accessToken, token_type_hint: 'access_token' },
            { token: INJECTED.accessToken },
          ),
        ),
      )
      .willRespondWith(
        jsonResponse(matchersFor(IntrospectionResponseWire, active, { exact: ['/client_id', '/sub'] })),
      )
    await pact.executeTest(async (mockServer) => {
      const state = await client(mockServer.url).introspect({
        token: EXAMPLE.accessToken,
        tokenTypeHint: 'access_token',
      })
      expect({ ...state }).toEqual({
        active: true,
        scope: active.scope,
        clientId: EXAMPLE.clientId,
        tokenType: 'Bearer',
        exp: active.exp,
        iat: active.iat,
        sub: EXAMPLE.subject,
        iss: EXAMPLE.issuer,
        jti: active.jti,
      })
    })
  })

  it('reads an unknown token as inactive, and nothing more', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('an introspection request for a token the server never issued')
      .withRequest(
        clientAuthenticatedPost(
          ROUTES.introspection,
          formBody(IntrospectionRequestWire, { token: EXAMPLE.unknownToken }),
        ),
      )
      .willRespondWith(jsonResponse(matchersFor(IntrospectionResponseWire, { active: false })))
    await pact.executeTest(async (mockServer) => {
      const state = await client(mockServer.url).introspect({ token: EXAMPLE.unknownToken })
      expect({ ...state }).toEqual({ active: false })
    })
  })
})

describe('userinfo (OpenID Connect Core §5.3)', () => {
  it('reads the claims of the end-user an access token with openid, profile and email was issued for', async () => {
    const pact = pactWithConfidentialClient()
    const claims = {
      sub: EXAMPLE.subject,
      preferred_username: EXAMPLE.subject,
      name: 'Contract User',
      email: `${EXAMPLE.subject}@example.com`,
      email_verified: true,
    }
    pact
      .given(STATES.accessTokenIssued, { ...userGrant, scope: 'openid profile email' })
      .uponReceiving('a userinfo request with an access token carrying openid, profile and email')
      .withRequest({
        method: 'GET',
        path: ROUTES.userinfo,
        headers: {
          Accept: 'application/json',
          Authorization: MatchersV3.fromProviderState(
            `Bearer \${${INJECTED.accessToken}}`,
            `Bearer ${EXAMPLE.accessToken}`,
          ),
        },
      })
      .willRespondWith(jsonResponse(matchersFor(UserInfoResponseWire, claims, { exact: ['/sub'] })))
    await pact.executeTest(async (mockServer) => {
      const userinfo = await client(mockServer.url).userinfo(EXAMPLE.accessToken, {
        expectedSubject: EXAMPLE.subject,
      })
      expect(userinfo).toMatchObject({ sub: EXAMPLE.subject, name: 'Contract User', emailVerified: true })
    })
  })
})
