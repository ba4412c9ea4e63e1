import { MatchersV3 } from '@pact-foundation/pact'
import {
  consumerPact,
  EXAMPLE,
  EXAMPLE_NOW_MS,
  fetchThroughMockServer,
  jsonContentType,
  matchersFor,
  ROUTES,
} from '@pipeshub/contracts'
import { AuthorizationServerMetadataWire } from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { discover, OAuthClient } from '../index.js'

// Discovery (RFC 8414): the client finds every endpoint it calls in the server's metadata.

/** An endpoint URL of the issuer: any origin, but PipesHub's path for it. */
function endpoint(path: string) {
  return MatchersV3.regex(
    `^https?://[^/?#]+(/[^?#]*)?${path.replace(/[.]/g, '\\.')}$`,
    `${EXAMPLE.issuer}${path}`,
  )
}

describe('authorization server metadata (RFC 8414)', () => {
  it('discovers the endpoints, grants and PKCE method the client relies on', async () => {
    const document = {
      issuer: EXAMPLE.issuer,
      authorization_endpoint: `${EXAMPLE.issuer}/api/v1/oauth2/authorize`,
      token_endpoint: `${EXAMPLE.issuer}${ROUTES.token}`,
      revocation_endpoint: `${EXAMPLE.issuer}${ROUTES.revocation}`,
      introspection_endpoint: `${EXAMPLE.issuer}${ROUTES.introspection}`,
      jwks_uri: `${EXAMPLE.issuer}${ROUTES.jwks}`,
      end_session_endpoint: `${EXAMPLE.issuer}${ROUTES.endSession}`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    }
    const pact = consumerPact()
    pact
      .uponReceiving('a request for the authorization server metadata')
      .withRequest({
        method: 'GET',
        path: ROUTES.authorizationServerMetadata,
        headers: { Accept: 'application/json' },
      })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(AuthorizationServerMetadataWire, document, {
          overrides: {
            '/authorization_endpoint': endpoint('/api/v1/oauth2/authorize'),
            '/token_endpoint': endpoint(ROUTES.token),
            '/revocation_endpoint': endpoint(ROUTES.revocation),
            '/introspection_endpoint': endpoint(ROUTES.introspection),
            '/jwks_uri': endpoint(ROUTES.jwks),
            // OpenID Connect RP-Initiated Logout 1.0 §2.1: where endSessionUrl() sends the browser.
            '/end_session_endpoint': endpoint(ROUTES.endSession),
            // What the client uses must be advertised; the server may advertise more.
            '/response_types_supported': MatchersV3.arrayContaining('code'),
            '/grant_types_supported': MatchersV3.arrayContaining(...document.grant_types_supported),
            '/token_endpoint_auth_methods_supported': MatchersV3.arrayContaining('client_secret_basic'),
            '/code_challenge_methods_supported': MatchersV3.arrayContaining('S256'),
          },
        }),
      })
    await pact.executeTest(async (mockServer) => {
      const options = {
        fetch: fetchThroughMockServer(mockServer.url),
        now: () => EXAMPLE_NOW_MS,
        retry: false,
      } as const
      const metadata = await discover(EXAMPLE.issuer, options)
      expect(metadata).toMatchObject({
        issuer: EXAMPLE.issuer,
        tokenEndpoint: document.token_endpoint,
        revocationEndpoint: document.revocation_endpoint,
        introspectionEndpoint: document.introspection_endpoint,
        jwksUri: document.jwks_uri,
        endSessionEndpoint: document.end_session_endpoint,
        codeChallengeMethodsSupported: ['S256'],
      })
      const client = new OAuthClient({
        ...options,
        metadata,
        clientId: EXAMPLE.clientId,
        clientSecret: EXAMPLE.clientSecret,
      })
      expect(client.clientAuthentication).toBe('client_secret_basic')
      expect(client.endSessionUrl({ state: 's' }).href).toBe(
        `${document.end_session_endpoint}?client_id=${encodeURIComponent(EXAMPLE.clientId)}&state=s`,
      )
    })
  })
})
