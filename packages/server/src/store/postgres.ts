import type pg from 'pg'
import { StorageError } from '../errors.js'
import { POSTGRES_MIGRATIONS } from './migrations.js'
import { loadPostgresDriver } from './postgres-driver.js'
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
import type { Store } from './types.js'

const UPDATE_CLIENT =
  'UPDATE oauth_clients SET secret_hash = $2, name = $3, redirect_uris = $4, grant_types = $5, scopes = $6, allow_plain_pkce = $7, access_token_lifetime = $8, refresh_token_lifetime = $9, created_at = $10, disabled_at = $11, web_origins = $12, id_token_signed_response_alg = $13 WHERE client_id = $1'
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

type Param = string | number | boolean | null

const INSERT_CLIENT = `INSERT INTO oauth_clients (${CLIENT_COLUMNS}) VALUES (${placeholders(13, 'pg')})`
const INSERT_USER = `INSERT INTO oauth_users (${USER_COLUMNS}) VALUES (${placeholders(10, 'pg')})`
const INSERT_SIGNING_KEY = `INSERT INTO oauth_signing_keys (${SIGNING_KEY_COLUMNS}) VALUES (${placeholders(7, 'pg')})`
// Instances creating keys or seeding a schema take this transaction-level advisory lock first.
const KEY_LOCK = "SELECT pg_advisory_xact_lock(hashtext('pipeshub_oauth_signing_keys'), hashtext($1))"
const REVOKE_ACCESS_TOKEN = `INSERT INTO oauth_revoked_access_tokens (jti, expires_at) VALUES ($1, $2)
           ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(oauth_revoked_access_tokens.expires_at, excluded.expires_at)`

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Opens a PostgreSQL store through a `pg` pool and applies pending migrations under a transaction-level
 * advisory lock, so several server instances can start at once against one database. Single-use of codes
 * and rotation of refresh tokens are one conditional `UPDATE ... RETURNING` inside a transaction.
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
  // of on every call. The texts are this file's constants (a handful of shapes), so the map stays small;
  // statements without parameters keep the simple protocol (migrations hold several statements).
  const names = new Map<string, string>()
  const config = (text: string, values: Param[]): pg.QueryConfig<Param[]> => {
    if (values.length === 0) return { text, values }
    let name = names.get(text)
    if (name === undefined) {
      name = `pipeshub_oauth_${names.size + 1}`
      names.set(text, name)
    }
    return { name, text, values }
  }
  const query = async (sql: string, ...params: Param[]): Promise<Row[]> =>
    (await pool.query(config(sql, params))).rows as Row[]
  const one = async (sql: string, ...params: Param[]): Promise<Row | undefined> =>
    (await query(sql, ...params))[0]
  const count = async (sql: string, ...params: Param[]): Promise<number> =>
    (await pool.query(config(sql, params))).rowCount ?? 0
  const transaction = async <T>(
    body: (q: (sql: string, ...params: Param[]) => Promise<Row[]>) => Promise<T>,
  ): Promise<T> => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const result = await body(
        async (sql, ...params) => (await client.query(config(sql, params))).rows as Row[],
      )
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }

  try {
    await transaction(async (q) => {
      await q("SELECT pg_advisory_xact_lock(hashtext('pipeshub_oauth_migrations'), hashtext($1))", schema)
      await q(`CREATE SCHEMA IF NOT EXISTS ${quoted}`)
      await q(
        `CREATE TABLE IF NOT EXISTS ${quoted}.pipeshub_oauth_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
      )
      const applied = new Set(
        (await q(`SELECT version FROM ${quoted}.pipeshub_oauth_migrations`)).map((row) =>
          Number(row.version),
        ),
      )
      for (const migration of POSTGRES_MIGRATIONS) {
        if (applied.has(migration.version)) continue
        await q(`SET LOCAL search_path TO ${quoted}`)
        await q(migration.sql)
        await q(
          `INSERT INTO ${quoted}.pipeshub_oauth_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
          migration.version,
          migration.name,
          Math.floor(Date.now() / 1000),
        )
      }
    })
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }

  let closed = false

  return {
    clients: {
      async create(client) {
        await query(INSERT_CLIENT, ...clientParams(client))
      },
      async get(clientId) {
        const row = await one(`SELECT ${CLIENT_COLUMNS} FROM oauth_clients WHERE client_id = $1`, clientId)
        return row && clientFromRow(row)
      },
      async list() {
        return (
          await query(`SELECT ${CLIENT_COLUMNS} FROM oauth_clients ORDER BY created_at, client_id`)
        ).map(clientFromRow)
      },
      async update(client) {
        return (await count(UPDATE_CLIENT, ...clientParams(client))) > 0
      },
      async delete(clientId) {
        return (await count('DELETE FROM oauth_clients WHERE client_id = $1', clientId)) > 0
      },
    },
    clientRegistrations: {
      async create(client, registration) {
        await transaction(async (q) => {
          await q(INSERT_CLIENT, ...clientParams(client))
          await q(
            `INSERT INTO oauth_client_registrations (${REGISTRATION_COLUMNS}) VALUES (${placeholders(5, 'pg')})`,
            ...registrationParams(registration),
          )
        })
      },
      async get(clientId) {
        const row = await one(
          `SELECT ${REGISTRATION_COLUMNS} FROM oauth_client_registrations WHERE client_id = $1`,
          clientId,
        )
        return row && registrationFromRow(row)
      },
      async update(client, registration) {
        return transaction(async (q) => {
          const changed = await q(
            'UPDATE oauth_client_registrations SET access_token_hash = $2, metadata = $3, created_at = $4, updated_at = $5 WHERE client_id = $1 RETURNING client_id',
            ...registrationParams(registration),
          )
          if (changed.length === 0) return false
          return (await q(`${UPDATE_CLIENT} RETURNING client_id`, ...clientParams(client))).length > 0
        })
      },
      async delete(clientId, now) {
        return transaction(async (q) => {
          const deleted = await q(
            'DELETE FROM oauth_client_registrations WHERE client_id = $1 RETURNING client_id',
            clientId,
          )
          if (deleted.length === 0) return false
          await q(
            'UPDATE oauth_clients SET disabled_at = $2 WHERE client_id = $1 AND disabled_at IS NULL',
            clientId,
            now,
          )
          return true
        })
      },
    },
    users: {
      async create(user) {
        await query(INSERT_USER, ...userParams(user))
      },
      async get(subject) {
        const row = await one(`SELECT ${USER_COLUMNS} FROM oauth_users WHERE subject = $1`, subject)
        return row && userFromRow(row)
      },
      async findByUsername(username) {
        const row = await one(`SELECT ${USER_COLUMNS} FROM oauth_users WHERE username = $1`, username)
        return row && userFromRow(row)
      },
      async list() {
        return (await query(`SELECT ${USER_COLUMNS} FROM oauth_users ORDER BY created_at, subject`)).map(
          userFromRow,
        )
      },
      async update(user) {
        return (
          (await count(
            'UPDATE oauth_users SET username = $2, password_hash = $3, name = $4, email = $5, email_verified = $6, created_at = $7, given_name = $8, family_name = $9, updated_at = $10 WHERE subject = $1',
            ...userParams(user),
          )) > 0
        )
      },
      async delete(subject) {
        return (await count('DELETE FROM oauth_users WHERE subject = $1', subject)) > 0
      },
    },
    authorizationCodes: {
      async create(code) {
        await query(
          `INSERT INTO oauth_authorization_codes (${CODE_COLUMNS}) VALUES (${placeholders(16, 'pg')})`,
          ...codeParams(code),
        )
      },
      async get(codeHash) {
        const row = await one(
          `SELECT ${CODE_COLUMNS} FROM oauth_authorization_codes WHERE code_hash = $1`,
          codeHash,
        )
        return row && codeFromRow(row)
      },
      async consume(codeHash, now, issuance) {
        return transaction(async (q) => {
          const [row] = await q(
            `UPDATE oauth_authorization_codes
                SET consumed_at = $2, issued_access_token_jti = $3, issued_access_token_expires_at = $4, issued_family_id = $5
              WHERE code_hash = $1 AND consumed_at IS NULL
          RETURNING ${CODE_COLUMNS}`,
            codeHash,
            now,
            issuance.accessTokenJti,
            issuance.accessTokenExpiresAt,
            issuance.familyId,
          )
          if (row) {
            const code = codeFromRow(row)
            await q(
              `INSERT INTO oauth_refresh_token_families (${FAMILY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT (family_id) DO NOTHING`,
              issuance.familyId,
              code.clientId,
              code.subject,
              code.authTime,
              now,
              JSON.stringify(code.resources),
            )
            if (issuance.refreshToken) {
              await q(
                `INSERT INTO oauth_refresh_tokens (${REFRESH_TOKEN_COLUMNS}) VALUES (${placeholders(11, 'pg')})`,
                ...refreshTokenParams(issuance.refreshToken),
              )
            }
            return { outcome: 'consumed' as const, code }
          }
          const [existing] = await q(
            `SELECT ${CODE_COLUMNS} FROM oauth_authorization_codes WHERE code_hash = $1`,
            codeHash,
          )
          return existing
            ? { outcome: 'already_consumed' as const, code: codeFromRow(existing) }
            : { outcome: 'not_found' as const }
        })
      },
      async deleteExpired(now) {
        return count('DELETE FROM oauth_authorization_codes WHERE expires_at <= $1', now)
      },
    },
    refreshTokens: {
      async createFamily(family) {
        await query(
          `INSERT INTO oauth_refresh_token_families (${FAMILY_COLUMNS}) VALUES (${placeholders(7, 'pg')}) ON CONFLICT (family_id) DO NOTHING`,
          ...familyParams(family),
        )
      },
      async getFamily(familyId) {
        const row = await one(
          `SELECT ${FAMILY_COLUMNS} FROM oauth_refresh_token_families WHERE family_id = $1`,
          familyId,
        )
        return row && familyFromRow(row)
      },
      async create(token) {
        await query(
          `INSERT INTO oauth_refresh_tokens (${REFRESH_TOKEN_COLUMNS}) VALUES (${placeholders(11, 'pg')})`,
          ...refreshTokenParams(token),
        )
      },
      async get(tokenHash) {
        const row = await one(
          `SELECT ${REFRESH_TOKEN_COLUMNS} FROM oauth_refresh_tokens WHERE token_hash = $1`,
          tokenHash,
        )
        return row && refreshTokenFromRow(row)
      },
      async rotate(tokenHash, now, next, options = {}) {
        return transaction(async (q) => {
          const [rotated] = await q(
            `UPDATE oauth_refresh_tokens t SET rotated_at = $2, replaced_by = $3
              WHERE t.token_hash = $1 AND t.rotated_at IS NULL AND t.expires_at > $2
                AND EXISTS (SELECT 1 FROM oauth_refresh_token_families f WHERE f.family_id = t.family_id AND f.revoked_at IS NULL)
          RETURNING t.token_hash`,
            tokenHash,
            now,
            next?.tokenHash ?? null,
          )
          const insertNext = async () => {
            if (next) {
              await q(
                `INSERT INTO oauth_refresh_tokens (${REFRESH_TOKEN_COLUMNS}) VALUES (${placeholders(11, 'pg')})`,
                ...refreshTokenParams(next),
              )
            }
          }
          if (rotated) {
            await insertNext()
            return { outcome: 'rotated' as const }
          }
          // FOR UPDATE: concurrent reuses of one token wait here, and each reads the successor the
          // previous one left, so exactly one token of the family stays live.
          const [row] = await q(
            `SELECT ${REFRESH_TOKEN_COLUMNS}, replaced_by FROM oauth_refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
            tokenHash,
          )
          if (!row || row.rotated_at === null) return { outcome: 'inactive' as const }
          if (
            options.reusableSince !== undefined &&
            Number(row.rotated_at) >= options.reusableSince &&
            row.replaced_by !== null &&
            Number(row.expires_at) > now
          ) {
            const [family] = await q(
              'SELECT 1 AS live FROM oauth_refresh_token_families WHERE family_id = $1 AND revoked_at IS NULL',
              String(row.family_id),
            )
            const [successor] = family
              ? await q(
                  'UPDATE oauth_refresh_tokens SET rotated_at = $1 WHERE token_hash = $2 AND rotated_at IS NULL RETURNING access_token_jti, access_token_expires_at',
                  now,
                  String(row.replaced_by),
                )
              : []
            if (successor) {
              const jti = successor.access_token_jti
              const expiresAt = Number(successor.access_token_expires_at)
              if (jti !== null && expiresAt > now) await q(REVOKE_ACCESS_TOKEN, String(jti), expiresAt)
              await q(
                'UPDATE oauth_refresh_tokens SET replaced_by = $1 WHERE token_hash = $2',
                next?.tokenHash ?? null,
                tokenHash,
              )
              await insertNext()
              return { outcome: 'rotated' as const }
            }
          }
          return { outcome: 'already_rotated' as const, token: refreshTokenFromRow(row) }
        })
      },
      async revokeFamily(familyId, now) {
        return transaction(async (q) => {
          await q(
            'UPDATE oauth_refresh_token_families SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL',
            familyId,
            now,
          )
          const rows = await q(
            'SELECT access_token_jti, access_token_expires_at FROM oauth_refresh_tokens WHERE family_id = $1 AND access_token_jti IS NOT NULL AND access_token_expires_at > $2',
            familyId,
            now,
          )
          return rows.map((row) => ({
            jti: String(row.access_token_jti),
            expiresAt: Number(row.access_token_expires_at),
          }))
        })
      },
      async deleteExpired(now) {
        return count('DELETE FROM oauth_refresh_tokens WHERE expires_at <= $1', now)
      },
    },
    signingKeys: {
      async list() {
        return (
          await query(`SELECT ${SIGNING_KEY_COLUMNS} FROM oauth_signing_keys ORDER BY created_at, kid`)
        ).map(signingKeyFromRow)
      },
      async create(key) {
        await query(INSERT_SIGNING_KEY, ...signingKeyParams(key))
      },
      async createIfAbsent(key, absence) {
        return transaction(async (q) => {
          // READ COMMITTED cannot make "insert if none exists" atomic on its own: serialize the
          // instances that create keys in this schema with a transaction-level advisory lock.
          await q(KEY_LOCK, schema)
          const present = signingKeyPresenceSql(key.alg, absence, 'pg')
          if ((await q(present.sql, ...present.params)).length > 0) return false
          await q(INSERT_SIGNING_KEY, ...signingKeyParams(key))
          return true
        })
      },
      async rotate(next, retirement) {
        return transaction(async (q) => {
          await q(KEY_LOCK, schema)
          const { absence } = retirement
          if (absence) {
            const present = signingKeyPresenceSql(next.alg, absence, 'pg')
            if ((await q(present.sql, ...present.params)).length > 0) return false
          }
          await q(INSERT_SIGNING_KEY, ...signingKeyParams(next))
          await q(retireSigningKeysSql('pg'), retirement.expiresAt, next.alg, next.kid)
          await q(deleteExpiredSigningKeysSql('pg'), retirement.now)
          return true
        })
      },
      async expire(kid, expiresAt) {
        return (
          (await count('UPDATE oauth_signing_keys SET expires_at = $2 WHERE kid = $1', kid, expiresAt)) > 0
        )
      },
      async delete(kid) {
        return (await count('DELETE FROM oauth_signing_keys WHERE kid = $1', kid)) > 0
      },
    },
    consents: {
      async get(subject, clientId) {
        const row = await one(
          'SELECT subject, client_id, scope, granted_at FROM oauth_consents WHERE subject = $1 AND client_id = $2',
          subject,
          clientId,
        )
        return row && consentFromRow(row)
      },
      async put(consent) {
        await query(
          `INSERT INTO oauth_consents (subject, client_id, scope, granted_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (subject, client_id) DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at`,
          consent.subject,
          consent.clientId,
          joinScope(consent.scope),
          consent.grantedAt,
        )
      },
      async delete(subject, clientId) {
        return (
          (await count(
            'DELETE FROM oauth_consents WHERE subject = $1 AND client_id = $2',
            subject,
            clientId,
          )) > 0
        )
      },
    },
    sessions: {
      async create(session) {
        await query(
          'INSERT INTO oauth_sessions (session_id, subject, auth_time, expires_at) VALUES ($1, $2, $3, $4)',
          session.sessionId,
          session.subject,
          session.authTime,
          session.expiresAt,
        )
      },
      async get(sessionId, now) {
        const row = await one(
          'SELECT session_id, subject, auth_time, expires_at FROM oauth_sessions WHERE session_id = $1 AND expires_at > $2',
          sessionId,
          now,
        )
        return row && sessionFromRow(row)
      },
      async delete(sessionId) {
        return (await count('DELETE FROM oauth_sessions WHERE session_id = $1', sessionId)) > 0
      },
      async deleteExpired(now) {
        return count('DELETE FROM oauth_sessions WHERE expires_at <= $1', now)
      },
    },
    revokedAccessTokens: {
      async revoke(jti, expiresAt) {
        await query(REVOKE_ACCESS_TOKEN, jti, expiresAt)
      },
      async isRevoked(jti) {
        return (
          (await one('SELECT 1 AS found FROM oauth_revoked_access_tokens WHERE jti = $1', jti)) !== undefined
        )
      },
      async deleteExpired(now) {
        return count('DELETE FROM oauth_revoked_access_tokens WHERE expires_at <= $1', now)
      },
    },
    async seedIfEmpty(seed) {
      return transaction(async (q) => {
        // The first key's lock: two instances starting on an empty schema seed it once between them.
        await q(KEY_LOCK, schema)
        const [found] = await q(
          'SELECT 1 AS found FROM oauth_clients UNION ALL SELECT 1 AS found FROM oauth_users LIMIT 1',
        )
        if (found) return false
        for (const client of seed.clients) await q(INSERT_CLIENT, ...clientParams(client))
        for (const user of seed.users) await q(INSERT_USER, ...userParams(user))
        return true
      })
    },
    async ping() {
      if (closed) throw new StorageError('the PostgreSQL store is closed')
      await query('SELECT 1 AS ok')
    },
    async close() {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}
