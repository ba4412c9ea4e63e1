import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from '@pipeshub/models'
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './authorization-server.js'
import { ASSERTION_FAILED } from './client-assertion.js'
import { checkJwksUri, MAX_JWKS_BYTES } from './client-jwks-uri.js'
import { OAuthError } from './errors.js'
import { createMemoryStore } from './store/memory.js'
import { ISSUER, manualClock, rejectionOf } from './test-support/fixtures.js'

/** A client's JWKS on loopback: what it answers can change between requests, and it counts them. */
async function jwksServer() {
  let answer: { status: number; body: string } | 'hang' = { status: 200, body: '{"keys":[]}' }
  let fetched = 0
  const server: Server = createServer((_request, response) => {
    fetched++
    if (answer === 'hang') return
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  opened.push(server)
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    serve(keys: JWK[]) {
      answer = { status: 200, body: JSON.stringify({ keys }) }
    },
    answer(status: number, body: string) {
      answer = { status, body }
    },
    hang() {
      answer = 'hang'
    },
    fetched: () => fetched,
  }
}

const opened: Server[] = []
afterEach(async () => {
  for (const server of opened.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  return { privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } }
}

async function setUp(jwksUri: string) {
  const clock = manualClock()
  // No cooldown: a rotated key is looked for at once, so the test needs no waiting.
  const server = createAuthorizationServer({
    issuer: ISSUER,
    store: createMemoryStore(),
    now: clock.now,
    clientJwksUri: { cooldown: 0, timeout: 500 },
  })
  const { client, clientSecret } = await server.registerClient({
    name: 'service publishing its keys',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read'],
    jwksUri,
  })
  const token = async (key: Awaited<ReturnType<typeof keyPair>>) => {
    const assertion = await new SignJWT({
      iss: client.clientId,
      sub: client.clientId,
      aud: ISSUER,
      exp: clock.now() + 60,
      jti: crypto.randomUUID(),
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .sign(key.privateKey)
    return server.token(
      {
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
      },
      {},
    )
  }
  return { server, client, clientSecret, token }
}

/** Every failure is the one 401 invalid_client, never a 5xx. */
async function refused(promise: Promise<unknown>) {
  const error = await rejectionOf(promise, OAuthError)
  expect([error.error, error.status, error.errorDescription]).toEqual([
    'invalid_client',
    401,
    ASSERTION_FAILED,
  ])
}

describe('private_key_jwt with the keys at the client’s jwks_uri (RFC 7591 §2, RFC 7523 §3)', () => {
  it('fetches the keys, caches them, and follows a key rotation at the client', async () => {
    const jwks = await jwksServer()
    const first = await keyPair('key-1')
    const second = await keyPair('key-2')
    jwks.serve([first.jwk])
    const { token, clientSecret } = await setUp(jwks.url)
    expect(clientSecret).toBeUndefined()
    expect((await token(first)).tokenType).toBe('Bearer')
    expect((await token(first)).accessToken).not.toBe('')
    expect(jwks.fetched()).toBe(1)
    // The client rotates: its new kid is unknown here, so the set is fetched again.
    jwks.serve([second.jwk])
    expect((await token(second)).scope).toBe('kb:read')
    expect(jwks.fetched()).toBe(2)
    // The retired key is gone from what the client publishes: refused.
    await refused(token(first))
  })

  it('answers invalid_client (401), never a 5xx, when the JWKS is unreachable, slow, failing or not a JWKS', async () => {
    const key = await keyPair('key-1')
    const closed = await jwksServer()
    const unreachable = closed.url
    await new Promise((resolve) => opened.splice(0)[0]?.close(resolve))
    await refused((await setUp(unreachable)).token(key))

    const jwks = await jwksServer()
    const { token } = await setUp(jwks.url)
    jwks.hang()
    await refused(token(key))
    jwks.answer(500, '{"keys":[]}')
    await refused(token(key))
    jwks.answer(200, 'not json')
    await refused(token(key))
    jwks.answer(200, '{"keys":"none"}')
    await refused(token(key))
    // The right key, in a body beyond what is read.
    jwks.answer(200, JSON.stringify({ keys: [key.jwk], padding: 'x'.repeat(MAX_JWKS_BYTES) }))
    await refused(token(key))
    // Only other keys than the one that signed.
    jwks.serve([(await keyPair('key-9')).jwk])
    await refused(token(key))
    // Once the JWKS is right again, the client authenticates.
    jwks.serve([key.jwk])
    expect((await token(key)).scope).toBe('kb:read')
  })

  it('registers only https, or http on loopback, without fragment or credentials, and never with jwks', async () => {
    expect(checkJwksUri('https://rp.example/.well-known/jwks.json')).toBe(
      'https://rp.example/.well-known/jwks.json',
    )
    expect(checkJwksUri('http://127.0.0.1:8080/jwks')).toBe('http://127.0.0.1:8080/jwks')
    expect(checkJwksUri('http://[::1]:8080/jwks')).toBe('http://[::1]:8080/jwks')
    for (const uri of [
      'http://rp.example/jwks',
      'https://rp.example/jwks#keys',
      'https://user:pass@rp.example/jwks',
      'file:///etc/passwd',
      'jwks.json',
      '',
    ])
      expect(() => checkJwksUri(uri), uri).toThrow(OAuthError)
    const server = createAuthorizationServer({ issuer: ISSUER, store: createMemoryStore() })
    const key = await keyPair('key-1')
    await expect(
      server.registerClient({
        name: 'both',
        grantTypes: ['client_credentials'],
        jwks: { keys: [key.jwk as Record<string, unknown>] },
        jwksUri: 'https://rp.example/jwks',
      }),
    ).rejects.toMatchObject({ error: 'invalid_client_metadata' })
    await expect(
      server.registerClient({
        name: 'public',
        public: true,
        jwksUri: 'https://rp.example/jwks',
        redirectUris: ['https://rp.example/cb'],
      }),
    ).rejects.toMatchObject({ error: 'invalid_client_metadata' })
    await expect(
      server.registerClient({
        name: 'plain http',
        grantTypes: ['client_credentials'],
        jwksUri: 'http://rp.example/jwks',
      }),
    ).rejects.toMatchObject({ error: 'invalid_client_metadata' })
  })
})
