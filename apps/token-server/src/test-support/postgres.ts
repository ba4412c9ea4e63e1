import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL the tests use: 127.0.0.1:5432 (override with PIPESHUB_TEST_DATABASE_URL). */
export const TEST_DATABASE_URL =
  process.env.PIPESHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A schema name no other test run uses. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
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
