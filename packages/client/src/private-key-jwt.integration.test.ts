import { exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OAuthClient } from './oauth-client.js'
import { type LoopbackAuthorizationServer, startAuthorizationServer } from './test-support/loopback-server.js'
import { pushedSignIn } from './test-support/pushed-sign-in.js'

// RFC 7523 §2.2 end to end: @pipeshub/client's privateKeyJwt against the real @pipeshub/server, which
// verifies each assertion against the client's registered JWKS and accepts each jti once.

const REDIRECT_URI = 'http://127.0.0.1/callback'
let server: LoopbackAuthorizationServer
let clientId: string
let key: CryptoKey

beforeAll(async () => {
  server = await startAuthorizationServer()
  const pair = await generateKeyPair('ES256')
  key = pair.privateKey
  const registered = await server.app.authorizationServer.registerClient({
    name: 'service with a key pair',
    grantTypes: ['client_credentials', 'authorization_code'],
    redirectUris: [REDIRECT_URI],
    scopes: ['kb:read'],
    jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] },
    tokenEndpointAuthSigningAlg: 'ES256',
  })
  clientId = registered.client.clientId
})

afterAll(async () => {
  await server?.close()
})

describe('private_key_jwt against the real @pipeshub/server', () => {
  it('discovers private_key_jwt and gets client_credentials tokens, a fresh assertion each time', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, {
      clientId,
      privateKeyJwt: { key, keyId: 'k1' },
    })
    expect(client.metadata.tokenEndpointAuthMethodsSupported).toContain('private_key_jwt')
    expect((await client.clientCredentials({ scope: 'kb:read' })).scope).toBe('kb:read')
    expect((await client.clientCredentials({ scope: 'kb:read' })).scope).toBe('kb:read')
  })

  it('pushes an authorization request authenticated by an assertion (RFC 9126 section 2)', async () => {
    const client = await OAuthClient.fromIssuer(server.issuer, {
      clientId,
      privateKeyJwt: { key, keyId: 'k1' },
    })
    const tokens = await pushedSignIn(client, REDIRECT_URI, 'kb:read')
    expect(tokens.scope).toBe('kb:read')
  })

  it('a key the client did not register answers invalid_client (401)', async () => {
    const stranger = (await generateKeyPair('ES256')).privateKey
    const client = await OAuthClient.fromIssuer(server.issuer, {
      clientId,
      privateKeyJwt: { key: stranger, keyId: 'k1' },
    })
    await expect(client.clientCredentials({ scope: 'kb:read' })).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    })
  })
})
