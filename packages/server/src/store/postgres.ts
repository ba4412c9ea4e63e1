import type pg from 'pg'
import { StorageError } from '../errors.js'
import { postgresDialect } from './dialect.js'
import { loadPostgresDriver } from './postgres-driver.js'
import type { Row } from './rows.js'
import { first, type Operation, runAsync, type SqlCall, type SqlParam } from './sql-operation.js'
import { applyMigrations, createSqlStore } from './sql-store.js'
import { statementsFor } from './statements.js'
import type { Store } from './types.js'

export interface PostgresStoreOptions {
  /** `postgres://user@host:5432/db`. */
  connectionString: string
  /** Schema holding the tables (created when absent); default `public`. */
  schema?: string
  /** Pool size (default 10). */
  max?: number
  /** Milliseconds to wait for a connection before failing (default 5000). */
  connectionTimeoutMs?: number
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Opens a PostgreSQL store through a `pg` pool and applies pending migrations under a transaction-level
 * advisory lock, so several server instances can start at once against one database. Single-use of codes
 * and rotation of refresh tokens are one conditional `UPDATE ... RETURNING` inside a transaction. The
 * statements and the operations are the catalogue's (`sql-store.ts`); this file is how `pg` runs them.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public'
  if (!SCHEMA_NAME.test(schema)) throw new StorageError(`invalid schema name ${schema}`)
  const quoted = `"${schema}"`
  const driver = await loadPostgresDriver()
  const pool = new driver.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    options: `-c search_path=${quoted}`,
  })
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {})

  // Statements with parameters are named, so each pooled connection parses and plans them once instead
  // of on every call. The texts are the catalogue's (a handful of shapes), so the map stays small;
  // scripts keep the simple protocol (a migration holds several statements).
  const named = new Map<string, { name: string; text: string }>()
  const config = (call: SqlCall): pg.QueryConfig<SqlParam[]> => {
    if (call.kind === 'script') return { text: call.sql }
    let statement = named.get(call.sql)
    if (statement === undefined) {
      statement = { name: `pipeshub_oauth_${named.size + 1}`, text: postgresDialect.placeholders(call.sql) }
      named.set(call.sql, statement)
    }
    return { ...statement, values: [...call.params] }
  }
  const executor = (connection: pg.Pool | pg.PoolClient) => async (call: SqlCall) => {
    const result = await connection.query(config(call))
    if (call.kind === 'first') return result.rows[0] as Row | undefined
    if (call.kind === 'rows') return result.rows as Row[]
    if (call.kind === 'changes') return result.rowCount ?? 0
    return undefined
  }
  const onPool = executor(pool)
  const s = statementsFor(postgresDialect)
  const transaction = async <T>(operation: Operation<T>): Promise<T> => {
    const client = await pool.connect()
    try {
      await client.query(s.begin)
      const result = await runAsync(operation, executor(client))
      await client.query(s.commit)
      return result
    } catch (error) {
      await client.query(s.rollback).catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }

  try {
    await transaction(
      applyMigrations(postgresDialect, schema, [
        `CREATE SCHEMA IF NOT EXISTS ${quoted}`,
        `SET LOCAL search_path TO ${quoted}`,
      ]),
    )
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }

  let closed = false

  return {
    ...createSqlStore(
      postgresDialect,
      { run: (operation) => runAsync(operation, onPool), transaction },
      schema,
    ),
    async ping() {
      if (closed) throw new StorageError('the PostgreSQL store is closed')
      await runAsync(first(s.ping), onPool)
    },
    async close() {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}
