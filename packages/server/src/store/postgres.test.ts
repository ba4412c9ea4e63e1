import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { describeStoreConformance } from '../test-support/store-conformance.js'
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
      expect(rows).toEqual([
        { version: 1, name: 'initial' },
        { version: 2, name: 'client_disabled_at' },
        { version: 3, name: 'client_web_origins' },
        { version: 4, name: 'refresh_token_replaced_by' },
        { version: 5, name: 'grant_resources' },
        { version: 6, name: 'client_registrations' },
        { version: 7, name: 'user_profile_claims' },
        { version: 8, name: 'client_id_token_signed_response_alg' },
        { version: 10, name: 'server_secrets' },
      ])
    } finally {
      await dropSchema(schema)
    }
  })
})
