import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { describeStoreConformance } from '../test-support/store-conformance.js'
import { openSqliteStore } from './sqlite.js'

describeStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeshub-oauth-'))
  const store = openSqliteStore({ path: join(dir, 'oauth.db') })
  return {
    store,
    async dispose() {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})

describe('SQLite migrations', () => {
  it('applies each migration once, in WAL mode, and reopening keeps the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeshub-oauth-'))
    const path = join(dir, 'oauth.db')
    try {
      const first = openSqliteStore({ path })
      await first.sessions.create({ sessionId: 's', subject: 'u', authTime: 1, expiresAt: 2 ** 40 })
      await first.close()
      const second = openSqliteStore({ path })
      expect(await second.sessions.get('s', 2)).toBeDefined()
      await second.close()
      const db = new DatabaseSync(path)
      expect(db.prepare('SELECT version, name FROM pipeshub_oauth_migrations').all()).toEqual([
        { version: 1, name: 'initial' },
      ])
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
