import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { describeStoreConformance } from '../test-support/store-conformance.js'
import { sqliteDialect } from './dialect.js'
import { migrationsFor } from './migrations.js'
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

describe('SQLite file permissions', () => {
  it('creates the database, its write-ahead log and shared memory readable by the owner only (0600)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeshub-oauth-'))
    const path = join(dir, 'keys.db')
    const previous = process.umask(0o022)
    try {
      const store = openSqliteStore({ path })
      await store.sessions.create({ sessionId: 's', subject: 'u', authTime: 1, expiresAt: 2 ** 40 })
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        if (file === path || existsSync(file)) expect(statSync(file).mode & 0o777, file).toBe(0o600)
      }
      await store.close()
    } finally {
      process.umask(previous)
      rmSync(dir, { recursive: true, force: true })
    }
  })
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
      expect(db.prepare('SELECT version, name FROM pipeshub_oauth_migrations').all()).toEqual(
        migrationsFor(sqliteDialect).map(({ version, name }) => ({ version, name })),
      )
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('upgrades a database created by the first migration: clients stay enabled, with no web origins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeshub-oauth-'))
    const path = join(dir, 'oauth.db')
    try {
      const db = new DatabaseSync(path)
      db.exec(
        'CREATE TABLE pipeshub_oauth_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
      )
      db.exec(migrationsFor(sqliteDialect)[0]?.sql ?? '')
      db.exec("INSERT INTO pipeshub_oauth_migrations VALUES (1, 'initial', 1)")
      db.exec(
        `INSERT INTO oauth_clients (client_id, secret_hash, name, redirect_uris, grant_types, scopes, created_at)
         VALUES ('old', NULL, 'old client', '[]', '["client_credentials"]', 'kb:read', 1)`,
      )
      db.close()
      const store = openSqliteStore({ path })
      expect(await store.clients.get('old')).toMatchObject({
        clientId: 'old',
        disabledAt: null,
        webOrigins: [],
      })
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('SQLite migration 20 (consent resources)', () => {
  it('reads a consent given before it as covering no resource, so a request naming one asks again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeshub-oauth-'))
    const path = join(dir, 'oauth.db')
    try {
      const db = new DatabaseSync(path)
      db.exec(
        'CREATE TABLE pipeshub_oauth_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
      )
      for (const { version, name, sql } of migrationsFor(sqliteDialect).filter((m) => m.version < 20)) {
        db.exec(sql)
        db.prepare('INSERT INTO pipeshub_oauth_migrations VALUES (?, ?, 1)').run(version, name)
      }
      db.exec(
        "INSERT INTO oauth_consents (subject, client_id, scope, granted_at) VALUES ('user-1', 'app', 'openid kb:read', 5)",
      )
      db.close()
      const store = openSqliteStore({ path })
      expect(await store.consents.get('user-1', 'app')).toEqual({
        subject: 'user-1',
        clientId: 'app',
        scope: ['openid', 'kb:read'],
        resources: [],
        grantedAt: 5,
      })
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('SQLite single-use JWT IDs across instances', () => {
  it('lets exactly one of two stores on one database file record a JWT ID, 50 tries in all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeshub-oauth-'))
    const path = join(dir, 'oauth.db')
    const stores = [openSqliteStore({ path }), openSqliteStore({ path })]
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % 2]?.usedJwtIds.use('dpop', 'shared', 2 ** 40)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    } finally {
      await Promise.all(stores.map((store) => store.close()))
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
