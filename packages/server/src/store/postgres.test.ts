import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { describeStoreConformance } from '../test-support/store-conformance.js'
import { postgresDialect } from './dialect.js'
import { migrationsFor } from './migrations.js'
import { openPostgresStore } from './postgres.js'

const available = await postgresAvailable()

describe.runIf(available)('PostgreSQL adapter', () => {
  describeStoreConformance('postgres', async () => {
    const schema = uniqueSchema()
    const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, max: 20 })
    return {
      store,
      async dispose() {
        await store.close()
        await dropSchema(schema)
      },
    }
  })

  it('lets exactly one of two instances on one schema record a JWT ID, 50 tries in all', async () => {
    const schema = uniqueSchema()
    const stores = [
      await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, max: 10 }),
      await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, max: 10 }),
    ]
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % 2]?.usedJwtIds.use('dpop', 'shared', 2 ** 40)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    } finally {
      await Promise.all(stores.map((store) => store.close()))
      await dropSchema(schema)
    }
  })

  it('migrates once when two instances open the same schema at the same time', async () => {
    const schema = uniqueSchema()
    try {
      const stores = await Promise.all([
        openPostgresStore({ connectionString: TEST_DATABASE_URL, schema }),
        openPostgresStore({ connectionString: TEST_DATABASE_URL, schema }),
      ])
      await Promise.all(stores.map((store) => store.close()))
      const again = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema })
      await again.close()
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      const { rows } = await client.query(`SELECT version, name FROM "${schema}".pipeshub_oauth_migrations`)
      await client.end()
      expect(rows).toEqual(migrationsFor(postgresDialect).map(({ version, name }) => ({ version, name })))
    } finally {
      await dropSchema(schema)
    }
  })
})
