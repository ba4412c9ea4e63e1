import type { SqlDialect } from './dialect.js'
import {
  CLIENT_COLUMNS,
  CODE_COLUMNS,
  DEVICE_CODE_COLUMNS,
  FAMILY_COLUMNS,
  PERSONAL_ACCESS_TOKEN_COLUMNS,
  PUSHED_REQUEST_COLUMNS,
  REFRESH_TOKEN_COLUMNS,
  REGISTRATION_COLUMNS,
  SIGNING_KEY_COLUMNS,
  USER_COLUMNS,
} from './rows.js'
import type { SigningAlgorithm, SigningKeyAbsence } from './types.js'

/**
 * The catalogue: every SQL statement of the SQL stores, written once. Parameters are `?`, bound in
 * the order written; the adapter rewrites them for its driver (`SqlDialect.placeholders`). What
 * differs between databases goes through the dialect, never into a second text.
 */
export type Statements = ReturnType<typeof buildStatements>

/**
 * `SELECT` of `list` from `table` (as `t`) with its user's `disabled_at` as `user_disabled_at`, by the
 * first column of `list`: the record and the user status a grant needs, in one read.
 */
const withUserStatus = (table: string, list: string) => {
  const qualified = columns(list).map((column) => `t.${column}`)
  return `SELECT ${qualified.join(', ')}, u.disabled_at AS user_disabled_at FROM ${table} t
               LEFT JOIN oauth_users u ON u.subject = t.subject WHERE ${qualified[0]} = ?`
}
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')
const columns = (list: string) => list.split(', ')
const insert = (table: string, list: string, values = marks(columns(list).length)) =>
  `INSERT INTO ${table} (${list}) VALUES (${values})`
/** `UPDATE table SET` every column of `list` but the first, `WHERE` the first: the key goes last. */
const updateByKey = (table: string, list: string) => {
  const [key, ...rest] = columns(list)
  return `UPDATE ${table} SET ${rest.map((column) => `${column} = ?`).join(', ')} WHERE ${key} = ?`
}

/**
 * `GrantStore` statements for one kind of owner (`owner(table)` is its condition on `table`'s columns,
 * bound once per occurrence). `accessTokensOf`: the unexpired access tokens its codes and refresh
 * tokens issued (owner, now, owner, now); `revokeFamiliesOf`: (now, owner); `liveTokensOf`: its live
 * refresh tokens and unrevoked access tokens of live families (owner, now, three times);
 * `denyDeviceCodesOf`: (now, owner).
 */
