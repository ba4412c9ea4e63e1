import { consumerPact, EXAMPLE, ROUTES, STATES, WHAT_IF_PACTS_DIR } from '@pipeshub/contracts'
import { describe, expect, it } from 'vitest'
import { clientAgainst, clientCredentialsRequest, tokenRequest, tokenResponse } from './interactions.js'

// Not part of the contract: the pact a client change WOULD write if the client started reading a
// field the provider does not send. Here: a token cache that refreshes client_credentials tokens with
// `refresh_token`, which RFC 6749 §4.4.3 says should not be issued (and this server never issues).
// It goes to the uncommitted what-if folder; apps/token-server's must-fail check verifies it against
// the real server and requires the verification to FAIL on `refresh_token`.

describe('what-if: a client that reads refresh_token from a client_credentials response', () => {
  it('writes the pact such a client would write, with the real client reading the field', async () => {
    const pact = consumerPact({ dir: WHAT_IF_PACTS_DIR, consumer: 'pipeshub-client-reading-refresh-token' })
    pact
      .given(STATES.confidentialClientExists, {
        clientId: EXAMPLE.clientId,
        clientSecret: EXAMPLE.clientSecret,
        scopes: EXAMPLE.scopes.clientCredentials.split(' '),
        redirectUris: [EXAMPLE.redirectUri],
        grantTypes: ['client_credentials'],
      })
      .uponReceiving('a client credentials token request, expecting a refresh token')
      .withRequest(tokenRequest(clientCredentialsRequest(EXAMPLE.scopes.clientCredentials)))
      .willRespondWith(
        tokenResponse({
          refresh_token: EXAMPLE.refreshToken,
          scope: EXAMPLE.scopes.clientCredentials,
        }),
      )
    await pact.executeTest(async (mockServer) => {
      const client = clientAgainst(mockServer.url, {
        issuer: EXAMPLE.issuer,
        tokenEndpoint: `${EXAMPLE.issuer}${ROUTES.token}`,
      })
      const tokens = await client.clientCredentials({ scope: EXAMPLE.scopes.clientCredentials })
      // The changed client's read: against the mock it works, so only the provider can catch it.
      expect(tokens.refreshToken).toBe(EXAMPLE.refreshToken)
    })
  })
})
