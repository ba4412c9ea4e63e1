import { decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './authorization-server.js'
import { createMemoryStore } from './store/memory.js'
import { basic, ISSUER, manualClock } from './test-support/fixtures.js'

async function setUp() {
  const clock = manualClock()
  const store = createMemoryStore()
  const server = createAuthorizationServer({
    issuer: ISSUER,
    store,
    now: clock.now,
    keyPublicationDelay: 600,
  })
  const { client, clientSecret } = await server.registerClient({
    name: 's',
    grantTypes: ['client_credentials'],
  })
  const auth = { authorization: basic(client.clientId, clientSecret ?? '') }
  const issue = async () => (await server.token({ grant_type: 'client_credentials' }, auth)).accessToken
  const kids = async () => (await server.jwks()).keys.map((key) => key.kid).sort()
  return { clock, store, server, issue, kids }
}

describe('signing key rotation', () => {
  it('publishes the next key before it signs, then keeps the old key until its tokens expire', async () => {
    const { clock, server, issue, kids } = await setUp()
    const oldToken = await issue()
    const oldKid = decodeProtectedHeader(oldToken).kid
    const next = await server.rotateSigningKeys()

    // Published at once, not yet signing.
    expect(await kids()).toEqual([oldKid, next.kid].sort())
    expect(decodeProtectedHeader(await issue()).kid).toBe(oldKid)

    clock.advance(599)
    const lastOld = await issue()
    expect(decodeProtectedHeader(lastOld).kid).toBe(oldKid)
    clock.advance(1)
    const newToken = await issue()
    expect(decodeProtectedHeader(newToken).kid).toBe(next.kid)
    await expect(server.verifyAccessToken(newToken)).resolves.toBeDefined()
    // A token the old key signed just before the switch still verifies until it expires.
    clock.advance(3000)
    await expect(server.verifyAccessToken(lastOld)).resolves.toBeDefined()
    expect(await kids()).toEqual([oldKid, next.kid].sort())

    // The old key leaves JWKS once nothing it signed can still be valid.
    clock.advance(86_400)
    expect(await kids()).toEqual([next.kid])
  })

  it('persists keys in the store: a second instance signs with and verifies the same keys', async () => {
    const { store, clock, issue } = await setUp()
    const token = await issue()
    const other = createAuthorizationServer({ issuer: ISSUER, store, now: clock.now })
    await expect(other.verifyAccessToken(token)).resolves.toMatchObject({ iss: ISSUER })
    expect((await other.jwks()).keys.map((key) => key.kid)).toEqual([decodeProtectedHeader(token).kid])
    const keys = await store.signingKeys.list()
    expect(keys).toHaveLength(1)
    expect(JSON.parse(keys[0]?.privateJwk ?? '{}')).toHaveProperty('d')
  })

  it('refuses tokens signed by a key that is not ours', async () => {
    const a = await setUp()
    const b = await setUp()
    const foreign = await b.issue()
    await expect(a.server.verifyAccessToken(foreign)).rejects.toMatchObject({ error: 'invalid_token' })
  })
})