const grantStatements = <K extends string>(kind: K, owner: (table: string) => string) => {
  const liveFamily = (column: string) =>
    `${column} IN (SELECT family_id FROM oauth_refresh_token_families WHERE revoked_at IS NULL)`
  const notRevoked = (column: string) =>
    `NOT EXISTS (SELECT 1 FROM oauth_revoked_access_tokens r WHERE r.jti = ${column})`
  return {
    [`accessTokensOf${kind}`]: `SELECT access_token_jti AS jti, access_token_expires_at AS expires_at FROM oauth_refresh_tokens
               WHERE ${owner('oauth_refresh_tokens')} AND access_token_jti IS NOT NULL AND access_token_expires_at > ?
             UNION SELECT issued_access_token_jti, issued_access_token_expires_at FROM oauth_authorization_codes
               WHERE ${owner('oauth_authorization_codes')} AND issued_access_token_jti IS NOT NULL AND issued_access_token_expires_at > ?`,
    [`revokeFamiliesOf${kind}`]: `UPDATE oauth_refresh_token_families SET revoked_at = ? WHERE ${owner('oauth_refresh_token_families')} AND revoked_at IS NULL`,
    [`liveTokensOf${kind}`]: `SELECT 'refresh_token' AS token_type, NULL AS jti, t.family_id, t.client_id, t.subject, t.scope, t.created_at AS issued_at, t.expires_at
               FROM oauth_refresh_tokens t
               WHERE ${owner('t')} AND t.rotated_at IS NULL AND t.expires_at > ? AND ${liveFamily('t.family_id')}
             UNION SELECT 'access_token', t.access_token_jti, t.family_id, t.client_id, t.subject, t.scope, t.created_at, t.access_token_expires_at
               FROM oauth_refresh_tokens t
               WHERE ${owner('t')} AND t.access_token_jti IS NOT NULL AND t.access_token_expires_at > ?
                 AND ${liveFamily('t.family_id')} AND ${notRevoked('t.access_token_jti')}
             UNION SELECT 'access_token', c.issued_access_token_jti, c.issued_family_id, c.client_id, c.subject, c.scope, c.consumed_at, c.issued_access_token_expires_at
               FROM oauth_authorization_codes c
               WHERE ${owner('c')} AND c.issued_access_token_jti IS NOT NULL AND c.issued_access_token_expires_at > ?
                 AND ${liveFamily('c.issued_family_id')} AND ${notRevoked('c.issued_access_token_jti')}
                 AND NOT EXISTS (SELECT 1 FROM oauth_refresh_tokens x WHERE x.access_token_jti = c.issued_access_token_jti)
             ORDER BY issued_at, token_type, family_id`,
    /** RFC 8628: its device codes not yet redeemed are denied (now, owner): none can start a grant later. */
    [`denyDeviceCodesOf${kind}`]: `UPDATE oauth_device_codes SET status = 'denied', decided_at = ? WHERE ${owner('oauth_device_codes')} AND status IN ('pending', 'approved')`,
  } as Record<
    `accessTokensOf${K}` | `revokeFamiliesOf${K}` | `liveTokensOf${K}` | `denyDeviceCodesOf${K}`,
    string
  >
}

