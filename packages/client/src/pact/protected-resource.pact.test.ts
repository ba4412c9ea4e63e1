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
import { ProtectedResourceMetadataWire } from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { discoverResourceMetadata } from '../index.js'

// Protected resource metadata (RFC 9728): the token server publishes the document of PipesHub's MCP
// server, and a client that knows only the resource's URL learns from it where to get a token.

describe('protected resource metadata (RFC 9728 §3)', () => {
  it("reads the MCP server's document from its well-known URL: the resource, its authorization servers and scopes", async () => {
    const document = {
      resource: EXAMPLE.resource,
      resource_name: 'PipesHub MCP server',
      authorization_servers: [EXAMPLE.issuer],
      scopes_supported: [EXAMPLE.resourceScope],
      bearer_methods_supported: ['header' as const],
    }
    const pact = consumerPact()
    pact
      .uponReceiving("a request for the MCP server's protected resource metadata")
      .withRequest({
        method: 'GET',
        path: ROUTES.mcpResourceMetadata,
        headers: { Accept: 'application/json' },
      })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(ProtectedResourceMetadataWire, document, {
          // RFC 9728 §3.3: the document is for exactly the resource the client asked about.
          exact: ['/resource'],
          overrides: {
            // Issuer identifiers (RFC 8414 §2): https URLs; the provider's own issuer by shape.
            '/authorization_servers': MatchersV3.eachLike(
              MatchersV3.regex('^https://[^?#]+$', EXAMPLE.issuer),
              1,
            ),
            // The scopes the client asks for must be listed; the resource may list more.
            '/scopes_supported': MatchersV3.arrayContaining(EXAMPLE.resourceScope),
            '/bearer_methods_supported': MatchersV3.arrayContaining('header'),
          },
        }),
      })
    await pact.executeTest(async (mockServer) => {
      const metadata = await discoverResourceMetadata(EXAMPLE.resource, {
        fetch: fetchThroughMockServer(mockServer.url),
        now: () => EXAMPLE_NOW_MS,
        retry: false,
      })
      expect({ ...metadata }).toEqual({
        resource: EXAMPLE.resource,
        resourceName: document.resource_name,
        authorizationServers: [EXAMPLE.issuer],
        scopesSupported: [EXAMPLE.resourceScope],
        bearerMethodsSupported: ['header'],
      })
    })
  })
})
