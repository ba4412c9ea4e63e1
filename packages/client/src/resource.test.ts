import { describe, expect, it } from 'vitest'
import { OAuthClient } from './oauth-client.js'
import { cannedFetch, json } from './test-support/canned-fetch.js'

const MCP = 'https://api.example/mcp'
const KB = 'https://kb.example/api'
const metadata = {
  issuer: 'https://as.example',
  authorizationEndpoint: 'https://as.example/authorize?resource=https%3A%2F%2Fstale.example',
  tokenEndpoint: 'https://as.example/token',
}
const tokens = { access_token: 'at-1', token_type: 'Bearer', expires_in: 600, refresh_token: 'rt-1' }

function clientWith(replies: number) {
  const canned = cannedFetch(...Array.from({ length: replies }, () => json(200, tokens)))
  const client = new OAuthClient({
    metadata,
    clientId: 'agent',
    clientSecret: 's',
    fetch: canned.fetch,
    retry: false,
  })
  return { client, requests: canned.requests }
}

describe('RFC 8707 resource on every request of the client', () => {
  it('repeats resource in the authorization URL, replacing the endpoint query, and returns it', async () => {
    const { client } = clientWith(0)
    const request = await client.createAuthorizationRequest({
      redirectUri: 'http://127.0.0.1:8080/cb',
      resource: [MCP, KB, MCP],
    })
    expect(request.url.searchParams.getAll('resource')).toEqual([MCP, KB])
    expect(request.resource).toEqual([MCP, KB])
    // Without resource the endpoint's own query stays as it is; nothing was requested.
    const none = await client.createAuthorizationRequest({ redirectUri: 'http://127.0.0.1:8080/cb' })
    expect(none.url.searchParams.getAll('resource')).toEqual(['https://stale.example'])
    expect(none.resource).toEqual([])
  })

  it('sends resource with the code exchange, the refresh and client credentials', async () => {
    const { client, requests } = clientWith(3)
    await client.exchangeAuthorizationCode({
      code: 'c',
      redirectUri: 'http://127.0.0.1:8080/cb',
      codeVerifier: 'v'.repeat(43),
      resource: MCP,
    })
    await client.refresh({ refreshToken: 'rt-1', resource: [KB] })
    await client.clientCredentials({ scope: 'kb:read', resource: [MCP, KB] })
    expect(requests.map((request) => request.form?.getAll('resource'))).toEqual([[MCP], [KB], [MCP, KB]])
  })

  it('refuses a resource that is not an absolute URI without a fragment, before any request', async () => {
    const { client, requests } = clientWith(1)
    await expect(client.clientCredentials({ resource: `${MCP}#part` })).rejects.toThrow(TypeError)
    await expect(client.refresh({ refreshToken: 'rt', resource: ['/relative'] })).rejects.toThrow(TypeError)
    await expect(
      client.createAuthorizationRequest({ redirectUri: 'http://127.0.0.1/cb', resource: 'mcp' }),
    ).rejects.toThrow(/absolute URI/)
    expect(requests).toHaveLength(0)
  })
})
