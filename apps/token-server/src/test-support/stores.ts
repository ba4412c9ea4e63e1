import type { Store } from '@pipeshub/server'
import { openPostgresStore } from '@pipeshub/server/postgres'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import { afterEach } from 'vitest'

/** A row of `describe.each`: the store's name, how to open a fresh one, and whether it can run here. */
export type StoreCase = [name: string, open: () => Promise<Store>, available: boolean]

/**
 * The embedded SQLite store and PostgreSQL (a fresh schema per test, dropped after it), for the tests
 * that must hold on both. Call at the top level of a test file: it registers the `afterEach`.
 */
export async function sqliteAndPostgres(schemaPrefix: string, skipping: string): Promise<StoreCase[]> {
  const pgAvailable = await postgresAvailable(skipping)
  let dropAfter: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dropAfter?.()
    dropAfter = undefined
  })
  return [
    ['SQLite', async () => openSqliteStore({ path: ':memory:' }), true],
    [
      'PostgreSQL',
      async () => {
        const schema = uniqueSchema(schemaPrefix)
        dropAfter = () => dropSchema(schema)
        return openPostgresStore({ connectionString: TEST_DATABASE_URL, schema })
      },
      pgAvailable,
    ],
  ]
}
