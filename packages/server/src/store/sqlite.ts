import { closeSync, openSync } from 'node:fs'
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import { StorageError } from '../errors.js'
import { SQLITE_MIGRATIONS } from './migrations.js'
import {
  CLIENT_COLUMNS,
  CODE_COLUMNS,
  clientFromRow,
  clientParams,
  codeFromRow,
  codeParams,
  consentFromRow,
  deleteExpiredSigningKeysSql,
  FAMILY_COLUMNS,
  familyFromRow,
  familyParams,
  joinScope,
  placeholders,
  REFRESH_TOKEN_COLUMNS,
  REGISTRATION_COLUMNS,
  type Row,
  refreshTokenFromRow,
  refreshTokenParams,
  registrationFromRow,
  registrationParams,
  retireSigningKeysSql,
  SIGNING_KEY_COLUMNS,
  sessionFromRow,
  signingKeyFromRow,
  signingKeyParams,
  signingKeyPresenceSql,
  USER_COLUMNS,
  userFromRow,
  userParams,
} from './rows.js'
import { type SqliteCheckpointer, startSqliteCheckpointer } from './sqlite-checkpointer.js'
import type { ClientRecord, Store } from './types.js'

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a private in-memory database. */
  path: string
  /** How long a writer waits for another process's lock, in milliseconds (default 5000). */
  busyTimeoutMs?: number
}

type Param = SQLInputValue | boolean

const CHECKPOINT_INTERVAL_MS = 200
const FALLBACK_AUTOCHECKPOINT_PAGES = 10000

// The hot statements, built once (they are also the keys of the prepared-statement cache).
const SELECT_CLIENT = `SELECT ${CLIENT_COLUMNS} FROM oauth_clients WHERE client_id = ?`
const SELECT_REFRESH_TOKEN = `SELECT ${REFRESH_TOKEN_COLUMNS} FROM oauth_refresh_tokens WHERE token_hash = ?`
const INSERT_REFRESH_TOKEN = `INSERT INTO oauth_refresh_tokens (${REFRESH_TOKEN_COLUMNS}) VALUES (${placeholders(11, 'sqlite')})`
const ROTATE_REFRESH_TOKEN = `UPDATE oauth_refresh_tokens SET rotated_at = ?, replaced_by = ?
               WHERE token_hash = ? AND rotated_at IS NULL AND expires_at > ?
                 AND family_id IN (SELECT family_id FROM oauth_refresh_token_families WHERE revoked_at IS NULL)
               RETURNING token_hash`
// A rotated token whose family is live and which has not expired, with the token that replaced it.
const REUSABLE_REFRESH_TOKEN = `SELECT t.replaced_by FROM oauth_refresh_tokens t
               JOIN oauth_refresh_token_families f ON f.family_id = t.family_id
               WHERE t.token_hash = ? AND f.revoked_at IS NULL AND t.expires_at > ?`
const REVOKE_SUCCESSOR = `UPDATE oauth_refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL
               RETURNING access_token_jti, access_token_expires_at`
const REVOKE_ACCESS_TOKEN = `INSERT INTO oauth_revoked_access_tokens (jti, expires_at) VALUES (?, ?)
               ON CONFLICT (jti) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)`
const INSERT_CLIENT = `INSERT INTO oauth_clients (${CLIENT_COLUMNS}) VALUES (${placeholders(13, 'sqlite')})`
const INSERT_USER = `INSERT INTO oauth_users (${USER_COLUMNS}) VALUES (${placeholders(10, 'sqlite')})`
const INSERT_SIGNING_KEY = `INSERT INTO oauth_signing_keys (${SIGNING_KEY_COLUMNS}) VALUES (${placeholders(7, 'sqlite')})`
const RETIRE_SIGNING_KEYS = retireSigningKeysSql('sqlite')
const DELETE_EXPIRED_SIGNING_KEYS = deleteExpiredSigningKeysSql('sqlite')
const SELECT_CODE = `SELECT ${CODE_COLUMNS} FROM oauth_authorization_codes WHERE code_hash = ?`
const CONSUME_CODE = `UPDATE oauth_authorization_codes SET consumed_at = ?, issued_access_token_jti = ?, issued_access_token_expires_at = ?, issued_family_id = ?
               WHERE code_hash = ? AND consumed_at IS NULL RETURNING ${CODE_COLUMNS}`
