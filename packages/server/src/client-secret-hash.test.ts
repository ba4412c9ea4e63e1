import { describe, expect, it } from 'vitest'
import { registerClient } from './client-registration.js'
import { hashGeneratedSecret, isGeneratedSecretHash } from './client-secret-hash.js'
import { buildAuthorizationServerApp } from './http/app.js'
import { createSecretVerifier, generateClientSecret, verifyClientSecret } from './secrets.js'
import { createMemoryStore } from './store/memory.js'
import { basic, ISSUER } from './test-support/fixtures.js'

// Written by the scrypt-only versions (cost 14, as client secrets were hashed): stored hashes stay valid.
const LEGACY_SECRET = '7f3c2a9e4b1d8f6a0c5e3b7d9a1f4c8e2b6d0a3f7c9e1b5d8a2f6c0e4b7d9a3f'
const LEGACY_HASH = 'scrypt$16384$8$1$w7WCw5icusmWfepzMmhZaA$76BpkhtSnYwJP5tde0er7TDOFhe93qcnCVrxq9zOhKU'

describe('stored client secret hashes', () => {
  it('still accepts a client secret hashed with scrypt before the SHA-256 form existed', async () => {
    expect(await verifyClientSecret(LEGACY_SECRET, LEGACY_HASH)).toBe(true)
    expect(await verifyClientSecret(LEGACY_SECRET.replace('7f', '7e'), LEGACY_HASH)).toBe(false)
    expect(await createSecretVerifier()(LEGACY_SECRET, LEGACY_HASH)).toBe(true)
  })

  it('stores a generated secret as sha256$ and accepts it, refusing any other secret', async () => {
    const secret = generateClientSecret()
    const hash = hashGeneratedSecret(secret)
    expect(hash).toMatch(/^sha256\$[A-Za-z0-9_-]{43}$/)
    expect(hash).not.toContain(secret)
    expect(await verifyClientSecret(secret, hash)).toBe(true)
    expect(await verifyClientSecret(generateClientSecret(), hash)).toBe(false)
    expect(await verifyClientSecret(secret.toUpperCase(), hash)).toBe(false)
    expect(await verifyClientSecret('', hash)).toBe(false)
    const cached = createSecretVerifier()
    expect(await cached(secret, hash)).toBe(true)
    expect(await cached(`${secret} `, hash)).toBe(false)
  })

  it('never stores a chosen secret with SHA-256: only 256 random bits need no password hash', () => {
    expect(() => hashGeneratedSecret('a chosen secret, long enough')).toThrow(RangeError)
    expect(() => hashGeneratedSecret('ab'.repeat(31))).toThrow(RangeError)
  })

  it('refuses, without throwing, every stored hash not in the exact sha256$ form', async () => {
    const secret = generateClientSecret()
    const digest = hashGeneratedSecret(secret).slice('sha256$'.length)
    const malformed = [
      'sha256$',
      `sha256$${digest.slice(0, 42)}`,
      `sha256$${digest}A`,
      `sha256$${digest}=`,
      `SHA256$${digest}`,
      `sha256$${digest}$`,
      `sha256$$${digest}`,
      ` sha256$${digest}`,
      // The same 32 bytes, but the padding bits of the last character set: not the canonical spelling.
      `sha256$${digest.slice(0, 42)}${String.fromCharCode(digest.charCodeAt(42) + 1)}`,
      `sha256$${digest.slice(0, 42).replace(/./, '+')}${digest.slice(42)}`,
      'scrypt$',
      'scrypt$16384$8$1$$',
      '',
    ]
    for (const hash of malformed) {
      expect(isGeneratedSecretHash(hash), hash).toBe(false)
      expect(await verifyClientSecret(secret, hash), hash).toBe(false)
      expect(await createSecretVerifier()(secret, hash), hash).toBe(false)
    }
  })

  it('answers invalid_client, not a 5xx, to a client whose stored hash is malformed', async () => {
    const store = createMemoryStore()
    const app = await buildAuthorizationServerApp({ issuer: ISSUER, store })
    try {
      const { client, clientSecret = '' } = await registerClient(store, {
        name: 'service',
        grantTypes: ['client_credentials'],
        scopes: ['kb:read'],
      })
      expect(client.secretHash).toBe(hashGeneratedSecret(clientSecret))
      await store.clients.update({ ...client, secretHash: `${client.secretHash}x` })
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/oauth2/token',
        headers: {
          authorization: basic(client.clientId, clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials',
      })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ error: 'invalid_client' })
    } finally {
      await app.close()
    }
  })
})
