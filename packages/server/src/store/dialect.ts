/**
 * What differs between SQL databases, and only that: the catalogue (`statements.ts`) and the
 * migrations (`migrations.ts`) are written once against this interface, and each adapter gets its
 * texts by passing its dialect. Catalogue texts mark parameters with `?`, in the order the values are
 * passed; `placeholders` turns them into the driver's own marks.
 */
export interface SqlDialect {
  readonly name: string
  /** Rewrites the `?` marks of a catalogue text (which holds no `?` elsewhere) for the driver. */
  placeholders(sql: string): string
  /** Column types and literals of the migrations. */
  readonly types: { readonly bigint: string; readonly boolean: string; readonly false: string }
  /** The larger of two values, as an SQL expression. */
  greatest(a: string, b: string): string
  /**
   * `insert` with what to do when a row with the same `conflict` columns exists: nothing, or the
   * assignments of `set` (whose expressions may name the refused row's values through `excluded`).
   */
  upsert(
    insert: string,
    conflict: readonly string[],
    set: Readonly<Record<string, string>> | 'nothing',
  ): string
  /** The value the refused insert carried for `column`, inside the `set` of `upsert`. */
  excluded(column: string): string
  /** Starts a transaction that writes (SQLite: takes the database's write lock at once). */
  readonly beginWrite: string
  /** Appended to a SELECT that must lock the rows it reads until the transaction ends. */
  readonly forUpdate: string
  /**
   * A statement taking one text parameter that serializes the transactions naming the same `name` and
   * parameter until they end; `undefined` where every write transaction is already exclusive.
   */
  lock(name: string): string | undefined
  /**
   * Whether a `WITH` may hold `UPDATE`/`INSERT ... RETURNING` (PostgreSQL): then a write of several
   * statements on the hot path is sent as one, atomic on its own, instead of a transaction of four or
   * five round trips.
   */
  readonly dataModifyingWith: boolean
}

const onConflict: SqlDialect['upsert'] = (insert, conflict, set) =>
  `${insert} ON CONFLICT (${conflict.join(', ')}) DO ${
    set === 'nothing'
      ? 'NOTHING'
      : `UPDATE SET ${Object.entries(set)
          .map(([column, value]) => `${column} = ${value}`)
          .join(', ')}`
  }`

/** SQLite (`node:sqlite`): write transactions are `BEGIN IMMEDIATE`, one writer per database file. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholders: (sql) => sql,
  types: { bigint: 'INTEGER', boolean: 'INTEGER', false: '0' },
  greatest: (a, b) => `MAX(${a}, ${b})`,
  upsert: onConflict,
  excluded: (column) => `excluded.${column}`,
  // IMMEDIATE: a transaction that reads before it writes cannot fail to upgrade its lock halfway.
  beginWrite: 'BEGIN IMMEDIATE',
  forUpdate: '',
  lock: () => undefined,
  // SQLite allows no data-modifying WITH; its statements are calls in this process, not round trips.
  dataModifyingWith: false,
}

/** PostgreSQL (`pg`), READ COMMITTED: locks are row locks and transaction-level advisory locks. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholders: (sql) => {
    let n = 0
    return sql.replace(/\?/g, () => `$${++n}`)
  },
  types: { bigint: 'BIGINT', boolean: 'BOOLEAN', false: 'FALSE' },
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  upsert: onConflict,
  excluded: (column) => `excluded.${column}`,
  beginWrite: 'BEGIN',
  forUpdate: ' FOR UPDATE',
  lock: (name) => `SELECT pg_advisory_xact_lock(hashtext('${name}'), hashtext(?))`,
  dataModifyingWith: true,
}
