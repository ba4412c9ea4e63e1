import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import { afterEach } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { openPostgresStore } from '../store/postgres.js'
import { openSqliteStore } from '../store/sqlite.js'
import type { Store } from '../store/types.js'

/** A row of `describe.each`: the store's name, how to open a fresh one, and whether it can run here. */
export type StoreCase = [name: string, open: () => Promise<Store>, available: boolean]

/**
 * The memory, SQLite and PostgreSQL stores (a fresh schema per test, dropped after it). Call at the top
 * level of a test file before its own `afterEach`: after-hooks run last-registered first, so what a
 * test built on the store is closed before its schema is dropped.
 */
export async function everyStore(): Promise<StoreCase[]> {
  const pgAvailable = await postgresAvailable()
  let dropAfter: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dropAfter?.()
    dropAfter = undefined
  })
  return [
    ['memory', async () => createMemoryStore(), true],
    ['SQLite', async () => openSqliteStore({ path: ':memory:' }), true],
    [
      'PostgreSQL',
      async () => {
        const schema = uniqueSchema()
        dropAfter = () => dropSchema(schema)
        return openPostgresStore({ connectionString: TEST_DATABASE_URL, schema })
      },
      pgAvailable,
    ],
  ]
}
