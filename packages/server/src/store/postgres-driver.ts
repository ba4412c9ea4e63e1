import type pg from 'pg'
import { StorageError } from '../errors.js'

/** The `pg` module, the one driver `@pipeshub/server/postgres` needs (an optional peer dependency). */
export type PostgresDriver = typeof pg

const MISSING =
  '@pipeshub/server/postgres needs the PostgreSQL driver `pg`, an optional peer dependency: install it with `npm install pg`'

/**
 * Loads `pg` when a PostgreSQL store opens, not when the package loads, so that a SQLite or memory user
 * installs and loads no driver, and a PostgreSQL user without `pg` gets an error that says what to do.
 */
export async function loadPostgresDriver(
  load: () => Promise<{ default: PostgresDriver }> = () => import('pg'),
): Promise<PostgresDriver> {
  try {
    return (await load()).default
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      /['"]pg['"]/.test(String((error as Error).message))
    if (missing) throw new StorageError(MISSING, { cause: error })
    throw error
  }
}
