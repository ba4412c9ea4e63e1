import { describe, expect, it } from 'vitest'
import { postgresFailure, uniqueSchema } from './postgres.js'

describe('the PostgreSQL probe', () => {
  it('says why a database that refuses connections cannot be used', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    expect(await postgresFailure('postgres://postgres@127.0.0.1:1/test')).toMatch(/ECONNREFUSED|connect/)
  })

  it('names a schema no other run uses, as a PostgreSQL identifier', () => {
    const names = new Set(Array.from({ length: 20 }, () => uniqueSchema()))
    expect(names.size).toBe(20)
    for (const name of names) expect(name).toMatch(/^oauth_test_[a-z0-9]+_[0-9a-f]{8}$/)
  })
})