function buildStatements(d: SqlDialect) {
  const writableWith = d.dataModifyingWith
  const tokenValues = marks(columns(REFRESH_TOKEN_COLUMNS).length)
  const consumeCode = `UPDATE oauth_authorization_codes SET consumed_at = ?, issued_access_token_jti = ?, issued_access_token_expires_at = ?, issued_family_id = ?
               WHERE code_hash = ? AND consumed_at IS NULL RETURNING ${CODE_COLUMNS}`
  const rotateRefreshToken = `UPDATE oauth_refresh_tokens SET rotated_at = ?, replaced_by = ?
               WHERE token_hash = ? AND rotated_at IS NULL AND expires_at > ?
                 AND family_id IN (SELECT family_id FROM oauth_refresh_token_families WHERE revoked_at IS NULL)
               RETURNING token_hash`
  // Every sub-statement of a WITH runs to its end, whether the final SELECT reads it or not.
  const consumeStartingFamily = (withToken: boolean) =>
    `WITH consumed AS (${consumeCode}),
               family AS (${d.upsert(
                 `INSERT INTO oauth_refresh_token_families (${FAMILY_COLUMNS}) SELECT ?, client_id, subject, auth_time, ?, NULL, resources FROM consumed`,
                 ['family_id'],
                 'nothing',
               )})${
                 withToken
                   ? `,
               token AS (INSERT INTO oauth_refresh_tokens (${REFRESH_TOKEN_COLUMNS}) SELECT ${tokenValues} FROM consumed)`
                   : ''
               }
               SELECT ${CODE_COLUMNS} FROM consumed`
  return {
    insertClient: insert('oauth_clients', CLIENT_COLUMNS),
    selectClient: `SELECT ${CLIENT_COLUMNS} FROM oauth_clients WHERE client_id = ?`,
    listClients: `SELECT ${CLIENT_COLUMNS} FROM oauth_clients ORDER BY created_at, client_id`,
    updateClient: updateByKey('oauth_clients', CLIENT_COLUMNS),
    deleteClient: 'DELETE FROM oauth_clients WHERE client_id = ?',
    /** `disabled_at`, `client_id`. */
    disableClient: 'UPDATE oauth_clients SET disabled_at = ? WHERE client_id = ? AND disabled_at IS NULL',

    insertRegistration: insert('oauth_client_registrations', REGISTRATION_COLUMNS),
    selectRegistration: `SELECT ${REGISTRATION_COLUMNS} FROM oauth_client_registrations WHERE client_id = ?`,
    updateRegistration: updateByKey('oauth_client_registrations', REGISTRATION_COLUMNS),
    deleteRegistration: 'DELETE FROM oauth_client_registrations WHERE client_id = ?',

    insertUser: insert('oauth_users', USER_COLUMNS),
    selectUser: `SELECT ${USER_COLUMNS} FROM oauth_users WHERE subject = ?`,
    selectUserByUsername: `SELECT ${USER_COLUMNS} FROM oauth_users WHERE username = ?`,
    listUsers: `SELECT ${USER_COLUMNS} FROM oauth_users ORDER BY created_at, subject`,
    updateUser: updateByKey('oauth_users', USER_COLUMNS),
    deleteUser: 'DELETE FROM oauth_users WHERE subject = ?',
    /** Whether the store holds any client or user (a seed goes only into an empty one). */
    anyClientOrUser:
      'SELECT 1 AS found FROM oauth_clients UNION ALL SELECT 1 AS found FROM oauth_users LIMIT 1',

    insertCode: insert('oauth_authorization_codes', CODE_COLUMNS),
    selectCode: `SELECT ${CODE_COLUMNS} FROM oauth_authorization_codes WHERE code_hash = ?`,
    selectCodeWithUserStatus: withUserStatus('oauth_authorization_codes', CODE_COLUMNS),
    /** `consumed_at`, the issued access token's `jti` and expiry, the family, `code_hash`. */
    consumeCode,
    /**
     * `consumeCode`, the family it starts (`family_id`, now) and, with a refresh token, the token's
     * values: one statement, atomic on its own (`dataModifyingWith` dialects only).
     */
    consumeCodeStartingFamily: writableWith ? consumeStartingFamily(false) : undefined,
    consumeCodeStartingFamilyWithToken: writableWith ? consumeStartingFamily(true) : undefined,
    /**
     * now, now: an expired code goes once the access token its redemption issued has expired too, so
     * that revoking a grant (`GrantStore.revoke`) still finds that token.
     */
    deleteExpiredCodes:
      'DELETE FROM oauth_authorization_codes WHERE expires_at <= ? AND (issued_access_token_expires_at IS NULL OR issued_access_token_expires_at <= ?)',

    insertDeviceCode: insert('oauth_device_codes', DEVICE_CODE_COLUMNS),
    selectDeviceCode: `SELECT ${DEVICE_CODE_COLUMNS} FROM oauth_device_codes WHERE device_code_hash = ?`,
    /** `user_code_hash`, now. */
    selectPendingDeviceCode: `SELECT ${DEVICE_CODE_COLUMNS} FROM oauth_device_codes WHERE user_code_hash = ? AND status = 'pending' AND expires_at > ?`,
    /** status, subject, auth_time, scope (NULL keeps it), decided_at, `user_code_hash`, now: only a pending, unexpired code. */
    decideDeviceCode: `UPDATE oauth_device_codes SET status = ?, subject = ?, auth_time = ?, scope = COALESCE(?, scope), decided_at = ?
               WHERE user_code_hash = ? AND status = 'pending' AND expires_at > ? RETURNING ${DEVICE_CODE_COLUMNS}`,
    /**
     * now, now, now, `device_code_hash`. One statement: every SET reads the row as it was, so the poll's
     * verdict (`last_poll_slowed`) and the raised interval come from the previous poll, atomically.
     */
    pollDeviceCode: `UPDATE oauth_device_codes SET
                 poll_interval = CASE WHEN status = 'pending' AND ? - COALESCE(last_polled_at, created_at) < poll_interval - 1 THEN poll_interval + 5 ELSE poll_interval END,
                 last_poll_slowed = CASE WHEN status = 'pending' AND ? - COALESCE(last_polled_at, created_at) < poll_interval - 1 THEN 1 ELSE 0 END,
                 last_polled_at = ?
               WHERE device_code_hash = ? RETURNING ${DEVICE_CODE_COLUMNS}, last_poll_slowed`,
    /** consumed_at, issued_family_id, `device_code_hash`: only an approved code, once. */
    consumeDeviceCode: `UPDATE oauth_device_codes SET status = 'consumed', consumed_at = ?, issued_family_id = ?
               WHERE device_code_hash = ? AND status = 'approved' RETURNING ${DEVICE_CODE_COLUMNS}`,
    deleteExpiredDeviceCodes: 'DELETE FROM oauth_device_codes WHERE expires_at <= ?',

    insertFamily: d.upsert(insert('oauth_refresh_token_families', FAMILY_COLUMNS), ['family_id'], 'nothing'),
    /** The family a consumed code starts: as `insertFamily`, never revoked. */
    insertCodeFamily: d.upsert(
      insert('oauth_refresh_token_families', FAMILY_COLUMNS, '?, ?, ?, ?, ?, NULL, ?'),
      ['family_id'],
      'nothing',
    ),
    selectFamily: `SELECT ${FAMILY_COLUMNS} FROM oauth_refresh_token_families WHERE family_id = ?`,
    /** `revoked_at`, `family_id`. */
    revokeFamily:
      'UPDATE oauth_refresh_token_families SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL',
    liveFamily:
      'SELECT 1 AS live FROM oauth_refresh_token_families WHERE family_id = ? AND revoked_at IS NULL',
    /** The unexpired access tokens issued in a family: `family_id`, now. */
    familyAccessTokens:
      'SELECT access_token_jti, access_token_expires_at FROM oauth_refresh_tokens WHERE family_id = ? AND access_token_jti IS NOT NULL AND access_token_expires_at > ?',

    ...grantStatements('Client', (t) => `${t}.client_id = ?`),
    ...grantStatements('UserAtClient', (t) => `${t}.client_id = ? AND ${t}.subject = ?`),

    insertRefreshToken: insert('oauth_refresh_tokens', REFRESH_TOKEN_COLUMNS),
    selectRefreshToken: `SELECT ${REFRESH_TOKEN_COLUMNS} FROM oauth_refresh_tokens WHERE token_hash = ?`,
    selectRefreshTokenWithUserStatus: withUserStatus('oauth_refresh_tokens', REFRESH_TOKEN_COLUMNS),
    /** now, the successor's hash, `token_hash`, now: rotates a live token of a live family. */
    rotateRefreshToken,
    /**
     * `rotateRefreshToken` and, when it rotated, the successor's values inserted: one statement, atomic
     * on its own (`dataModifyingWith` dialects only).
     */
    rotateRefreshTokenWithSuccessor: writableWith
      ? `WITH rotated AS (${rotateRefreshToken})
               INSERT INTO oauth_refresh_tokens (${REFRESH_TOKEN_COLUMNS}) SELECT ${tokenValues} FROM rotated RETURNING token_hash`
      : undefined,
    /**
     * A rotated token and the one that replaced it, locked: concurrent reuses of one token wait here,
     * and each reads the successor the previous one left, so one token of the family stays live.
     */
    selectRefreshTokenForReuse: `SELECT ${REFRESH_TOKEN_COLUMNS}, replaced_by FROM oauth_refresh_tokens WHERE token_hash = ?${d.forUpdate}`,
    /** now, the successor's hash: rotates the successor away, giving its access token to revoke. */
    revokeSuccessor:
      'UPDATE oauth_refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL RETURNING access_token_jti, access_token_expires_at',
    /** The new successor's hash (or NULL), `token_hash`. */
    replaceSuccessor: 'UPDATE oauth_refresh_tokens SET replaced_by = ? WHERE token_hash = ?',
    deleteExpiredRefreshTokens: 'DELETE FROM oauth_refresh_tokens WHERE expires_at <= ?',

    listSigningKeys: `SELECT ${SIGNING_KEY_COLUMNS} FROM oauth_signing_keys ORDER BY created_at, kid`,
    insertSigningKey: insert('oauth_signing_keys', SIGNING_KEY_COLUMNS),
    /** Instances creating keys or seeding one schema serialize on it (its parameter: the schema). */
    signingKeyLock: d.lock('pipeshub_oauth_signing_keys'),
    /** Gives the keys a rotation replaces their expiry: `expiresAt`, `alg`, the new `kid`. */
    retireSigningKeys:
      'UPDATE oauth_signing_keys SET expires_at = ? WHERE alg = ? AND kid <> ? AND expires_at IS NULL',
    /** Deletes the keys expired at a time (its one parameter). */
    deleteExpiredSigningKeys:
      'DELETE FROM oauth_signing_keys WHERE expires_at IS NOT NULL AND expires_at <= ?',
    /** `expires_at`, `kid`. */
    expireSigningKey: 'UPDATE oauth_signing_keys SET expires_at = ? WHERE kid = ?',
    deleteSigningKey: 'DELETE FROM oauth_signing_keys WHERE kid = ?',

    selectConsent:
      'SELECT subject, client_id, scope, resources, granted_at FROM oauth_consents WHERE subject = ? AND client_id = ?',
    putConsent: d.upsert(
      insert('oauth_consents', 'subject, client_id, scope, resources, granted_at'),
      ['subject', 'client_id'],
      {
        scope: d.excluded('scope'),
        resources: d.excluded('resources'),
        granted_at: d.excluded('granted_at'),
      },
    ),
    deleteConsent: 'DELETE FROM oauth_consents WHERE subject = ? AND client_id = ?',
    /** `subject`: the primary key (subject, client_id) serves the lookup; a deleted client's row drops out. */
    listConsents:
      'SELECT o.subject, o.client_id, o.scope, o.resources, o.granted_at, c.name, c.logo_url, c.homepage_url FROM oauth_consents o JOIN oauth_clients c ON c.client_id = o.client_id WHERE o.subject = ? ORDER BY o.granted_at, o.client_id',

    insertSession: insert('oauth_sessions', 'session_id, subject, auth_time, expires_at'),
    /** `session_id`, now. */
    selectSession:
      'SELECT session_id, subject, auth_time, expires_at FROM oauth_sessions WHERE session_id = ? AND expires_at > ?',
    deleteSession: 'DELETE FROM oauth_sessions WHERE session_id = ?',
    deleteExpiredSessions: 'DELETE FROM oauth_sessions WHERE expires_at <= ?',

    /** Revoking again keeps the later expiry. */
    revokeAccessToken: d.upsert(insert('oauth_revoked_access_tokens', 'jti, expires_at'), ['jti'], {
      expires_at: d.greatest('oauth_revoked_access_tokens.expires_at', d.excluded('expires_at')),
    }),
    isAccessTokenRevoked: 'SELECT 1 AS found FROM oauth_revoked_access_tokens WHERE jti = ?',
    deleteExpiredRevokedAccessTokens: 'DELETE FROM oauth_revoked_access_tokens WHERE expires_at <= ?',

    /** `name`, `value`, `created_at`: the first of concurrent inserts stays, the others change nothing. */
    insertServerSecret: d.upsert(
      insert('oauth_server_secrets', 'name, value, created_at'),
      ['name'],
      'nothing',
    ),
    selectServerSecret: 'SELECT name, value, created_at FROM oauth_server_secrets WHERE name = ?',
    /** `kind`, `jti`, `expires_at`: one row changed for the first use only, whatever the concurrency. */
    useJwtId: d.upsert(insert('oauth_used_jwt_ids', 'kind, jti, expires_at'), ['kind', 'jti'], 'nothing'),
    deleteExpiredJwtIds: 'DELETE FROM oauth_used_jwt_ids WHERE expires_at <= ?',

    insertPushedRequest: insert('oauth_pushed_authorization_requests', PUSHED_REQUEST_COLUMNS),
    /** now, the interaction's expiry, `request_uri_hash`, now: the first resolution only. */
    firstUsePushedRequest:
      'UPDATE oauth_pushed_authorization_requests SET first_used_at = ?, expires_at = ? WHERE request_uri_hash = ? AND first_used_at IS NULL AND expires_at > ?',
    /** `request_uri_hash`, now. */
    selectPushedRequest: `SELECT ${PUSHED_REQUEST_COLUMNS} FROM oauth_pushed_authorization_requests WHERE request_uri_hash = ? AND expires_at > ?`,
    /** `request_uri_hash`, now. */
    consumePushedRequest:
      'DELETE FROM oauth_pushed_authorization_requests WHERE request_uri_hash = ? AND expires_at > ?',
    deleteExpiredPushedRequests: 'DELETE FROM oauth_pushed_authorization_requests WHERE expires_at <= ?',

    /** The user a token is created for, locked: concurrent creations for one user count one by one. */
    lockUserForTokens: `SELECT subject FROM oauth_users WHERE subject = ?${d.forUpdate}`,
    /** `subject`, now. */
    countLivePersonalAccessTokens:
      'SELECT COUNT(*) AS live FROM oauth_personal_access_tokens WHERE subject = ? AND expires_at > ?',
    insertPersonalAccessToken: insert('oauth_personal_access_tokens', PERSONAL_ACCESS_TOKEN_COLUMNS),
    selectPersonalAccessToken: `SELECT ${PERSONAL_ACCESS_TOKEN_COLUMNS} FROM oauth_personal_access_tokens WHERE token_hash = ?`,
    /** `subject`, now. */
    listPersonalAccessTokens: `SELECT ${PERSONAL_ACCESS_TOKEN_COLUMNS} FROM oauth_personal_access_tokens WHERE subject = ? AND expires_at > ? ORDER BY created_at, id`,
    /** `id`, `subject`. */
    deletePersonalAccessToken: 'DELETE FROM oauth_personal_access_tokens WHERE id = ? AND subject = ?',
    deleteExpiredPersonalAccessTokens: 'DELETE FROM oauth_personal_access_tokens WHERE expires_at <= ?',

    ping: 'SELECT 1 AS ok',
    begin: d.beginWrite,
    commit: 'COMMIT',
    rollback: 'ROLLBACK',

    /** Instances migrating one schema serialize on it (its parameter: the schema). */
    migrationLock: d.lock('pipeshub_oauth_migrations'),
    createMigrationsTable: `CREATE TABLE IF NOT EXISTS pipeshub_oauth_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${d.types.bigint} NOT NULL)`,
    appliedMigrations: 'SELECT version FROM pipeshub_oauth_migrations',
    recordMigration: insert('pipeshub_oauth_migrations', 'version, name, applied_at'),
  }
}

const built = new WeakMap<SqlDialect, Statements>()

/** The catalogue in `dialect`'s SQL (with `?` parameters still), built once per dialect. */
export function statementsFor(dialect: SqlDialect): Statements {
  let statements = built.get(dialect)
  if (!statements) {
    statements = buildStatements(dialect)
    built.set(dialect, statements)
  }
  return statements
}

/**
 * Whether a key that `SigningKeyStore.createIfAbsent` treats as present exists: the same test as
 * `matchesSigningKeyAbsence`, as a statement and its parameters (one text per combination of the
 * optional conditions, four in all).
 */
export function signingKeyPresence(
  alg: SigningAlgorithm,
  absence: SigningKeyAbsence,
): { sql: string; params: Array<string | number> } {
  const params: Array<string | number> = [alg, absence.now]
  let sql =
    'SELECT 1 AS found FROM oauth_signing_keys WHERE alg = ? AND (expires_at IS NULL OR expires_at > ?)'
  if (absence.activeAt !== undefined) {
    params.push(absence.activeAt)
    sql += ' AND activates_at <= ?'
  }
  if (absence.createdAfter !== undefined) {
    params.push(absence.createdAfter)
    sql += ' AND created_at > ?'
  }
  return { sql, params }
}
