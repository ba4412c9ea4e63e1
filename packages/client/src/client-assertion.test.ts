import { clientAssertionClaimsCodec } from '@pipeshub/models'
import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { CLIENT_ASSERTION_LIFETIME_SECONDS, ClientAssertionSigner } from './client-assertion.js'

const ISSUER = 'https://as.example'

describe('private_key_jwt client assertions (RFC 7523 §3, OIDC Core §9)', () => {
  it('have iss and sub the client id, aud the issuer, a bounded exp and a unique jti, signed by the key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const signer = new ClientAssertionSigner('client-1', ISSUER, { key: privateKey })
    const now = Date.UTC(2026, 0, 1, 12)
    const first = await signer.sign(now)
    const { payload, protectedHeader } = await jwtVerify(first, publicKey, { currentDate: new Date(now) })
    expect(protectedHeader).toEqual({ alg: 'ES256' })
    expect(payload).toEqual({
      iss: 'client-1',
      sub: 'client-1',
      aud: ISSUER,
      iat: now / 1000,
      exp: now / 1000 + CLIENT_ASSERTION_LIFETIME_SECONDS,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    })
    expect(clientAssertionClaimsCodec.validate(payload)).toEqual([])
    const second = (await jwtVerify(await signer.sign(now), publicKey, { currentDate: new Date(now) }))
      .payload
    expect(second.jti).not.toBe(payload.jti)
  })

  it('sign with a private JWK: its alg (else the key type) and its kid', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
    const jwk = { ...(await exportJWK(privateKey)), kid: 'key-2026' }
    const signer = new ClientAssertionSigner('client-1', ISSUER, { key: jwk, audience: `${ISSUER}/token` })
    const assertion = await signer.sign(Date.now())
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', kid: 'key-2026' })
    expect((await jwtVerify(assertion, publicKey)).payload.aud).toBe(`${ISSUER}/token`)
  })

  it('refuse a public key, a symmetric algorithm, or a key that signs nothing', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true })
    const publicJwk = await exportJWK(publicKey)
    expect(() => new ClientAssertionSigner('c', ISSUER, { key: publicJwk })).toThrow('private JWK')
    expect(() => new ClientAssertionSigner('c', ISSUER, { key: publicKey })).toThrow('private key')
    const { privateKey } = await generateKeyPair('ES256')
    expect(() => new ClientAssertionSigner('c', ISSUER, { key: privateKey, algorithm: 'HS256' })).toThrow(
      'asymmetric',
    )
  })
})

describe('OAuthClient with private_key_jwt', () => {
  it('authenticates every attempt with a new assertion in the body, and sends no secret', async () => {
    const { OAuthClient } = await import('./oauth-client.js')
    const { cannedFetch, json, text } = await import('./test-support/canned-fetch.js')
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const canned = cannedFetch(text(503, ''), json(200, { access_token: 'at', token_type: 'Bearer' }))
    const client = new OAuthClient({
      metadata: { issuer: ISSUER, tokenEndpoint: `${ISSUER}/token` },
      clientId: 'client-1',
      privateKeyJwt: { key: privateKey },
      fetch: canned.fetch,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    })
    expect(client.clientAuthentication).toBe('private_key_jwt')
    await client.clientCredentials()
    const assertions = canned.requests.map((request) => {
      expect(request.headers.get('authorization')).toBeNull()
      expect(request.form.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      )
      expect(request.form.get('client_id')).toBe('client-1')
      expect(request.form.has('client_secret')).toBe(false)
      return request.form.get('client_assertion') as string
    })
    expect(assertions).toHaveLength(2)
    expect(assertions[0]).not.toBe(assertions[1])
    for (const assertion of assertions) await expect(jwtVerify(assertion, publicKey)).resolves.toBeDefined()
  })

  it('needs the key: clientAuthentication private_key_jwt without privateKeyJwt is a TypeError', async () => {
    const { OAuthClient } = await import('./oauth-client.js')
    expect(
      () =>
        new OAuthClient({
          metadata: { issuer: ISSUER },
          clientId: 'c',
          clientAuthentication: 'private_key_jwt',
        }),
    ).toThrow('privateKeyJwt')
  })
})
