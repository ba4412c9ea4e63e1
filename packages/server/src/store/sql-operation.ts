import type { Row } from './rows.js'

/** A value bound to a `?` of a catalogue statement. */
export type SqlParam = string | number | boolean | null

/**
 * One statement an operation asks its adapter to run, and what it wants back: the first row, all
 * rows, the number of rows changed, or nothing (`script`: several statements, no parameters).
 */
export type SqlCall =
  | {
      readonly kind: 'first' | 'rows' | 'changes'
      readonly sql: string
      readonly params: readonly SqlParam[]
    }
  | { readonly kind: 'script'; readonly sql: string }

/**
 * A store operation written once for every SQL database: a generator that yields the statements it
 * runs and receives their results. The adapter drives it, synchronously (SQLite) or by awaiting each
 * statement (PostgreSQL); the operation never knows which, so its logic is not written twice.
 */
export type Operation<T> = Generator<SqlCall, T, unknown>

export function* first(sql: string, ...params: SqlParam[]): Operation<Row | undefined> {
  return (yield { kind: 'first', sql, params }) as Row | undefined
}

export function* rows(sql: string, ...params: SqlParam[]): Operation<Row[]> {
  return (yield { kind: 'rows', sql, params }) as Row[]
}

export function* changes(sql: string, ...params: SqlParam[]): Operation<number> {
  return (yield { kind: 'changes', sql, params }) as number
}

export function* script(sql: string): Operation<void> {
  yield { kind: 'script', sql }
}

/** What `first`, `rows`, `changes` and `script` expect back from the adapter for `call`. */
export type SqlCallResult = Row | undefined | Row[] | number | undefined

/** Drives `operation` with a synchronous driver. */
export function runSync<T>(operation: Operation<T>, execute: (call: SqlCall) => SqlCallResult): T {
  let step = operation.next()
  while (!step.done) step = operation.next(execute(step.value))
  return step.value
}

/** Drives `operation` with an asynchronous driver, one statement at a time. */
export async function runAsync<T>(
  operation: Operation<T>,
  execute: (call: SqlCall) => Promise<SqlCallResult>,
): Promise<T> {
  let step = operation.next()
  while (!step.done) step = operation.next(await execute(step.value))
  return step.value
}
