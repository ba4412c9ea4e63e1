import type { AddressInfo } from 'node:net'
import { errorResponseCodec } from '@pipeshub/models'
import { MALFORMED_TOKEN_REQUESTS } from '@pipeshub/test-support/malformed-http'
import { type RawResponse, rawHttp } from '@pipeshub/test-support/raw-http'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { ISSUER } from '../test-support/fixtures.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function listening(): Promise<{ app: AuthorizationServerApp; port: number }> {
  app = await buildAuthorizationServerApp({ issuer: ISSUER, store: createMemoryStore() })
  await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, port: (app.server.address() as AddressInfo).port }
}

function expectOAuthShape(
  response: { status?: number; statusCode?: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(response.status ?? response.statusCode).toBe(status)
  expect(String(response.headers['content-type'])).toMatch(/^application\/json/)
  expect(response.headers['cache-control']).toBe('no-store')
  const body = JSON.parse(response.body) as unknown
  expect(errorResponseCodec.check(body)).toBe(true)
  expect(Object.keys(body as object).sort()).toEqual(['error', 'error_description'])
  expect(body).toMatchObject({ error: 'invalid_request' })
}

describe('what Fastify and Node answer before any route runs is OAuth-shaped', () => {
  it('answers a URL that does not percent-decode with invalid_request 400', async () => {
    const { app } = await listening()
    const res = await app.inject({ method: 'POST', url: '/api/v1/oauth2/token/%zz' })
    expectOAuthShape(res, 400)
    expect(res.body).not.toContain('FST_ERR')
  })

  it('answers unknown paths outside the prefix, and in another case, with a 404 invalid_request', async () => {
    const { app } = await listening()
    for (const url of ['/foo', '/API/V1/OAUTH2/TOKEN', '/.well-known/nope']) {
      const res = await app.inject({ method: 'POST', url })
      expectOAuthShape(res, 404)
    }
  })

  for (const [name, request] of MALFORMED_TOKEN_REQUESTS) {
    it(`answers invalid_request 400 for ${name}`, async () => {
      const { port } = await listening()
      const responses: RawResponse[] = await rawHttp(port, request)
      expect(responses.length).toBeGreaterThan(0)
      for (const response of responses) {
        expect(response.body).not.toContain('Client Error')
        expectOAuthShape(response, 400)
      }
    })
  }
})
