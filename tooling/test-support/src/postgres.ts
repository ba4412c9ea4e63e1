import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { serviceAvailable } from './ci.js'

/** The PostgreSQL the tests use: 127.0.0.1:5432 (override with PIPESHUB_TEST_DATABASE_URL). */
export const TEST_DATABASE_URL =
  process.env.PIPESHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Why `connectionString` cannot be used, or undefined when it answers `SELECT 1` (within 3 s). */
export async function postgresFailure(connectionString = TEST_DATABASE_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Whether the PostgreSQL tests (`skipping` names them) run: with `CI=true` an unreachable database
 * throws, elsewhere they skip with a line saying why.
 */
export async function postgresAvailable(skipping = 'the PostgreSQL tests'): Promise<boolean> {
  return serviceAvailable(`PostgreSQL at ${TEST_DATABASE_URL}`, await postgresFailure(), skipping)
}

/** A schema name no other test (or engineer running tests at the same time) uses. */
export function uniqueSchema(prefix = 'oauth_test'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
}

/** Drops a test's schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}
