import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { postgresDialect, sqliteDialect } from './dialect.js'
import { migrationsFor } from './migrations.js'
import { signingKeyPresence, statementsFor } from './statements.js'

const texts = (statements: Record<string, string | undefined>) =>
  Object.entries(statements).filter((entry): entry is [string, string] => entry[1] !== undefined)

describe('the statement catalogue', () => {
  it('marks parameters only with `?` outside quoted text, so a dialect can renumber them', () => {
    for (const [name, sql] of texts(statementsFor(postgresDialect))) {
      const quoted = sql.match(/'[^']*'/g) ?? []
      expect(
        quoted.filter((literal) => literal.includes('?')),
        name,
      ).toEqual([])
    }
  })

  it('numbers PostgreSQL parameters $1, $2, ... in the order they are bound', () => {
    expect(postgresDialect.placeholders('UPDATE t SET a = ?, b = ? WHERE c = ? AND d > ?')).toBe(
      'UPDATE t SET a = $1, b = $2 WHERE c = $3 AND d > $4',
    )
    const present = signingKeyPresence('ES256', { now: 1, activeAt: 2, createdAfter: 3 })
    expect(postgresDialect.placeholders(present.sql).match(/\$\d+/g)).toEqual(
      present.params.map((_, i) => `$${i + 1}`),
    )
  })

  it('compiles every statement against the SQLite schema the migrations build', () => {
    const db = new DatabaseSync(':memory:')
    try {
      db.exec(statementsFor(sqliteDialect).createMigrationsTable)
      for (const migration of migrationsFor(sqliteDialect)) db.exec(migration.sql)
      for (const [name, sql] of texts(statementsFor(sqliteDialect))) {
        expect(() => db.prepare(sql), name).not.toThrow()
      }
      for (const absence of [{ now: 1 }, { now: 1, activeAt: 2 }, { now: 1, activeAt: 2, createdAfter: 3 }]) {
        expect(() => db.prepare(signingKeyPresence('ES256', absence).sql)).not.toThrow()
      }
    } finally {
      db.close()
    }
  })
})
