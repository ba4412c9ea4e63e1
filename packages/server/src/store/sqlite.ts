import { closeSync, openSync } from 'node:fs'
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import { StorageError } from '../errors.js'
import { sqliteDialect } from './dialect.js'
import type { Row } from './rows.js'
import { type Operation, runSync, type SqlCall, type SqlParam } from './sql-operation.js'
import { applyMigrations, createSqlStore } from './sql-store.js'
import { type SqliteCheckpointer, startSqliteCheckpointer } from './sqlite-checkpointer.js'
import { statementsFor } from './statements.js'
import type { Store } from './types.js'

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a private in-memory database. */
  path: string
  /** How long a writer waits for another process's lock, in milliseconds (default 5000). */
  busyTimeoutMs?: number
}

const CHECKPOINT_INTERVAL_MS = 200
const FALLBACK_AUTOCHECKPOINT_PAGES = 10000

const toSql = (params: readonly SqlParam[]): SQLInputValue[] =>
  params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value))

/**
 * Opens (creating when absent) a SQLite store through the built-in `node:sqlite`, in WAL mode, and
 * applies pending migrations. `DatabaseSync` runs every statement synchronously, so nothing else in this
 * process interleaves with a method; multi-statement changes run in `BEGIN IMMEDIATE` transactions so
 * that other processes sharing the file cannot interleave either. The statements and the operations are
 * the catalogue's (`sql-store.ts`); this file is how SQLite runs them.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  // The file holds private signing keys: create it readable by its owner only. SQLite gives the -wal
  // and -shm files the database file's permissions. An existing file keeps the mode it has.
  if (options.path !== ':memory:' && !options.path.startsWith('file:')) {
    closeSync(openSync(options.path, 'a', 0o600))
  }
  const db = new DatabaseSync(options.path)
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`)
  const wal =
    options.path !== ':memory:' &&
    (db.prepare('PRAGMA journal_mode = WAL').get() as Row | undefined)?.journal_mode === 'wal'
  db.exec('PRAGMA foreign_keys = ON')
  db.exec('PRAGMA synchronous = NORMAL')

  // Compiling a statement cost as much as running it: each SQL text is prepared once per database and
  // reused. The texts are the catalogue's (a handful of shapes), so the map stays small.
  const statements = new Map<string, StatementSync>()
  const statement = (sql: string): StatementSync => {
    let prepared = statements.get(sql)
    if (!prepared) {
      prepared = db.prepare(sql)
      statements.set(sql, prepared)
    }
    return prepared
  }
  const execute = (call: SqlCall) => {
    if (call.kind === 'script') return void db.exec(call.sql)
    const prepared = statement(call.sql)
    const params = toSql(call.params)
    if (call.kind === 'first') return prepared.get(...params) as Row | undefined
    if (call.kind === 'rows') return prepared.all(...params) as Row[]
    return Number(prepared.run(...params).changes)
  }
  const s = statementsFor(sqliteDialect)
  const transactionSync = <T>(operation: Operation<T>): T => {
    statement(s.begin).run()
    try {
      const result = runSync(operation, execute)
      statement(s.commit).run()
      return result
    } catch (error) {
      statement(s.rollback).run()
      throw error
    }
  }
  let closed = false
  // Every method is synchronous underneath; `guard` turns a closed database into a StorageError.
  const guard = <T>(body: () => T): Promise<T> => {
    try {
      if (closed) throw new StorageError('the SQLite store is closed')
      return Promise.resolve(body())
    } catch (error) {
      return Promise.reject(error)
    }
  }

  transactionSync(applyMigrations(sqliteDialect, 'main'))

  // Checkpoints run on a worker thread (see sqlite-checkpointer.ts); the request connection checkpoints
  // by itself only when the log passes ~40 MB (10000 pages), should that thread fall behind.
  let checkpointer: SqliteCheckpointer | undefined
  if (wal) {
    db.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`)
    checkpointer = startSqliteCheckpointer(options.path, CHECKPOINT_INTERVAL_MS)
  }

  return {
    ...createSqlStore(
      sqliteDialect,
      {
        run: (operation) => guard(() => runSync(operation, execute)),
        // BEGIN IMMEDIATE takes the write lock first: no other process writes until it ends.
        transaction: (operation) => guard(() => transactionSync(operation)),
      },
      'main',
    ),
    ping: () =>
      guard(() => {
        statement(s.ping).get()
      }),
    async close() {
      if (closed) return
      closed = true
      await checkpointer?.close()
      db.close()
    },
  }
}
