import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bearerGuard, createMemoryStore, protectedResourcePlugin } from '@pipeshub/server'
import Fastify, { type FastifyInstance } from 'fastify'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { FormSession, hiddenFields } from './test-support/form-session.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

// The "Done when" of the MCP authorization profile: a tool that knows only the MCP authorization
// specification (RFC 9728, RFC 8414, RFC 7591, OAuth 2.1 code flow with PKCE, RFC 8707), starting from
// the resource's 401, ends up calling the resource with a token whose `aud` is that resource. Everything
// goes over HTTP to the real token server; the tool below uses plain fetch and nothing of this project.

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The token server on a port of its own; its issuer is its real URL, so discovery points at it. */
async function startTokenServer(resource: string): Promise<{ server: TokenServer; issuer: string }> {
  const probe = createServer()
  const port = Number(new URL(await listening(probe)).port)
  await new Promise((resolve) => probe.close(resolve))
  cleanups.pop()
  const issuer = `http://127.0.0.1:${port}`
  const store = createMemoryStore()
  await createTestUser(store)
  const server = await createTokenServer({
    config: testConfig({
      port,
      registration: true,
      resources: [{ resource, scopes: ['kb:read', 'agent:execute'], accessTokenLifetime: 600 }],
    }),
    store,
    issuer,
  })
  cleanups.push(() => server.close())
  await server.app.listen({ host: '127.0.0.1', port })
  return { server, issuer }
}

/**
 * A stand-in for PipesHub's MCP server: it publishes its RFC 9728 metadata and accepts only access
 * tokens from the authorization server (its JWKS) whose `aud` is itself.
 */
async function startResource(raw: Server, resource: string, issuer: string): Promise<FastifyInstance> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`))
  const app = Fastify({
    serverFactory: (handler) => {
      raw.on('request', handler)
      return raw
    },
  })
  await app.register(protectedResourcePlugin, {
    metadata: {
      resource,
      authorizationServers: [issuer],
      scopesSupported: ['kb:read'],
      bearerMethodsSupported: ['header'],
    },
  })
  app.post(
    '/mcp',
    {
      preHandler: bearerGuard({
        resource,
        verifyAccessToken: async (token) =>
          (await jwtVerify(token, jwks, { issuer, audience: resource, typ: 'at+jwt' })).payload,
      }),
    },
    async (request) => ({
      jsonrpc: '2.0',
      id: 1,
      result: { sub: (request as unknown as { accessToken: { sub: string } }).accessToken.sub },
    }),
  )
  await app.ready()
  cleanups.push(() => app.close())
  return app
}

/** What an MCP client reads from a `WWW-Authenticate` header: the Bearer challenge's resource_metadata. */
function resourceMetadataUrl(header: string | null): string {
  const match = /(?:^|[\s,])resource_metadata="([^"]+)"/.exec(header ?? '')
  if (!match?.[1]) throw new Error(`no resource_metadata in ${header}`)
  return match[1]
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers: { accept: 'application/json' } })
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`)
  return (await response.json()) as Record<string, unknown>
}

