import { describe, expect, it } from 'vitest'
import { ResponseValidationError } from './errors.js'
import {
  discoverAuthorizationServerForResource,
  discoverResourceMetadata,
  resourceMetadataFromChallenge,
} from './protected-resource.js'
import { cannedFetch, json } from './test-support/canned-fetch.js'

const MCP = 'https://api.example/mcp'
const AS = 'https://as.example'
const resourceDocument = { resource: MCP, authorization_servers: [AS], scopes_supported: ['kb:read'], x: 1 }
const asDocument = { issuer: AS, token_endpoint: `${AS}/token`, response_types_supported: ['code'] }

describe('RFC 9728 discovery from a resource', () => {
  it('reads resource_metadata from a Bearer challenge, among other challenges', () => {
    expect(
      resourceMetadataFromChallenge(
        'Basic realm="x", Bearer error="invalid_token", resource_metadata="https://api.example/.well-known/oauth-protected-resource/mcp"',
      ),
    ).toBe('https://api.example/.well-known/oauth-protected-resource/mcp')
    expect(resourceMetadataFromChallenge('Bearer realm="api"')).toBeUndefined()
    expect(resourceMetadataFromChallenge(null)).toBeUndefined()
    const response = new Response(null, {
      status: 401,
      headers: { 'www-authenticate': 'Bearer resource_metadata="https://m.example/doc"' },
    })
    expect(resourceMetadataFromChallenge(response)).toBe('https://m.example/doc')
  })

  it('follows the challenge, then discovers the authorization server the resource names', async () => {
    const { fetch, requests } = cannedFetch(json(200, resourceDocument), json(200, asDocument))
    const found = await discoverAuthorizationServerForResource(MCP, {
      fetch,
      challenge: 'Bearer resource_metadata="https://api.example/meta/mcp"',
    })
    expect(requests.map((r) => r.url)).toEqual([
      'https://api.example/meta/mcp',
      'https://as.example/.well-known/oauth-authorization-server',
    ])
    expect(found.resource).toEqual({
      resource: MCP,
      authorizationServers: [AS],
      scopesSupported: ['kb:read'],
    })
    expect(found.resource.raw.x).toBe(1)
    expect(found.authorizationServer.tokenEndpoint).toBe(`${AS}/token`)
  })

  it('uses the well-known URL of the resource without a challenge', async () => {
    const { fetch, requests } = cannedFetch(json(200, resourceDocument))
    await discoverResourceMetadata(MCP, { fetch })
    expect(requests.map((r) => r.url)).toEqual([
      'https://api.example/.well-known/oauth-protected-resource/mcp',
    ])
  })

  it('refuses a document for another resource (RFC 9728 §3.3)', async () => {
    const { fetch } = cannedFetch(json(200, { ...resourceDocument, resource: 'https://evil.example/mcp' }))
    const error = await discoverResourceMetadata(MCP, { fetch }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect((error as ResponseValidationError).issues[0]?.path).toBe('/resource')
  })

  it('refuses an authorization server the resource does not name, and a resource naming none', async () => {
    const named = cannedFetch(json(200, resourceDocument))
    await expect(
      discoverAuthorizationServerForResource(MCP, {
        fetch: named.fetch,
        authorizationServer: 'https://other.example',
      }),
    ).rejects.toThrow(/authorization server https:\/\/other.example/)
    const none = cannedFetch(json(200, { resource: MCP }))
    await expect(discoverAuthorizationServerForResource(MCP, { fetch: none.fetch })).rejects.toThrow(
      /must name an authorization server/,
    )
  })

  it('refuses a resource with a fragment before any request', async () => {
    const { fetch, requests } = cannedFetch()
    await expect(discoverResourceMetadata(`${MCP}#x`, { fetch })).rejects.toThrow(TypeError)
    expect(requests).toHaveLength(0)
  })
})
