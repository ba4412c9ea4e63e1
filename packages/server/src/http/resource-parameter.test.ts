import { errorResponseCodec } from '@pipeshub/models'
import { decodeJwt } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { basic, ISSUER, REDIRECT_URI } from '../test-support/fixtures.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

const TOKEN = '/api/v1/oauth2/token'
const MCP = 'https://api.pipeshub.test/mcp'
const KB = 'https://kb.pipeshub.test/api'

let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function start() {
  app = await buildAuthorizationServerApp({
    issuer: ISSUER,
    store: createMemoryStore(),
    resources: [{ resource: MCP }, { resource: KB }],
  })
  const registered = await app.authorizationServer.registerClient({
    name: 'service',
    redirectUris: [REDIRECT_URI],
    grantTypes: ['client_credentials', 'authorization_code'],
    scopes: ['kb:read'],
  })
  return {
    app,
    authorization: basic(registered.client.clientId, registered.clientSecret ?? ''),
    id: registered.client.clientId,
  }
}

describe('the repeatable RFC 8707 resource parameter over HTTP', () => {
  it('takes a repeated form field as several resources: the token is for both', async () => {
    const { app, authorization } = await start()
    const res = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&scope=kb%3Aread&resource=${encodeURIComponent(MCP)}&resource=${encodeURIComponent(KB)}`,
    })
    expect(res.statusCode).toBe(200)
    expect(decodeJwt(res.json<{ access_token: string }>().access_token).aud).toEqual([MCP, KB])
  })

  it('takes a JSON array of resources, and refuses an empty one', async () => {
    const { app, authorization } = await start()
    const ok = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { authorization, 'content-type': 'application/json' },
      payload: JSON.stringify({ grant_type: 'client_credentials', scope: 'kb:read', resource: [KB] }),
    })
    expect(decodeJwt(ok.json<{ access_token: string }>().access_token).aud).toBe(KB)
    const empty = await app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { authorization, 'content-type': 'application/json' },
      payload: JSON.stringify({ grant_type: 'client_credentials', scope: 'kb:read', resource: [] }),
    })
    expect(empty.statusCode).toBe(400)
    expect(empty.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('answers invalid_target with a §5.2 body for a resource with a space, a fragment or unknown', async () => {
    const { app, authorization } = await start()
    for (const resource of [`${MCP} ${KB}`, `${MCP}#x`, 'https://unknown.pipeshub.test/', 'mcp']) {
      const res = await app.inject({
        method: 'POST',
        url: TOKEN,
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: 'kb:read',
          resource,
        }).toString(),
      })
      expect(res.statusCode, resource).toBe(400)
      const body = res.json()
      expect(errorResponseCodec.check(body)).toBe(true)
      expect(body).toMatchObject({ error: 'invalid_target' })
    }
  })

  it('accepts a repeated resource in the authorization request query', async () => {
    const { app, id } = await start()
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: id,
      redirect_uri: REDIRECT_URI,
      scope: 'kb:read',
      state: 's',
    })
    query.append('resource', MCP)
    query.append('resource', 'https://unknown.pipeshub.test/')
    const res = await app.inject({ method: 'GET', url: `/api/v1/oauth2/authorize?${query}` })
    // Validated past the parser: the unknown second resource goes back to the client as invalid_target.
    expect(res.statusCode).toBe(302)
    expect(new URL(res.headers.location as string).searchParams.get('error')).toBe('invalid_target')
  })
})
