import { errorResponseCodec, pushedAuthorizationResponseCodec } from '@pipeshub/models'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { basic, ISSUER, pkcePair, REDIRECT_URI } from '../test-support/fixtures.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

const PAR = '/api/v1/oauth2/par'
const FORM = 'application/x-www-form-urlencoded'

let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function start() {
  app = await buildAuthorizationServerApp({ issuer: ISSUER, store: createMemoryStore() })
  const { client, clientSecret } = await app.authorizationServer.registerClient({
    name: 'web',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'kb:read'],
  })
  const body = new URLSearchParams({
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid kb:read',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 's',
  })
  return { app, client, authorization: basic(client.clientId, clientSecret ?? ''), body }
}

describe('POST /oauth2/par (RFC 9126 section 2)', () => {
  it('answers 201 with a PushedAuthorizationResponse, no-store', async () => {
    const { app, authorization, body } = await start()
    const res = await app.inject({
      method: 'POST',
      url: PAR,
      headers: { 'content-type': FORM, authorization },
      payload: body.toString(),
    })
    expect(res.statusCode).toBe(201)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(pushedAuthorizationResponseCodec.validate(res.json())).toEqual([])
    expect(res.json().expires_in).toBe(60)
  })

  it('answers a failed client authentication with 401 invalid_client as a JSON body, never a redirect', async () => {
    const { app, client, body } = await start()
    const unauthenticated = await app.inject({
      method: 'POST',
      url: PAR,
      headers: { 'content-type': FORM, authorization: basic(client.clientId, 'not the secret at all') },
      payload: body.toString(),
    })
    expect(unauthenticated.statusCode).toBe(401)
    expect(errorResponseCodec.decode(unauthenticated.json()).error).toBe('invalid_client')
    expect(unauthenticated.headers.location).toBeUndefined()
  })

  it('refuses a bad redirect_uri with 400 JSON and no Location', async () => {
    const { app, authorization, body } = await start()
    body.set('redirect_uri', 'https://evil.example/cb')
    const res = await app.inject({
      method: 'POST',
      url: PAR,
      headers: { 'content-type': FORM, authorization },
      payload: body.toString(),
    })
    expect(res.statusCode).toBe(400)
    expect(res.headers.location).toBeUndefined()
    expect(res.json().error).toBe('invalid_request')
  })

  it('accepts POST only (405 with Allow)', async () => {
    const { app } = await start()
    const res = await app.inject({ method: 'GET', url: PAR })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('POST')
  })
})