const INSERT_CODE_FAMILY = `INSERT INTO oauth_refresh_token_families (${FAMILY_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, ?) ON CONFLICT (family_id) DO NOTHING`
const INSERT_CODE = `INSERT INTO oauth_authorization_codes (${CODE_COLUMNS}) VALUES (${placeholders(16, 'sqlite')})`
const INSERT_FAMILY = `INSERT INTO oauth_refresh_token_families (${FAMILY_COLUMNS}) VALUES (${placeholders(7, 'sqlite')}) ON CONFLICT (family_id) DO NOTHING`

const toSql = (params: readonly Param[]): SQLInputValue[] =>
  params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value))

/**
 * Opens (creating when absent) a SQLite store through the built-in `node:sqlite`, in WAL mode, and
 * applies pending migrations. `DatabaseSync` runs every statement synchronously, so nothing else in this
 * process interleaves with a method; multi-statement changes run in `BEGIN IMMEDIATE` transactions so
 * that other processes sharing the file cannot interleave either.
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
  // reused. The texts are this file's constants (a handful of shapes), so the map stays small.
  const statements = new Map<string, StatementSync>()
  const statement = (sql: string): StatementSync => {
    let prepared = statements.get(sql)
    if (!prepared) {
      prepared = db.prepare(sql)
      statements.set(sql, prepared)
    }
    return prepared
  }
  const run = (sql: string, ...params: Param[]) => statement(sql).run(...toSql(params))
  const get = (sql: string, ...params: Param[]) => statement(sql).get(...toSql(params)) as Row | undefined
  const all = (sql: string, ...params: Param[]) => statement(sql).all(...toSql(params)) as Row[]
  let closed = false
  const transaction = <T>(body: () => T): T => {
    statement('BEGIN IMMEDIATE').run()
    try {
      const result = body()
      statement('COMMIT').run()
      return result
    } catch (error) {
      statement('ROLLBACK').run()
      throw error
    }
  }
  // Every method is synchronous underneath; `guard` turns a closed database into a StorageError.
  const updateClient = (client: ClientRecord): boolean => {
    const [id, ...rest] = clientParams(client)
    const result = run(
      'UPDATE oauth_clients SET secret_hash = ?, name = ?, redirect_uris = ?, grant_types = ?, scopes = ?, allow_plain_pkce = ?, access_token_lifetime = ?, refresh_token_lifetime = ?, created_at = ?, disabled_at = ?, web_origins = ?, id_token_signed_response_alg = ? WHERE client_id = ?',
      ...rest,
      id,
    )
    return Number(result.changes) > 0
  }
  const guard = <T>(body: () => T): Promise<T> => {
    try {
      if (closed) throw new StorageError('the SQLite store is closed')
      return Promise.resolve(body())
    } catch (error) {
      return Promise.reject(error)
    }
  }

  transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS pipeshub_oauth_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    )
    const applied = new Set(
      all('SELECT version FROM pipeshub_oauth_migrations').map((row) => Number(row.version)),
    )
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue
      db.exec(migration.sql)
      run(
        'INSERT INTO pipeshub_oauth_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        migration.version,
        migration.name,
        Math.floor(Date.now() / 1000),
      )
    }
  })

  // Checkpoints run on a worker thread (see sqlite-checkpointer.ts); the request connection checkpoints
  // by itself only when the log passes ~40 MB (10000 pages), should that thread fall behind.
  let checkpointer: SqliteCheckpointer | undefined
  if (wal) {
    db.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`)
    checkpointer = startSqliteCheckpointer(options.path, CHECKPOINT_INTERVAL_MS)
  }

  const revokeFamily = (familyId: string, now: number) =>
    transaction(() => {
      run(
        'UPDATE oauth_refresh_token_families SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL',
        now,
        familyId,
      )
      return all(
        'SELECT access_token_jti, access_token_expires_at FROM oauth_refresh_tokens WHERE family_id = ? AND access_token_jti IS NOT NULL AND access_token_expires_at > ?',
        familyId,
        now,
      ).map((row) => ({ jti: String(row.access_token_jti), expiresAt: Number(row.access_token_expires_at) }))
    })

  return {
    clients: {
      create: (client) =>
        guard(() => {
          run(INSERT_CLIENT, ...clientParams(client))
        }),
      get: (clientId) =>
        guard(() => {
          const row = get(SELECT_CLIENT, clientId)
          return row && clientFromRow(row)
        }),
      list: () =>
        guard(() =>
          all(`SELECT ${CLIENT_COLUMNS} FROM oauth_clients ORDER BY created_at, client_id`).map(
            clientFromRow,
          ),
        ),
      update: (client) => guard(() => updateClient(client)),
      delete: (clientId) =>
        guard(() => Number(run('DELETE FROM oauth_clients WHERE client_id = ?', clientId).changes) > 0),
    },
    clientRegistrations: {
      create: (client, registration) =>
        guard(() =>
          transaction(() => {
            run(INSERT_CLIENT, ...clientParams(client))
            run(
              `INSERT INTO oauth_client_registrations (${REGISTRATION_COLUMNS}) VALUES (${placeholders(5, 'sqlite')})`,
              ...registrationParams(registration),
            )
          }),
        ),
      get: (clientId) =>
        guard(() => {
          const row = get(
            `SELECT ${REGISTRATION_COLUMNS} FROM oauth_client_registrations WHERE client_id = ?`,
            clientId,
          )
          return row && registrationFromRow(row)
        }),
      update: (client, registration) =>
        guard(() =>
          transaction(() => {
            const [id, ...rest] = registrationParams(registration)
            const changed = run(
              'UPDATE oauth_client_registrations SET access_token_hash = ?, metadata = ?, created_at = ?, updated_at = ? WHERE client_id = ?',
              ...rest,
              id,
            )
            return Number(changed.changes) > 0 && updateClient(client)
          }),
        ),
      delete: (clientId, now) =>
        guard(() =>
          transaction(() => {
            const deleted = run('DELETE FROM oauth_client_registrations WHERE client_id = ?', clientId)
            if (Number(deleted.changes) === 0) return false
            run(
              'UPDATE oauth_clients SET disabled_at = ? WHERE client_id = ? AND disabled_at IS NULL',
              now,
              clientId,
            )
            return true
          }),
        ),
    },
    users: {
      create: (user) =>
        guard(() => {
          run(INSERT_USER, ...userParams(user))
        }),
      get: (subject) =>
        guard(() => {
          const row = get(`SELECT ${USER_COLUMNS} FROM oauth_users WHERE subject = ?`, subject)
          return row && userFromRow(row)
        }),
      findByUsername: (username) =>
        guard(() => {
          const row = get(`SELECT ${USER_COLUMNS} FROM oauth_users WHERE username = ?`, username)
          return row && userFromRow(row)
        }),
      list: () =>
        guard(() =>
          all(`SELECT ${USER_COLUMNS} FROM oauth_users ORDER BY created_at, subject`).map(userFromRow),
        ),
      update: (user) =>
        guard(() => {
          const [subject, ...rest] = userParams(user)
          const result = run(
            'UPDATE oauth_users SET username = ?, password_hash = ?, name = ?, email = ?, email_verified = ?, created_at = ?, given_name = ?, family_name = ?, updated_at = ? WHERE subject = ?',
            ...rest,
            subject,
          )
          return Number(result.changes) > 0
        }),
      delete: (subject) =>
        guard(() => Number(run('DELETE FROM oauth_users WHERE subject = ?', subject).changes) > 0),
    },
    authorizationCodes: {
      create: (code) =>
        guard(() => {
          run(INSERT_CODE, ...codeParams(code))
        }),
      get: (codeHash) =>
        guard(() => {
          const row = get(SELECT_CODE, codeHash)
          return row && codeFromRow(row)
        }),
      consume: (codeHash, now, issuance) =>
        guard(() =>
          transaction(() => {
            const row = get(
              CONSUME_CODE,
              now,
              issuance.accessTokenJti,
              issuance.accessTokenExpiresAt,
              issuance.familyId,
              codeHash,
            )
            if (row) {
              const code = codeFromRow(row)
              run(
                INSERT_CODE_FAMILY,
                issuance.familyId,
                code.clientId,
                code.subject,
                code.authTime,
                now,
                JSON.stringify(code.resources),
              )
              if (issuance.refreshToken) {
                run(INSERT_REFRESH_TOKEN, ...refreshTokenParams(issuance.refreshToken))
              }
              return { outcome: 'consumed' as const, code }
            }
            const existing = get(SELECT_CODE, codeHash)
            return existing
              ? { outcome: 'already_consumed' as const, code: codeFromRow(existing) }
              : { outcome: 'not_found' as const }
          }),
        ),
      deleteExpired: (now) =>
        guard(() => Number(run('DELETE FROM oauth_authorization_codes WHERE expires_at <= ?', now).changes)),
    },
    refreshTokens: {
      createFamily: (family) =>
        guard(() => {
          run(INSERT_FAMILY, ...familyParams(family))
        }),
      getFamily: (familyId) =>
        guard(() => {
          const row = get(
            `SELECT ${FAMILY_COLUMNS} FROM oauth_refresh_token_families WHERE family_id = ?`,
            familyId,
          )
          return row && familyFromRow(row)
        }),
      create: (token) =>
        guard(() => {
          run(INSERT_REFRESH_TOKEN, ...refreshTokenParams(token))
        }),
      get: (tokenHash) =>
        guard(() => {
          const row = get(SELECT_REFRESH_TOKEN, tokenHash)
          return row && refreshTokenFromRow(row)
        }),
      rotate: (tokenHash, now, next, options = {}) =>
        guard(() =>
          transaction(() => {
            const rotated = get(ROTATE_REFRESH_TOKEN, now, next?.tokenHash ?? null, tokenHash, now)
            if (rotated) {
              if (next) run(INSERT_REFRESH_TOKEN, ...refreshTokenParams(next))
              return { outcome: 'rotated' as const }
            }
            const row = get(SELECT_REFRESH_TOKEN, tokenHash)
            if (!row || row.rotated_at === null) return { outcome: 'inactive' as const }
            // BEGIN IMMEDIATE holds the write lock: no other reuse of this token interleaves.
            if (options.reusableSince !== undefined && Number(row.rotated_at) >= options.reusableSince) {
              const reuse = get(REUSABLE_REFRESH_TOKEN, tokenHash, now)
              const successor =
                reuse?.replaced_by == null ? undefined : get(REVOKE_SUCCESSOR, now, String(reuse.replaced_by))
              if (successor) {
                const jti = successor.access_token_jti
                const expiresAt = Number(successor.access_token_expires_at)
                if (jti !== null && expiresAt > now) run(REVOKE_ACCESS_TOKEN, String(jti), expiresAt)
                run(
                  'UPDATE oauth_refresh_tokens SET replaced_by = ? WHERE token_hash = ?',
                  next?.tokenHash ?? null,
                  tokenHash,
                )
                if (next) run(INSERT_REFRESH_TOKEN, ...refreshTokenParams(next))
                return { outcome: 'rotated' as const }
              }
            }
            return { outcome: 'already_rotated' as const, token: refreshTokenFromRow(row) }
          }),
        ),
      revokeFamily: (familyId, now) => guard(() => revokeFamily(familyId, now)),
      deleteExpired: (now) =>
        guard(() => Number(run('DELETE FROM oauth_refresh_tokens WHERE expires_at <= ?', now).changes)),
    },
    signingKeys: {
      list: () =>
        guard(() =>
          all(`SELECT ${SIGNING_KEY_COLUMNS} FROM oauth_signing_keys ORDER BY created_at, kid`).map(
            signingKeyFromRow,
          ),
        ),
      create: (key) =>
        guard(() => {
          run(INSERT_SIGNING_KEY, ...signingKeyParams(key))
        }),
      createIfAbsent: (key, absence) =>
        guard(() =>
          // BEGIN IMMEDIATE takes the write lock first, so another process cannot insert between the two.
          transaction(() => {
            const present = signingKeyPresenceSql(key.alg, absence, 'sqlite')
            if (get(present.sql, ...present.params)) return false
            run(INSERT_SIGNING_KEY, ...signingKeyParams(key))
            return true
          }),
        ),
      rotate: (next, retirement) =>
        guard(() =>
          transaction(() => {
            const { absence } = retirement
            if (absence) {
              const present = signingKeyPresenceSql(next.alg, absence, 'sqlite')
              if (get(present.sql, ...present.params)) return false
            }
            run(INSERT_SIGNING_KEY, ...signingKeyParams(next))
            run(RETIRE_SIGNING_KEYS, retirement.expiresAt, next.alg, next.kid)
            run(DELETE_EXPIRED_SIGNING_KEYS, retirement.now)
            return true
          }),
        ),
      expire: (kid, expiresAt) =>
        guard(
          () =>
            Number(
              run('UPDATE oauth_signing_keys SET expires_at = ? WHERE kid = ?', expiresAt, kid).changes,
            ) > 0,
        ),
      delete: (kid) =>
        guard(() => Number(run('DELETE FROM oauth_signing_keys WHERE kid = ?', kid).changes) > 0),
    },
    consents: {
      get: (subject, clientId) =>
        guard(() => {
          const row = get(
            'SELECT subject, client_id, scope, granted_at FROM oauth_consents WHERE subject = ? AND client_id = ?',
            subject,
            clientId,
          )
          return row && consentFromRow(row)
        }),
      put: (consent) =>
        guard(() => {
          run(
            `INSERT INTO oauth_consents (subject, client_id, scope, granted_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (subject, client_id) DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at`,
            consent.subject,
            consent.clientId,
            joinScope(consent.scope),
            consent.grantedAt,
          )
        }),
      delete: (subject, clientId) =>
        guard(
          () =>
            Number(
              run('DELETE FROM oauth_consents WHERE subject = ? AND client_id = ?', subject, clientId)
                .changes,
            ) > 0,
        ),
    },
    sessions: {
      create: (session) =>
        guard(() => {
          run(
            'INSERT INTO oauth_sessions (session_id, subject, auth_time, expires_at) VALUES (?, ?, ?, ?)',
            session.sessionId,
            session.subject,
            session.authTime,
            session.expiresAt,
          )
        }),
      get: (sessionId, now) =>
        guard(() => {
          const row = get(
            'SELECT session_id, subject, auth_time, expires_at FROM oauth_sessions WHERE session_id = ? AND expires_at > ?',
            sessionId,
            now,
          )
          return row && sessionFromRow(row)
        }),
      delete: (sessionId) =>
        guard(() => Number(run('DELETE FROM oauth_sessions WHERE session_id = ?', sessionId).changes) > 0),
      deleteExpired: (now) =>
        guard(() => Number(run('DELETE FROM oauth_sessions WHERE expires_at <= ?', now).changes)),
    },
    revokedAccessTokens: {
      revoke: (jti, expiresAt) =>
        guard(() => {
          run(REVOKE_ACCESS_TOKEN, jti, expiresAt)
        }),
      isRevoked: (jti) =>
        guard(
          () => get('SELECT 1 AS found FROM oauth_revoked_access_tokens WHERE jti = ?', jti) !== undefined,
        ),
      deleteExpired: (now) =>
        guard(() =>
          Number(run('DELETE FROM oauth_revoked_access_tokens WHERE expires_at <= ?', now).changes),
        ),
    },
    seedIfEmpty: (seed) =>
      guard(() =>
        // BEGIN IMMEDIATE: another process starting on the same file waits, then finds the seed.
        transaction(() => {
          if (
            get('SELECT 1 AS found FROM oauth_clients LIMIT 1') ||
            get('SELECT 1 AS found FROM oauth_users LIMIT 1')
          )
            return false
          for (const client of seed.clients) run(INSERT_CLIENT, ...clientParams(client))
          for (const user of seed.users) run(INSERT_USER, ...userParams(user))
          return true
        }),
      ),
    ping: () =>
      guard(() => {
        get('SELECT 1 AS ok')
      }),
    async close() {
      if (closed) return
      closed = true
      await checkpointer?.close()
      db.close()
    },
  }
}
