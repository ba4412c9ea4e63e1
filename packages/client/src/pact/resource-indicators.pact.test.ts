import { EXAMPLE, formBody, INJECTED, ROUTES, STATES } from '@pipeshub/contracts'
import { ClientCredentialsTokenRequestWire, RefreshTokenRequestWire } from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import type { OAuthClient } from '../index.js'
import {
  clientAgainst,
  expectOAuthError,
  oauthErrorResponse,
  pactWithConfidentialClient,
  tokenRequest,
  tokenResponse,
} from './interactions.js'

// RFC 8707: a token request naming the resource server the token is for. The access token is opaque to
// the client (RFC 9068 §6), so its `aud` is not in the pact; the provider verification decodes the
// tokens it issued for these requests and requires `aud` to be the resource.

const METADATA = {
  issuer: EXAMPLE.issuer,
  tokenEndpoint: `${EXAMPLE.issuer}${ROUTES.token}`,
}

function client(mockServerUrl: string): OAuthClient {
  return clientAgainst(mockServerUrl, METADATA)
}

/** A user grant for the MCP server: the scope it accepts, and offline_access for a refresh token. */
const RESOURCE_GRANT = {
  clientId: EXAMPLE.clientId,
  subject: EXAMPLE.subject,
  scope: `offline_access ${EXAMPLE.resourceScope}`,
  resource: EXAMPLE.resource,
}

describe('resource indicators on the token endpoint (RFC 8707 §2.2)', () => {
  it('gets a client credentials token for the resource it names', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a client credentials token request for a resource')
      .withRequest(
        tokenRequest(
          formBody(ClientCredentialsTokenRequestWire, {
            grant_type: 'client_credentials',
            scope: EXAMPLE.resourceScope,
            resource: EXAMPLE.resource,
          }),
        ),
      )
      .willRespondWith(tokenResponse({ scope: EXAMPLE.resourceScope }, ['/scope']))
    await pact.executeTest(async (mockServer) => {
      const tokens = await client(mockServer.url).clientCredentials({
        scope: EXAMPLE.resourceScope,
        resource: EXAMPLE.resource,
      })
      expect(tokens.accessToken).toBe(EXAMPLE.accessToken)
      expect(tokens.scope).toBe(EXAMPLE.resourceScope)
    })
  })

  it('refreshes a grant for a resource, naming that resource', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.refreshTokenIssued, { ...RESOURCE_GRANT })
      .uponReceiving('a refresh token request for a resource of the grant')
      .withRequest(
        tokenRequest(
          formBody(
            RefreshTokenRequestWire,
            { grant_type: 'refresh_token', refresh_token: EXAMPLE.refreshToken, resource: EXAMPLE.resource },
            { refresh_token: INJECTED.refreshToken },
          ),
        ),
      )
      .willRespondWith(
        tokenResponse({ refresh_token: EXAMPLE.rotatedRefreshToken, scope: RESOURCE_GRANT.scope }, [
          '/scope',
        ]),
      )
    await pact.executeTest(async (mockServer) => {
      const tokens = await client(mockServer.url).refresh({
        refreshToken: EXAMPLE.refreshToken,
        resource: EXAMPLE.resource,
      })
      expect(tokens.refreshToken).toBe(EXAMPLE.rotatedRefreshToken)
      expect(tokens.scope).toBe(RESOURCE_GRANT.scope)
    })
  })

  it('surfaces invalid_target for a resource the server does not know', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a client credentials token request for an unknown resource')
      .withRequest(
        tokenRequest(
          formBody(ClientCredentialsTokenRequestWire, {
            grant_type: 'client_credentials',
            scope: EXAMPLE.resourceScope,
            resource: EXAMPLE.unknownResource,
          }),
        ),
      )
      .willRespondWith(oauthErrorResponse('invalid_target'))
    await pact.executeTest(async (mockServer) => {
      await expectOAuthError(
        client(mockServer.url).clientCredentials({
          scope: EXAMPLE.resourceScope,
          resource: EXAMPLE.unknownResource,
        }),
        'invalid_target',
        400,
      )
    })
  })
})
