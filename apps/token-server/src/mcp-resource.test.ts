import { protectedResourceMetadataCodec } from '@pipeshub/models'
import { createMemoryStore, registerClient } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import type { TokenServerConfig } from './config.js'
import { PIPESHUB_MCP_SCOPES } from './mcp-resource.js'
import { tokenRequest } from './test-support/form-session.js'

const ISSUER = 'http://token-server.test'
const MCP = 'http://token-server.test/mcp'

const running = closeAfterEach<TokenServer>()

async function start(overrides: Partial<TokenServerConfig> = {}) {
  const store = createMemoryStore()
  const agent = await registerClient(store, {
    name: 'agent',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read', 'org:read'],
  })
  const server = await createTokenServer({ config: testConfig(overrides), store, issuer: ISSUER })
  running.push(server)
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  const basic = `Basic ${Buffer.from(`${agent.client.clientId}:${agent.clientSecret ?? ''}`).toString('base64')}`
  return { server, baseUrl, basic }
}

describe("PipesHub's MCP server metadata (PIPESHUB_MCP_RESOURCE)", () => {
  it('publishes the RFC 9728 document PipesHub serves for its MCP server', async () => {
    const { baseUrl } = await start({
      mcpResource: MCP,
      mcpResourceDocumentation: 'https://docs.pipeshub.test/mcp',
    })
    const res = await fetch(`${baseUrl}/.well-known/oauth-protected-resource/mcp`)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(protectedResourceMetadataCodec.check(body)).toBe(true)
    expect(body).toEqual({
      resource: MCP,
      resource_name: 'PipesHub MCP server',
      authorization_servers: [ISSUER],
      scopes_supported: [...PIPESHUB_MCP_SCOPES],
      bearer_methods_supported: ['header'],
      resource_documentation: 'https://docs.pipeshub.test/mcp',
    })
    const openApi = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(openApi.paths)).toContain('/.well-known/oauth-protected-resource/mcp')
  })

  it('issues tokens for the MCP server with its scopes only, and answers invalid_target for others', async () => {
    const { baseUrl, server, basic } = await start({ mcpResource: MCP })
    const token = `${baseUrl}${server.paths.token}`
    const ok = await tokenRequest(
      token,
      { grant_type: 'client_credentials', scope: 'kb:read', resource: MCP },
      { authorization: basic },
    )
    expect(ok.status).toBe(200)
    expect(decodeJwt(ok.body.access_token as string).aud).toBe(MCP)
    const refused = await tokenRequest(
      token,
      { grant_type: 'client_credentials', scope: 'org:read', resource: MCP },
      { authorization: basic },
    )
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_target' } })
  })

  it('publishes nothing and knows no resource when it is not configured', async () => {
    const { baseUrl, server, basic } = await start()
    expect((await fetch(`${baseUrl}/.well-known/oauth-protected-resource/mcp`)).status).toBe(404)
    const refused = await tokenRequest(
      `${baseUrl}${server.paths.token}`,
      { grant_type: 'client_credentials', scope: 'kb:read', resource: MCP },
      { authorization: basic },
    )
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_target' } })
  })
})
