import { protectedResourceMetadataCodec } from '@pipeshub/models'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createAuthorizationServer } from '../authorization-server.js'
import { createMemoryStore } from '../store/memory.js'
import { dpopKey } from '../test-support/dpop.js'
import { basic, ISSUER } from '../test-support/fixtures.js'
import { bearerGuard, protectedResourcePlugin, resourceMetadataChallenge } from './protected-resource.js'

const RESOURCE = 'https://api.pipeshub.test/mcp'
const METADATA_URL = 'https://api.pipeshub.test/.well-known/oauth-protected-resource/mcp'

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function resourceServer() {
  const server = createAuthorizationServer({
    issuer: ISSUER,
    store: createMemoryStore(),
    resources: [{ resource: RESOURCE }],
  })
  const instance = Fastify()
  app = instance
  await instance.register(protectedResourcePlugin, {
    metadata: {
      resource: RESOURCE,
      authorizationServers: [ISSUER],
      scopesSupported: ['kb:read'],
      bearerMethodsSupported: ['header'],
    },
  })
  instance.get(
    '/mcp',
    {
      preHandler: bearerGuard({
        resource: RESOURCE,
        verifyAccessToken: (t) => server.verifyAccessToken(t, { audience: RESOURCE }),
      }),
    },
    async (request) => ({
      sub: (request as unknown as { accessToken: { sub: string } }).accessToken.sub,
    }),
  )
  const registered = await server.registerClient({
    name: 'svc',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read'],
  })
  const token = (resource?: string, dpop?: string) =>
    server.token(
      { grant_type: 'client_credentials', scope: 'kb:read', ...(resource === undefined ? {} : { resource }) },
      {
        authorization: basic(registered.client.clientId, registered.clientSecret ?? ''),
        ...(dpop === undefined ? {} : { dpop: [dpop] }),
      },
    )
  return { app: instance, token, clientId: registered.client.clientId }
}

describe('RFC 9728 protected resource metadata for resource servers', () => {
  it('publishes the document at the well-known path of the resource, valid against the schema', async () => {
    const { app } = await resourceServer()
    const res = await app.inject({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.headers['cache-control']).toBe('public, max-age=300')
    const body = res.json()
    expect(protectedResourceMetadataCodec.check(body)).toBe(true)
    expect(body).toEqual({
      resource: RESOURCE,
      authorization_servers: [ISSUER],
      scopes_supported: ['kb:read'],
      bearer_methods_supported: ['header'],
    })
  })

  it('refuses to publish a document the schema cannot describe', async () => {
    const bad = Fastify()
    await expect(
      bad
        .register(protectedResourcePlugin, { metadata: { resource: 'https://api.pipeshub.test/#frag' } })
        .ready(),
    ).rejects.toThrow(/resource/)
    await bad.close()
  })

  it('answers a request without a token 401 with the resource_metadata challenge and no error code', async () => {
    const { app } = await resourceServer()
    const res = await app.inject({ method: 'GET', url: '/mcp' })
    expect(res.statusCode).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`Bearer resource_metadata="${METADATA_URL}"`)
    expect(res.body).toBe('')
  })

  it('answers invalid_token for a token of another audience and lets a token for the resource through', async () => {
    const { app, token, clientId } = await resourceServer()
    const other = await token()
    const refused = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { authorization: `Bearer ${other.accessToken}` },
    })
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"')
    expect(refused.headers['www-authenticate']).toContain(`resource_metadata="${METADATA_URL}"`)
    const malformed = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { authorization: 'Bearer a b' },
    })
    expect(malformed.headers['www-authenticate']).toContain('error="invalid_request"')
    const good = await token(RESOURCE)
    const ok = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { authorization: `Bearer ${good.accessToken}` },
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ sub: clientId })
  })

  it('refuses a DPoP-bound token presented as Bearer (RFC 9449 §7.2)', async () => {
    const { app, token } = await resourceServer()
    const key = await dpopKey()
    const bound = await token(RESOURCE, await key.proof({ htu: `${ISSUER}/api/v1/oauth2/token` }))
    expect(bound.tokenType).toBe('DPoP')
    const refused = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { authorization: `Bearer ${bound.accessToken}` },
    })
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"')
  })

  it('writes the challenge parameters as quoted strings, replacing characters they cannot hold', () => {
    expect(
      resourceMetadataChallenge({
        resourceMetadata: METADATA_URL,
        error: 'insufficient_scope',
        errorDescription: 'needs "kb:read"',
        scope: 'kb:read',
      }),
    ).toBe(
      `Bearer resource_metadata="${METADATA_URL}", error="insufficient_scope", error_description="needs 'kb:read'", scope="kb:read"`,
    )
  })
})
