import { describe, expect, it } from 'vitest'
import { buildClient, checkWebOrigin, registerClient, updateClient } from './client-registration.js'
import { OAuthError } from './errors.js'
import { createMemoryStore } from './store/memory.js'

describe('web origins of a client (CORS)', () => {
  it('keeps exact origins, once each', async () => {
    const { client } = await buildClient({
      name: 'spa',
      public: true,
      redirectUris: ['https://app.example.com/cb'],
      webOrigins: ['https://app.example.com', 'http://127.0.0.1:5173', 'https://app.example.com'],
    })
    expect(client.webOrigins).toEqual(['https://app.example.com', 'http://127.0.0.1:5173'])
  })

  it('defaults to none', async () => {
    const { client } = await buildClient({ name: 'job' })
    expect(client.webOrigins).toEqual([])
  })

  it.each([
    ['https://app.example.com/', 'no path'],
    ['https://app.example.com/cb', 'no path'],
    ['https://App.Example.com', 'lower case'],
    ['https://app.example.com:443', 'default port'],
    ['http://app.example.com', 'http only for loopback'],
    ['app.example.com', 'not an absolute URL'],
    ['ftp://app.example.com', 'https or http'],
    ['*', 'not an absolute URL'],
  ])('refuses %s (%s) as invalid_client_metadata naming the origin', async (origin, why) => {
    const error = await buildClient({ name: 'spa', webOrigins: [origin] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OAuthError)
    expect((error as OAuthError).error).toBe('invalid_client_metadata')
    expect((error as OAuthError).errorDescription).toContain(origin)
    expect((error as OAuthError).errorDescription).toContain(why)
  })

  it('accepts an origin with a non-default port', () => {
    expect(checkWebOrigin('https://app.example.com:8443')).toBe('https://app.example.com:8443')
  })
})

describe('updateClient', () => {
  it('changes the given metadata under the registration rules, keeping id, secret and status', async () => {
    const store = createMemoryStore()
    const { client } = await registerClient(store, { name: 'job', grantTypes: ['client_credentials'] })
    const updated = await updateClient(store, client.clientId, {
      name: 'Nightly job',
      scopes: ['kb:read'],
      accessTokenLifetime: 600,
    })
    expect(updated).toMatchObject({ name: 'Nightly job', scopes: ['kb:read'], accessTokenLifetime: 600 })
    expect(updated?.secretHash).toBe(client.secretHash)
    expect(await store.clients.get(client.clientId)).toEqual(updated)
    await expect(updateClient(store, client.clientId, { scopes: ['no:such'] })).rejects.toMatchObject({
      error: 'invalid_client_metadata',
    })
    await expect(updateClient(store, client.clientId, { name: '' })).rejects.toMatchObject({
      errorDescription: 'name must be 1-200 characters',
    })
    // A refused change stores nothing.
    expect(await store.clients.get(client.clientId)).toEqual(updated)
    expect(await updateClient(store, 'unknown', { name: 'x' })).toBeUndefined()
  })
})