describe('the MCP authorization profile, end to end over HTTP', () => {
  it('goes from the resource 401 to a call with a token for the resource: discovery, registration, code flow with PKCE and resource', async () => {
    const raw = createServer()
    const resourceOrigin = await listening(raw)
    const resource = `${resourceOrigin}/mcp`
    const { issuer } = await startTokenServer(resource)
    await startResource(raw, resource, issuer)
    const call = (authorization?: string) =>
      fetch(resource, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      })

    // 1. The resource refuses the anonymous call and names its metadata (RFC 9728 §5.1).
    const refused = await call()
    expect(refused.status).toBe(401)
    const metadataUrl = resourceMetadataUrl(refused.headers.get('www-authenticate'))
    expect(metadataUrl).toBe(`${resourceOrigin}/.well-known/oauth-protected-resource/mcp`)

    // 2. The protected resource metadata names the authorization server (RFC 9728 §3).
    const resourceMetadata = await getJson(metadataUrl)
    expect(resourceMetadata.resource).toBe(resource)
    const [authorizationServer] = resourceMetadata.authorization_servers as string[]
    expect(authorizationServer).toBe(issuer)

    // 3. Its RFC 8414 metadata (the well-known suffix after the host; the issuer has no path).
    const asMetadata = await getJson(`${authorizationServer}/.well-known/oauth-authorization-server`)
    expect(asMetadata.issuer).toBe(issuer)
    expect(asMetadata.code_challenge_methods_supported).toContain('S256')
    const registrationEndpoint = asMetadata.registration_endpoint as string

    // 4. Dynamic client registration as a public native client on a loopback redirect (RFC 7591).
    const redirectUri = 'http://127.0.0.1:43219/callback'
    const registration = await fetch(registrationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'spec-only MCP client',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    })
    expect(registration.status).toBe(201)
    const client = (await registration.json()) as { client_id: string; client_secret?: string }
    expect(client.client_secret).toBeUndefined()

    // 5. The authorization request with PKCE S256 and resource (RFC 7636, RFC 8707), login and consent.
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const state = randomBytes(16).toString('base64url')
    const authorize = new URL(asMetadata.authorization_endpoint as string)
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      scope: 'kb:read offline_access',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource,
    }).toString()
    const browser = new FormSession(issuer)
    const login = await browser.get(authorize.toString())
    expect(login.status).toBe(200)
    const loginHtml = await login.text()
    const formPath = authorize.pathname
    const consent = await browser.postForm(formPath, {
      ...hiddenFields(loginHtml),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    expect(consent.status).toBe(200)
    const consentHtml = await consent.text()
    expect(hiddenFields(consentHtml).resource).toBe(resource)
    const back = await browser.postForm(formPath, { ...hiddenFields(consentHtml), consent: 'granted' })
    expect(back.status).toBe(303)
    const callback = new URL(back.headers.get('location') ?? '')
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri)
    expect(callback.searchParams.get('state')).toBe(state)
    expect(callback.searchParams.get('iss')).toBe(issuer)

    // 6. The code exchange, with the verifier and the resource again.
    const tokenResponse = await fetch(asMetadata.token_endpoint as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        redirect_uri: redirectUri,
        client_id: client.client_id,
        code_verifier: verifier,
        resource,
      }).toString(),
    })
    expect(tokenResponse.status).toBe(200)
    const tokens = (await tokenResponse.json()) as {
      access_token: string
      refresh_token?: string
      expires_in: number
    }
    expect(decodeJwt(tokens.access_token).aud).toBe(resource)
    expect(tokens.expires_in).toBe(600)

    // 7. The resource accepts the call with that token.
    const accepted = await call(`Bearer ${tokens.access_token}`)
    expect(accepted.status).toBe(200)
    expect(await accepted.json()).toEqual({ jsonrpc: '2.0', id: 1, result: { sub: 'user-1' } })

    // A refresh for the resource gets a token the resource accepts too; one for the token server's
    // own audience (no resource) is refused by the resource.
    let refreshToken = tokens.refresh_token ?? ''
    const refresh = async (extra: Record<string, string>) => {
      const response = await fetch(asMetadata.token_endpoint as string, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: client.client_id,
          ...extra,
        }).toString(),
      })
      return (await response.json()) as { access_token?: string; refresh_token?: string; error?: string }
    }
    const refreshed = await refresh({ resource })
    expect(decodeJwt(refreshed.access_token ?? '').aud).toBe(resource)
    expect((await call(`Bearer ${refreshed.access_token}`)).status).toBe(200)
    refreshToken = refreshed.refresh_token ?? ''
    expect(await refresh({ resource: `${resourceOrigin}/other` })).toMatchObject({ error: 'invalid_target' })
  })
})
