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
  // The access-token keys (the ID-token keys, RS256, rotate alongside: see id-token-signing.test.ts).
  const kids = async () =>
    (await server.jwks()).keys
      .filter((key) => key.alg === 'ES256')
      .map((key) => key.kid)
      .sort()
  return { clock, store, server, issue, kids }
}

describe('signing key rotation', () => {
  it('publishes the next key before it signs, then keeps the old key until its tokens expire', async () => {
    const { clock, server, issue, kids } = await setUp()
    const oldToken = await issue()
    const oldKid = decodeProtectedHeader(oldToken).kid
    const [next] = await server.rotateSigningKeys()
    if (!next) throw new Error('no key rotated')

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
    expect((await other.jwks()).keys.map((key) => key.kid)).toContain(decodeProtectedHeader(token).kid)
    const keys = await store.signingKeys.list()
    // The JWKS request created the ID-token key (RS256) next to the access-token key.
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256'])
    for (const key of keys) expect(JSON.parse(key.privateJwk)).toHaveProperty('d')
  })

  it('makes one first key when two instances start at once with clocks a second apart', async () => {
    // The race seen on PostgreSQL: the later clock inserted first; the earlier one did not count a key
    // activating a second "later" as present and made a second key.
    const store = createMemoryStore()
    const early = manualClock()
    const late = manualClock()
    late.advance(1)
    const a = createAuthorizationServer({ issuer: ISSUER, store, now: late.now })
    const b = createAuthorizationServer({ issuer: ISSUER, store, now: early.now })
    const { client, clientSecret } = await a.registerClient({ name: 's', grantTypes: ['client_credentials'] })
    const auth = { authorization: basic(client.clientId, clientSecret ?? '') }
    const first = (await a.token({ grant_type: 'client_credentials' }, auth)).accessToken
    const second = (await b.token({ grant_type: 'client_credentials' }, auth)).accessToken
    const accessKeys = (await store.signingKeys.list()).filter((key) => key.alg === 'ES256')
    expect(accessKeys).toHaveLength(1)
    expect(decodeProtectedHeader(second).kid).toBe(decodeProtectedHeader(first).kid)
    await expect(a.verifyAccessToken(second)).resolves.toBeDefined()
  })

  it('refuses tokens signed by a key that is not ours', async () => {
    const a = await setUp()
    const b = await setUp()
    const foreign = await b.issue()
    await expect(a.server.verifyAccessToken(foreign)).rejects.toMatchObject({ error: 'invalid_token' })
  })

  it('reloads keys when a token names an unknown kid, so a key rotated in at another instance verifies at once', async () => {
    const clock = manualClock()
    const store = createMemoryStore()
    const options = { issuer: ISSUER, store, now: clock.now, keyPublicationDelay: 0 }
    const a = createAuthorizationServer(options)
    const b = createAuthorizationServer(options)
    const { client, clientSecret } = await a.registerClient({ name: 's', grantTypes: ['client_credentials'] })
    const auth = { authorization: basic(client.clientId, clientSecret ?? '') }
    const first = (await a.token({ grant_type: 'client_credentials' }, auth)).accessToken
    await expect(b.verifyAccessToken(first)).resolves.toBeDefined()
    const jwksBefore = (await b.jwks()).keys.map((key) => key.kid)

    clock.advance(1)
    const [next] = await a.rotateSigningKeys()
    if (!next) throw new Error('no key rotated')
    const rotated = (await a.token({ grant_type: 'client_credentials' }, auth)).accessToken
    expect(decodeProtectedHeader(rotated).kid).toBe(next.kid)
    // B's key list is well within its 30-second cache, yet the unknown kid makes it read the store.
    await expect(b.verifyAccessToken(rotated)).resolves.toMatchObject({ client_id: client.clientId })
    expect(jwksBefore).not.toContain(next.kid)
    expect((await b.jwks()).keys.map((key) => key.kid)).toContain(next.kid)
  })

  it('reads the store at most once per second however many unknown kids arrive', async () => {
    const clock = manualClock()
    const store = createMemoryStore()
    let reads = 0
    const list = store.signingKeys.list.bind(store.signingKeys)
    store.signingKeys.list = async () => {
      reads += 1
      return list()
    }
    const server = createAuthorizationServer({ issuer: ISSUER, store, now: clock.now })
    await server.jwks()
    const foreign = await (await setUp()).issue()
    const [, payload, signature] = foreign.split('.')
    const forged = (i: number) =>
      `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: `made-up-${i}`, typ: 'at+jwt' })).toString('base64url')}.${payload}.${signature}`
    const tokens = Array.from({ length: 50 }, (_, i) => forged(i))
    clock.advance(1)
    const before = reads
    const results = await Promise.allSettled(tokens.map((token) => server.verifyAccessToken(token)))
    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    expect(reads - before).toBe(1)
    await Promise.allSettled(tokens.map((token) => server.verifyAccessToken(token)))
    expect(reads - before).toBe(1)
    clock.advance(1)
    await Promise.allSettled(tokens.map((token) => server.verifyAccessToken(token)))
    expect(reads - before).toBe(2)
  })

  it('rotates on a schedule once among instances: only when the newest key is older than the period', async () => {
    const clock = manualClock()
    const store = createMemoryStore()
    const a = createAuthorizationServer({ issuer: ISSUER, store, now: clock.now })
    const b = createAuthorizationServer({ issuer: ISSUER, store, now: clock.now })
    // One key of the access-token algorithm (ES256) and one of the default ID-token algorithm (RS256).
    await a.jwks()
    const period = 30 * 86_400
    expect(await a.rotateSigningKeysIfDue(period)).toEqual([])
    clock.advance(period)
    const outcomes = await Promise.all([a.rotateSigningKeysIfDue(period), b.rotateSigningKeysIfDue(period)])
    // Each algorithm is rotated exactly once, by whichever instance got there first.
    expect(
      outcomes
        .flat()
        .map((key) => key.alg)
        .sort(),
    ).toEqual(['ES256', 'RS256'])
    const keys = await store.signingKeys.list()
    expect(keys).toHaveLength(4)
    // The old keys are scheduled to leave JWKS once the new keys have signed for the retention period.
    expect(
      keys
        .filter((key) => key.expiresAt !== null)
        .map((key) => key.alg)
        .sort(),
    ).toEqual(['ES256', 'RS256'])
    clock.advance(1)
    expect(await b.rotateSigningKeysIfDue(period)).toEqual([])
  })
})
