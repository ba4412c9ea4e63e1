import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const DATABASE_URL =
  process.env.PIPESHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/**
 * Why PostgreSQL cannot be used (undefined when it answers `SELECT 1`). With `CI=true` an unreachable
 * database throws: the tests that need it fail, never skip.
 */
export async function postgresUnavailable(what: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 })
  let failure: string | undefined
  try {
    await client.connect()
    await client.query('SELECT 1')
  } catch (error) {
    failure = (error as Error).message
  } finally {
    await client.end().catch(() => {})
  }
  if (failure !== undefined && IN_CI)
    throw new Error(`PostgreSQL at ${DATABASE_URL} is required in CI: ${failure}`)
  if (failure !== undefined) console.warn(`skipping ${what}: ${DATABASE_URL} unreachable (${failure})`)
  return failure
}

/** A schema name no other test (or helper running tests at the same time) uses. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
}

/** Drops a test's schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: DATABASE_URL })
  await admin.connect()
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await admin.end()
  }
}
