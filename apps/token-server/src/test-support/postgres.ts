import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL the tests use: 127.0.0.1:5432 (override with PIPESHUB_TEST_DATABASE_URL). */
export const TEST_DATABASE_URL =
  process.env.PIPESHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function unreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    return (error as Error).message
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Whether the PostgreSQL tests of `what` run: with CI=true an unreachable database throws (the suite
 * fails, never skips); elsewhere it answers false and prints why.
 */
export async function postgresAvailable(what: string): Promise<boolean> {
  const failure = await unreachable()
  if (failure === undefined) return true
  if (process.env.CI === 'true' || process.env.CI === '1')
    throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is required in CI: ${failure}`)
  console.warn(`skipping ${what}: ${TEST_DATABASE_URL} unreachable (${failure})`)
  return false
}

/** A schema of its own for one test run (other runs share the database at the same time). */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
}

/** The store URL of the token server for `schema` (its `schema` query parameter). */
export function storeUrlFor(schema: string): string {
  return `${TEST_DATABASE_URL}?schema=${schema}`
}

export async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await admin.end()
  }
}
