import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openConfiguredStore, postgresOptions } from './store.js'

describe('the SQLite store file', () => {
  it('is created 0600 in a folder created 0700: it holds the private signing keys', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pipeshub-store-'))
    try {
      const path = join(root, 'data', 'pipeshub.db')
      const store = await openConfiguredStore({ store: `sqlite:${path}` })
      await store.close()
      expect(statSync(join(root, 'data')).mode & 0o777).toBe(0o700)
      expect(statSync(path).mode & 0o777).toBe(0o600)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe('postgresOptions (PIPESHUB_STORE=postgres://...)', () => {
  it('takes the schema from ?schema=, which is removed from what pg receives', () => {
    expect(postgresOptions('postgres://u@h:5432/db?schema=oauth&sslmode=require')).toEqual({
      connectionString: 'postgres://u@h:5432/db?sslmode=require',
      schema: 'oauth',
    })
  })

  it("takes the schema from libpq's ?options=-csearch_path=... as documented before", () => {
    expect(postgresOptions('postgres://u@h/db?options=-csearch_path%3Doauth')).toEqual({
      connectionString: 'postgres://u@h/db?options=-csearch_path%3Doauth',
      schema: 'oauth',
    })
    expect(postgresOptions('postgres://u@h/db?options=-c%20search_path%3Doauth,public')?.schema).toBe('oauth')
    expect(postgresOptions('postgres://u@h/db?options=-cstatement_timeout%3D5000').schema).toBeUndefined()
    expect(postgresOptions('postgres://u@h/db').schema).toBeUndefined()
  })
})

const available = await postgresAvailable('the PostgreSQL schema test')

describe.runIf(available)('a PostgreSQL store named with ?options=-csearch_path', () => {
  const schema = uniqueSchema('token_server_options')
  afterAll(() => dropSchema(schema))

  it('puts the tables in that schema, not in public', async () => {
    const store = await openConfiguredStore({
      store: `${TEST_DATABASE_URL}?options=-csearch_path%3D${schema}`,
    })
    await store.close()
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await admin.connect()
    try {
      const { rows } = await admin.query(
        "SELECT table_schema FROM information_schema.tables WHERE table_name = 'oauth_clients' AND table_schema = $1",
        [schema],
      )
      expect(rows).toEqual([{ table_schema: schema }])
    } finally {
      await admin.end()
    }
  })
})
