import { EXAMPLE, EXAMPLE_NOW_MS, fetchThroughMockServer, ROUTES, STATES } from '@pipeshub/contracts'
import { describe, expect, it } from 'vitest'
import { createTokenManager, OAuthClient, OAuthError, ReauthorizationRequiredError } from '../index.js'
import {
  clientCredentialsRequest,
  EXAMPLE_ERROR_DESCRIPTION,
  oauthErrorResponse,
  pactWithConfidentialClient,
  REFRESH_GRANT,
  refreshRequest,
  tokenRequest,
  tokenResponse,
} from './interactions.js'

// The token manager against the mock: what it caches, for how long, and when it asks again, all read
// from the token responses the contract describes (RFC 6749 §5.1 `expires_in`, a rotated
// `refresh_token`, an `invalid_grant` that ends the session).

/** The manager refreshes this long before expiry (its default). */
const SKEW_SECONDS = 30

/** The real client against the mock, counting the token requests it sends. */
function countingClient(mockServerUrl: string) {
  const forward = fetchThroughMockServer(mockServerUrl)
  const sent: string[] = []
  const client = new OAuthClient({
    metadata: { issuer: EXAMPLE.issuer, tokenEndpoint: `${EXAMPLE.issuer}${ROUTES.token}` },
    clientId: EXAMPLE.clientId,
    clientSecret: EXAMPLE.clientSecret,
    fetch: (input, init) => {
      sent.push(new URL(input instanceof Request ? input.url : input.toString()).pathname)
      return forward(input, init)
    },
    now: () => EXAMPLE_NOW_MS,
    retry: false,
  })
  return { client, sent }
}

describe('token manager (client credentials)', () => {
  it('caches the access token for the expires_in the server answered, then asks again', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a client credentials token request from the token manager')
      .withRequest(tokenRequest(clientCredentialsRequest(EXAMPLE.scopes.clientCredentials)))
      .willRespondWith(tokenResponse({ scope: EXAMPLE.scopes.clientCredentials }))
    await pact.executeTest(async (mockServer) => {
      const { client, sent } = countingClient(mockServer.url)
      let clock = EXAMPLE_NOW_MS
      const manager = createTokenManager({
        client,
        grant: 'client_credentials',
        scope: EXAMPLE.scopes.clientCredentials,
        now: () => clock,
      })
      expect(await manager.getAccessToken()).toBe(EXAMPLE.accessToken)
      expect(sent).toEqual([ROUTES.token])
      // One second before the refresh point that `expires_in` sets: still served from the cache.
      clock += (EXAMPLE.expiresIn - SKEW_SECONDS - 1) * 1000
      expect(await manager.getAccessToken()).toBe(EXAMPLE.accessToken)
      expect(sent, 'the cache lifetime must come from expires_in').toEqual([ROUTES.token])
      // Past it: one new request.
      clock += 2000
      expect(await manager.getAccessToken()).toBe(EXAMPLE.accessToken)
      expect(sent).toEqual([ROUTES.token, ROUTES.token])
    })
  })
})

describe('token manager (refresh token)', () => {
  it('refreshes, hands the rotated refresh token to its owner, and caches for expires_in', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.refreshTokenIssued, { ...REFRESH_GRANT })
      .uponReceiving('a refresh token request from the token manager')
      .withRequest(tokenRequest(refreshRequest()))
      .willRespondWith(
        tokenResponse({ refresh_token: EXAMPLE.rotatedRefreshToken, scope: EXAMPLE.scopes.refreshable }),
      )
    await pact.executeTest(async (mockServer) => {
      const { client, sent } = countingClient(mockServer.url)
      let clock = EXAMPLE_NOW_MS
      const persisted: string[] = []
      const manager = createTokenManager({
        client,
        grant: { refreshToken: EXAMPLE.refreshToken },
        onRefreshTokenRotated: (refreshToken) => {
          persisted.push(refreshToken)
        },
        now: () => clock,
      })
      expect(await manager.getAccessToken()).toBe(EXAMPLE.accessToken)
      expect(persisted).toEqual([EXAMPLE.rotatedRefreshToken])
      clock += (EXAMPLE.expiresIn - SKEW_SECONDS - 1) * 1000
      expect(await manager.getAccessToken()).toBe(EXAMPLE.accessToken)
      expect(sent, 'the cache lifetime must come from expires_in').toEqual([ROUTES.token])
    })
  })

  it('ends the session on invalid_grant, surfacing the error_description, and asks no more', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.refreshTokenRotated, { ...REFRESH_GRANT })
      .uponReceiving('a refresh token request from the token manager with a refresh token already rotated')
      .withRequest(tokenRequest(refreshRequest()))
      .willRespondWith(oauthErrorResponse('invalid_grant'))
    await pact.executeTest(async (mockServer) => {
      const { client, sent } = countingClient(mockServer.url)
      const manager = createTokenManager({
        client,
        grant: { refreshToken: EXAMPLE.refreshToken },
        now: () => EXAMPLE_NOW_MS,
      })
      const thrown = await manager.getAccessToken().then(
        () => expect.unreachable('the refresh succeeded'),
        (reason: unknown) => reason,
      )
      expect(thrown).toBeInstanceOf(ReauthorizationRequiredError)
      const cause = (thrown as ReauthorizationRequiredError).cause
      expect(cause).toBeInstanceOf(OAuthError)
      expect(cause).toMatchObject({ error: 'invalid_grant', errorDescription: EXAMPLE_ERROR_DESCRIPTION })
      await expect(manager.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError)
      expect(sent).toEqual([ROUTES.token])
    })
  })
})
