import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL the tests use: 127.0.0.1:5432 (override with PIPESHUB_TEST_DATABASE_URL). */
export const TEST_DATABASE_URL =
  process.env.PIPESHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 })
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
 * Whether PostgreSQL tests run. Unreachable with CI=true throws (the suite must fail, never skip in CI);
 * unreachable elsewhere answers false and prints why.
 */
export async function postgresAvailable(): Promise<boolean> {
  const failure = await probe()
  if (failure === undefined) return true
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is required in CI: ${failure}`)
  }
  console.warn(`skipping PostgreSQL tests: ${TEST_DATABASE_URL} unreachable (${failure})`)
  return false
}

/** A fresh schema name for one test run. */
export function uniqueSchema(prefix = 'oauth_test'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}
