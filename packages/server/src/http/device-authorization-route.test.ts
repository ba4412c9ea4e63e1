import { deviceAuthorizationResponseCodec, errorResponseCodec } from '@pipeshub/models'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { ISSUER } from '../test-support/fixtures.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

// The device authorization endpoint over HTTP (RFC 8628 §3.1): a form POST, a JSON answer, no-store.

const URL_PATH = '/api/v1/oauth2/device_authorization'
let app: AuthorizationServerApp
let clientId: string

beforeAll(async () => {
  app = await buildAuthorizationServerApp({ issuer: ISSUER, store: createMemoryStore() })
  const { client } = await app.authorizationServer.registerClient({
    name: 'TV',
    public: true,
    redirectUris: [],
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
  })
  clientId = client.clientId
})
afterAll(async () => {
  await app.close()
})

describe(`POST ${URL_PATH}`, () => {
  it('answers the RFC 8628 §3.2 response to a public client identified by client_id', async () => {
    const res = await app.inject({
      method: 'POST',
      url: URL_PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `client_id=${encodeURIComponent(clientId)}&scope=openid`,
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(deviceAuthorizationResponseCodec.check(res.json())).toBe(true)
    expect(res.json()).toMatchObject({ verification_uri: `${ISSUER}/device`, expires_in: 600, interval: 5 })
  })

  it('answers invalid_client (401) to an unknown client and 405 with Allow to a GET', async () => {
    const unknown = await app.inject({
      method: 'POST',
      url: URL_PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'client_id=nobody&scope=openid',
    })
    expect(unknown.statusCode).toBe(401)
    expect(errorResponseCodec.decode(unknown.json()).error).toBe('invalid_client')
    const get = await app.inject({ method: 'GET', url: URL_PATH })
    expect(get.statusCode).toBe(405)
    expect(get.headers.allow).toBe('POST')
  })

  it('refuses a client_secret in the query string (RFC 6749 §2.3.1)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `${URL_PATH}?client_secret=x`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `client_id=${encodeURIComponent(clientId)}&scope=openid`,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'invalid_request' })
  })
})
