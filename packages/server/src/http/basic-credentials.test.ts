import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { authenticateClient, parseBasicCredentials } from '../client-authentication.js'
import { registerClient } from '../client-registration.js'
import { createMemoryStore } from '../store/memory.js'
import { basic } from '../test-support/fixtures.js'
import { requestBasicCredentials } from './basic-credentials.js'

describe('HTTP Basic client credentials, parsed once per request', () => {
  it('answers the same parse to every step of one request, and a fresh one to the next request', async () => {
    const app = Fastify()
    const seen: unknown[] = []
    app.addHook('preHandler', async (request) => {
      seen.push(requestBasicCredentials(request))
    })
    app.post('/token', async (request) => {
      const parsed = requestBasicCredentials(request)
      return { same: parsed === seen.at(-1), clientId: parsed?.credentials?.clientId ?? null }
    })
    const post = (authorization?: string) =>
      app.inject({ method: 'POST', url: '/token', headers: authorization ? { authorization } : {} })
    expect((await post(basic('app', 'secret'))).json()).toEqual({ same: true, clientId: 'app' })
    expect((await post(basic('other', 'secret'))).json()).toEqual({ same: true, clientId: 'other' })
    expect((await post('Basic !!!')).json()).toEqual({ same: true, clientId: null })
    expect((await post('Bearer abc')).json()).toEqual({ same: true, clientId: null })
    expect(seen[2]).toEqual({ header: 'Basic !!!', credentials: undefined })
    expect(seen[3]).toBeUndefined()
    await app.close()
  })

  it('authenticates with the parse it is given, and only for the header it came from', async () => {
    const store = createMemoryStore()
    const { client, clientSecret = '' } = await registerClient(store, {
      name: 'service',
      grantTypes: ['client_credentials'],
    })
    const authorization = basic(client.clientId, clientSecret)
    const wrong = { clientId: client.clientId, clientSecret: 'not the secret' }
    // The given parse is used as it is: it stands for this very header.
    await expect(
      authenticateClient(store, { authorization, basic: { header: authorization, credentials: wrong } }),
    ).rejects.toMatchObject({ error: 'invalid_client', status: 401 })
    // A parse of another header is ignored: the header itself is parsed.
    const other = parseBasicCredentials(basic(client.clientId, 'not the secret'))
    await expect(authenticateClient(store, { authorization, basic: other })).resolves.toMatchObject({
      method: 'client_secret_basic',
    })
    await expect(
      authenticateClient(store, { authorization, basic: parseBasicCredentials(authorization) }),
    ).resolves.toMatchObject({ client: { clientId: client.clientId } })
  })
})
