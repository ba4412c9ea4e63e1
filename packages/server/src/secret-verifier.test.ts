import { describe, expect, it } from 'vitest'
import { hashGeneratedSecret } from './client-secret-hash.js'
import { createSecretVerifier, generateClientSecret, hashSecret, verifySecret } from './secrets.js'

/** The real scrypt check, counted: how many verifications the cache let through. */
function countedVerify() {
  const calls: string[] = []
  return {
    calls,
    verify: (secret: string, hash: string) => {
      calls.push(secret)
      return verifySecret(secret, hash)
    },
  }
}

describe('the verified-secret cache of client authentication', () => {
  it('runs scrypt once for repeated and for concurrent checks of the right secret', async () => {
    const hash = await hashSecret('right secret', { cost: 10 })
    const { calls, verify } = countedVerify()
    const check = createSecretVerifier({ verify })
    expect(await Promise.all([check('right secret', hash), check('right secret', hash)])).toEqual([
      true,
      true,
    ])
    expect(await check('right secret', hash)).toBe(true)
    expect(calls).toHaveLength(1)
  })

  it('never remembers a failure: every wrong secret costs a full check', async () => {
    const hash = await hashSecret('right secret', { cost: 10 })
    const { calls, verify } = countedVerify()
    const check = createSecretVerifier({ verify })
    expect(await check('wrong secret', hash)).toBe(false)
    expect(await check('wrong secret', hash)).toBe(false)
    expect(calls).toEqual(['wrong secret', 'wrong secret'])
  })

  it('refuses the old secret at once after a rotation, though it was verified a moment before', async () => {
    const before = await hashSecret('old secret', { cost: 10 })
    const after = await hashSecret('new secret', { cost: 10 })
    const check = createSecretVerifier()
    expect(await check('old secret', before)).toBe(true)
    // The record now holds the new hash: the remembered verdict was for the old one.
    expect(await check('old secret', after)).toBe(false)
    expect(await check('new secret', after)).toBe(true)
  })

  it('forgets a verdict after its lifetime and evicts the least recently used past its size', async () => {
    const hashes = await Promise.all(['a', 'b', 'c'].map((secret) => hashSecret(secret, { cost: 10 })))
    const [a, b, c] = hashes as [string, string, string]
    let clock = 0
    const { calls, verify } = countedVerify()
    const check = createSecretVerifier({ verify, maxEntries: 2, ttlMs: 1000, now: () => clock })
    await check('a', a)
    await check('b', b)
    await check('a', a) // a is now the most recently used
    await check('c', c) // evicts b, not a
    expect(calls).toEqual(['a', 'b', 'c'])
    await check('a', a)
    await check('b', b)
    expect(calls).toEqual(['a', 'b', 'c', 'b'])
    clock = 1000
    await check('b', b)
    expect(calls).toEqual(['a', 'b', 'c', 'b', 'b'])
  })
})

describe('the verified-secret cache and generated secrets', () => {
  it('checks a sha256$ hash directly, never through the cached scrypt check', async () => {
    const secret = generateClientSecret()
    const hash = hashGeneratedSecret(secret)
    const { calls, verify } = countedVerify()
    const check = createSecretVerifier({ verify })
    expect(await check(secret, hash)).toBe(true)
    expect(await check('wrong', hash)).toBe(false)
    expect(calls).toEqual([])
  })
})
