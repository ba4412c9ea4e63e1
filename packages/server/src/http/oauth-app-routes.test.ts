import { ScopeCatalogueWire } from '@pipeshub/models'
import Fastify from 'fastify'
import { Compile } from 'typebox/compile'
import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from '../authorization-server.js'
import { createMemoryStore } from '../store/memory.js'
import { ISSUER } from '../test-support/fixtures.js'
import { oauth2Plugin } from './plugin.js'

async function app(options: { appManagement?: boolean; scopes?: string[] } = {}) {
  const authorizationServer = createAuthorizationServer({
    issuer: ISSUER,
    store: createMemoryStore(),
    ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
  })
  const fastify = Fastify()
  await fastify.register(oauth2Plugin, { authorizationServer, appManagement: options.appManagement ?? true })
  return fastify
}

describe('GET /api/v1/oauth-clients/scopes', () => {
  it('answers every scope the server knows, in words, grouped by category, to anyone', async () => {
    const fastify = await app()
    const response = await fastify.inject({ method: 'GET', url: '/api/v1/oauth-clients/scopes' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    const body = response.json() as {
      categories: Array<{ category: string; scopes: Array<{ name: string }> }>
    }
    expect(Compile(ScopeCatalogueWire).Check(body)).toBe(true)
    expect(body.categories.flatMap((group) => group.scopes)).toHaveLength(39)
    expect(body.categories.find((group) => group.category === 'Knowledge Base')).toEqual({
      category: 'Knowledge Base',
      scopes: [
        {
          name: 'kb:read',
          description: 'Read the documents and records in your knowledge bases',
          category: 'Knowledge Base',
          adminOnly: false,
        },
        {
          name: 'kb:write',
          description: 'Create and change knowledge bases and their records',
          category: 'Knowledge Base',
          adminOnly: false,
        },
        {
          name: 'kb:delete',
          description: 'Delete knowledge bases and their records',
          category: 'Knowledge Base',
          adminOnly: false,
        },
        {
          name: 'kb:upload',
          description: 'Upload files into your knowledge bases',
          category: 'Knowledge Base',
          adminOnly: false,
        },
      ],
    })
    await fastify.close()
  })

  it("lists a configured registry's own scopes under Other", async () => {
    const fastify = await app({ scopes: ['openid', 'billing:read'] })
    const body = (await fastify.inject({ method: 'GET', url: '/api/v1/oauth-clients/scopes' })).json()
    expect(body).toEqual({
      categories: [
        {
          category: 'Identity',
          scopes: [
            { name: 'openid', description: 'Confirm who you are', category: 'Identity', adminOnly: false },
          ],
        },
        {
          category: 'Other',
          scopes: [
            { name: 'billing:read', description: 'billing:read', category: 'Other', adminOnly: false },
          ],
        },
      ],
    })
    await fastify.close()
  })

  it('is not mounted unless app management is asked for', async () => {
    const fastify = await app({ appManagement: false })
    expect((await fastify.inject({ method: 'GET', url: '/api/v1/oauth-clients/scopes' })).statusCode).toBe(
      404,
    )
    await fastify.close()
  })
})
