import { StorageError } from '../errors.js'
import type { SqlDialect } from './dialect.js'
import { migrationsFor } from './migrations.js'
import type { Row } from './rows.js'
import {
  clientFromRow,
  clientParams,
  codeFromRow,
  codeParams,
  consentedAppFromRow,
  consentFromRow,
  deviceCodeFromRow,
  deviceCodeParams,
  familyFromRow,
  familyParams,
  joinScope,
  liveTokenFromRow,
  personalAccessTokenFromRow,
  personalAccessTokenParams,
  pushedRequestFromRow,
  pushedRequestParams,
  refreshTokenFromRow,
  refreshTokenParams,
  registrationFromRow,
  registrationParams,
  serverSecretFromRow,
  sessionFromRow,
  signingKeyFromRow,
  signingKeyParams,
  userFromRow,
  userParams,
} from './rows.js'
import { changes, first, type Operation, rows, script } from './sql-operation.js'
import { signingKeyPresence, statementsFor } from './statements.js'
import type { ClientRecord, Store, WithUserStatus } from './types.js'

/** How an adapter runs an operation: its own control flow (connections, transactions, errors). */
export interface SqlRunner {
  /** Runs an operation of one statement, on any connection. */
  run<T>(operation: Operation<T>): Promise<T>
  /** Runs an operation in one write transaction, on one connection. */
  transaction<T>(operation: Operation<T>): Promise<T>
}

/** A row of a `withUserStatus` statement as its record and its user's status. */
const withUserStatus = <R>(row: Row, record: (row: Row) => R): WithUserStatus<R> => ({
  record: record(row),
  userDisabled: row.user_disabled_at != null,
})

/** `[key, ...rest]` as `[...rest, key]`: the parameter order of the catalogue's `updateByKey`. */
const keyLast = <T>([key, ...rest]: readonly T[]): T[] => [...rest, key as T]

/**
 * The pending migrations, applied in the transaction the adapter runs this in. `lockKey` names what is
 * migrated (the schema), for dialects that serialize instances with a lock; `setup` is what the adapter
 * runs first (PostgreSQL: create the schema and make it the one the migrations write to).
 */
export function* applyMigrations(
  dialect: SqlDialect,
  lockKey: string,
  setup: readonly string[] = [],
): Operation<void> {
  const s = statementsFor(dialect)
  if (s.migrationLock) yield* rows(s.migrationLock, lockKey)
  for (const statement of setup) yield* script(statement)
  yield* script(s.createMigrationsTable)
  const applied = new Set((yield* rows(s.appliedMigrations)).map((row) => Number(row.version)))
  for (const migration of migrationsFor(dialect)) {
    if (applied.has(migration.version)) continue
    yield* script(migration.sql)
    yield* changes(s.recordMigration, migration.version, migration.name, Math.floor(Date.now() / 1000))
  }
}

/**
 * Every method of a SQL store but `ping` and `close`, written once from the catalogue. `lockKey` is
 * the parameter of the dialect's locks (the schema).
 */
export function createSqlStore(
  dialect: SqlDialect,
  runner: SqlRunner,
  lockKey: string,
): Omit<Store, 'ping' | 'close'> {
  const s = statementsFor(dialect)
  const { run, transaction } = runner
  const lock = function* (): Operation<void> {
    if (s.signingKeyLock) yield* rows(s.signingKeyLock, lockKey)
  }
  const updateClient = function* (client: ClientRecord): Operation<boolean> {
    return (yield* changes(s.updateClient, ...keyLast(clientParams(client)))) > 0
  }
  const deleted = function* (sql: string, ...params: string[]): Operation<boolean> {
    return (yield* changes(sql, ...params)) > 0
  }

  return {
    clients: {
      create: (client) => run(changes(s.insertClient, ...clientParams(client))).then(() => {}),
      get: (clientId) => run(first(s.selectClient, clientId)).then((row) => row && clientFromRow(row)),
      list: () => run(rows(s.listClients)).then((found) => found.map(clientFromRow)),
      update: (client) => run(updateClient(client)),
      delete: (clientId) => run(deleted(s.deleteClient, clientId)),
    },
    clientRegistrations: {
      create: (client, registration) =>
        transaction(
          (function* () {
            yield* changes(s.insertClient, ...clientParams(client))
            yield* changes(s.insertRegistration, ...registrationParams(registration))
          })(),
        ),
      get: (clientId) =>
        run(first(s.selectRegistration, clientId)).then((row) => row && registrationFromRow(row)),
      update: (client, registration) =>
        transaction(
          (function* () {
            const changed = yield* changes(s.updateRegistration, ...keyLast(registrationParams(registration)))
            return changed > 0 && (yield* updateClient(client))
          })(),
        ),
      delete: (clientId, now) =>
        transaction(
          (function* () {
            if (!(yield* deleted(s.deleteRegistration, clientId))) return false
            yield* changes(s.disableClient, now, clientId)
            return true
          })(),
        ),
    },
    users: {
      create: (user) => run(changes(s.insertUser, ...userParams(user))).then(() => {}),
      get: (subject) => run(first(s.selectUser, subject)).then((row) => row && userFromRow(row)),
      findByUsername: (username) =>
        run(first(s.selectUserByUsername, username)).then((row) => row && userFromRow(row)),
      list: () => run(rows(s.listUsers)).then((found) => found.map(userFromRow)),
      update: (user) => run(changes(s.updateUser, ...keyLast(userParams(user)))).then((n) => n > 0),
      delete: (subject) => run(deleted(s.deleteUser, subject)),
    },
    authorizationCodes: {
      create: (code) => run(changes(s.insertCode, ...codeParams(code))).then(() => {}),
      get: (codeHash) => run(first(s.selectCode, codeHash)).then((row) => row && codeFromRow(row)),
      getWithUserStatus: (codeHash) =>
        run(first(s.selectCodeWithUserStatus, codeHash)).then(
          (row) => row && withUserStatus(row, codeFromRow),
        ),
      consume: async (codeHash, now, issuance) => {
        const consumption = [
          now,
          issuance.accessTokenJti,
          issuance.accessTokenExpiresAt,
          issuance.familyId,
          codeHash,
        ] as const
        const notConsumed = function* () {
          const existing = yield* first(s.selectCode, codeHash)
          return existing
            ? { outcome: 'already_consumed' as const, code: codeFromRow(existing) }
            : { outcome: 'not_found' as const }
        }
        const { refreshToken } = issuance
        if (s.consumeCodeStartingFamily && s.consumeCodeStartingFamilyWithToken) {
          const row = await run(
            refreshToken
              ? first(
                  s.consumeCodeStartingFamilyWithToken,
                  ...consumption,
                  issuance.familyId,
                  now,
                  ...refreshTokenParams(refreshToken),
                )
              : first(s.consumeCodeStartingFamily, ...consumption, issuance.familyId, now),
          )
          return row ? { outcome: 'consumed' as const, code: codeFromRow(row) } : run(notConsumed())
        }
        return transaction(
          (function* () {
            const row = yield* first(s.consumeCode, ...consumption)
            if (!row) return yield* notConsumed()
            const code = codeFromRow(row)
            yield* changes(
              s.insertCodeFamily,
              issuance.familyId,
              code.clientId,
              code.subject,
              code.authTime,
              now,
              JSON.stringify(code.resources),
            )
            if (refreshToken) yield* changes(s.insertRefreshToken, ...refreshTokenParams(refreshToken))
            return { outcome: 'consumed' as const, code }
          })(),
        )
      },
      deleteExpired: (now) => run(changes(s.deleteExpiredCodes, now, now)),
    },
    deviceCodes: {
      create: (deviceCode) =>
        run(changes(s.insertDeviceCode, ...deviceCodeParams(deviceCode))).then(() => {}),
      get: (deviceCodeHash) =>
        run(first(s.selectDeviceCode, deviceCodeHash)).then((row) => row && deviceCodeFromRow(row)),
      findPendingByUserCode: (userCodeHash, now) =>
        run(first(s.selectPendingDeviceCode, userCodeHash, now)).then((row) => row && deviceCodeFromRow(row)),
      decide: (userCodeHash, now, decision) =>
        run(
          first(
            s.decideDeviceCode,
            decision.approved ? 'approved' : 'denied',
            decision.subject ?? null,
            decision.authTime ?? null,
            decision.approved ? joinScope(decision.scope) : null,
            now,
            userCodeHash,
            now,
          ),
        ).then((row) => row && deviceCodeFromRow(row)),
      poll: (deviceCodeHash, now) =>
        run(first(s.pollDeviceCode, now, now, now, deviceCodeHash)).then((row) => {
          if (!row) return { outcome: 'not_found' as const }
          const deviceCode = deviceCodeFromRow(row)
          return Number(row.last_poll_slowed) === 1
            ? { outcome: 'slow_down' as const, deviceCode }
            : { outcome: 'polled' as const, deviceCode }
        }),
      consume: (deviceCodeHash, now, issuance) =>
        transaction(
          (function* () {
            const row = yield* first(s.consumeDeviceCode, now, issuance.familyId, deviceCodeHash)
            if (!row) return false
            const deviceCode = deviceCodeFromRow(row)
            yield* changes(
              s.insertCodeFamily,
              issuance.familyId,
              deviceCode.clientId,
              deviceCode.subject ?? '',
              deviceCode.authTime ?? now,
              now,
              JSON.stringify(deviceCode.resources),
            )
            if (issuance.refreshToken) {
              yield* changes(s.insertRefreshToken, ...refreshTokenParams(issuance.refreshToken))
            }
            return true
          })(),
        ),
      deleteExpired: (now) => run(changes(s.deleteExpiredDeviceCodes, now)),
    },
    refreshTokens: {
      createFamily: (family) => run(changes(s.insertFamily, ...familyParams(family))).then(() => {}),
      getFamily: (familyId) => run(first(s.selectFamily, familyId)).then((row) => row && familyFromRow(row)),
      create: (token) => run(changes(s.insertRefreshToken, ...refreshTokenParams(token))).then(() => {}),
      get: (tokenHash) =>
        run(first(s.selectRefreshToken, tokenHash)).then((row) => row && refreshTokenFromRow(row)),
      getWithUserStatus: (tokenHash) =>
        run(first(s.selectRefreshTokenWithUserStatus, tokenHash)).then(
          (row) => row && withUserStatus(row, refreshTokenFromRow),
        ),
      rotate: async (tokenHash, now, next, options = {}) => {
        const rotation = [now, next?.tokenHash ?? null, tokenHash, now] as const
        const insertNext = function* (): Operation<void> {
          if (next) yield* changes(s.insertRefreshToken, ...refreshTokenParams(next))
        }
        // The token was not rotatable: a reuse, perhaps a retry within the reuse interval. A token that
        // failed to rotate never becomes rotatable again, so this need not try the rotation again.
        const notRotated = function* () {
          const row = yield* first(s.selectRefreshTokenForReuse, tokenHash)
          if (!row || row.rotated_at === null) return { outcome: 'inactive' as const }
          if (
            options.reusableSince !== undefined &&
            Number(row.rotated_at) >= options.reusableSince &&
            row.replaced_by !== null &&
            Number(row.expires_at) > now &&
            (yield* first(s.liveFamily, String(row.family_id)))
          ) {
            const successor = yield* first(s.revokeSuccessor, now, String(row.replaced_by))
            if (successor) {
              const jti = successor.access_token_jti
              const expiresAt = Number(successor.access_token_expires_at)
              if (jti !== null && expiresAt > now) yield* changes(s.revokeAccessToken, String(jti), expiresAt)
              yield* changes(s.replaceSuccessor, next?.tokenHash ?? null, tokenHash)
              yield* insertNext()
              return { outcome: 'rotated' as const }
            }
          }
          return { outcome: 'already_rotated' as const, token: refreshTokenFromRow(row) }
        }
        if (s.rotateRefreshTokenWithSuccessor) {
          const rotated = await run(
            next
              ? first(s.rotateRefreshTokenWithSuccessor, ...rotation, ...refreshTokenParams(next))
              : first(s.rotateRefreshToken, ...rotation),
          )
          return rotated ? { outcome: 'rotated' as const } : transaction(notRotated())
        }
        return transaction(
          (function* () {
            if (!(yield* first(s.rotateRefreshToken, ...rotation))) return yield* notRotated()
            yield* insertNext()
            return { outcome: 'rotated' as const }
          })(),
        )
      },
      revokeFamily: (familyId, now) =>
        transaction(
          (function* () {
            yield* changes(s.revokeFamily, now, familyId)
            return (yield* rows(s.familyAccessTokens, familyId, now)).map((row) => ({
              jti: String(row.access_token_jti),
              expiresAt: Number(row.access_token_expires_at),
            }))
          })(),
        ),
      deleteExpired: (now) => run(changes(s.deleteExpiredRefreshTokens, now)),
    },
    grants: {
      revoke: ({ clientId, subject }, now) =>
        transaction(
          (function* () {
            const owner = subject === undefined ? [clientId] : [clientId, subject]
            const kind = subject === undefined ? 'Client' : 'UserAtClient'
            for (const row of yield* rows(s[`accessTokensOf${kind}`], ...owner, now, ...owner, now)) {
              yield* changes(s.revokeAccessToken, String(row.jti), Number(row.expires_at))
            }
            yield* changes(s[`denyDeviceCodesOf${kind}`], now, ...owner)
            return yield* changes(s[`revokeFamiliesOf${kind}`], now, ...owner)
          })(),
        ),
      list: ({ clientId, subject }, now) => {
        const owner = subject === undefined ? [clientId] : [clientId, subject]
        const kind = subject === undefined ? 'Client' : 'UserAtClient'
        return run(rows(s[`liveTokensOf${kind}`], ...owner, now, ...owner, now, ...owner, now)).then(
          (found) => found.map(liveTokenFromRow),
        )
      },
    },
    signingKeys: {
      list: () => run(rows(s.listSigningKeys)).then((found) => found.map(signingKeyFromRow)),
      create: (key) => run(changes(s.insertSigningKey, ...signingKeyParams(key))).then(() => {}),
      createIfAbsent: (key, absence) =>
        transaction(
          (function* () {
            // Under READ COMMITTED "insert if none exists" is not atomic on its own: the lock (or
            // SQLite's exclusive write transaction) keeps another instance from inserting in between.
            yield* lock()
            const present = signingKeyPresence(key.alg, absence)
            if (yield* first(present.sql, ...present.params)) return false
            yield* changes(s.insertSigningKey, ...signingKeyParams(key))
            return true
          })(),
        ),
      rotate: (next, retirement) =>
        transaction(
          (function* () {
            yield* lock()
            const { absence } = retirement
            if (absence) {
              const present = signingKeyPresence(next.alg, absence)
              if (yield* first(present.sql, ...present.params)) return false
            }
            yield* changes(s.insertSigningKey, ...signingKeyParams(next))
            yield* changes(s.retireSigningKeys, retirement.expiresAt, next.alg, next.kid)
            yield* changes(s.deleteExpiredSigningKeys, retirement.now)
            return true
          })(),
        ),
      expire: (kid, expiresAt) => run(changes(s.expireSigningKey, expiresAt, kid)).then((n) => n > 0),
      delete: (kid) => run(deleted(s.deleteSigningKey, kid)),
    },
    consents: {
      get: (subject, clientId) =>
        run(first(s.selectConsent, subject, clientId)).then((row) => row && consentFromRow(row)),
      put: (consent) =>
        run(
          changes(
            s.putConsent,
            consent.subject,
            consent.clientId,
            joinScope(consent.scope),
            JSON.stringify(consent.resources),
            consent.grantedAt,
          ),
        ).then(() => {}),
      delete: (subject, clientId) => run(deleted(s.deleteConsent, subject, clientId)),
      list: (subject) => run(rows(s.listConsents, subject)).then((found) => found.map(consentedAppFromRow)),
    },
    sessions: {
      create: (session) =>
        run(
          changes(s.insertSession, session.sessionId, session.subject, session.authTime, session.expiresAt),
        ).then(() => {}),
      get: (sessionId, now) =>
        run(first(s.selectSession, sessionId, now)).then((row) => row && sessionFromRow(row)),
      delete: (sessionId) => run(deleted(s.deleteSession, sessionId)),
      deleteExpired: (now) => run(changes(s.deleteExpiredSessions, now)),
    },
    revokedAccessTokens: {
      revoke: (jti, expiresAt) => run(changes(s.revokeAccessToken, jti, expiresAt)).then(() => {}),
      isRevoked: (jti) => run(first(s.isAccessTokenRevoked, jti)).then((row) => row !== undefined),
      deleteExpired: (now) => run(changes(s.deleteExpiredRevokedAccessTokens, now)),
    },
    serverSecrets: {
      getOrCreate: (candidate) =>
        transaction(
          (function* () {
            // A concurrent insert of the same name waits for the first to commit, then inserts nothing;
            // the read after it sees the committed row (a statement's snapshot starts with it).
            yield* changes(s.insertServerSecret, candidate.name, candidate.value, candidate.createdAt)
            const row = yield* first(s.selectServerSecret, candidate.name)
            if (!row) throw new StorageError(`the server secret ${candidate.name} was not stored`)
            return serverSecretFromRow(row)
          })(),
        ),
    },
    usedJwtIds: {
      use: (kind, jti, expiresAt) => run(changes(s.useJwtId, kind, jti, expiresAt)).then((n) => n > 0),
      deleteExpired: (now) => run(changes(s.deleteExpiredJwtIds, now)),
    },
    pushedAuthorizationRequests: {
      create: (record) => run(changes(s.insertPushedRequest, ...pushedRequestParams(record))).then(() => {}),
      resolve: (requestUriHash, now, interactionExpiresAt) =>
        transaction(
          (function* () {
            yield* changes(s.firstUsePushedRequest, now, interactionExpiresAt, requestUriHash, now)
            const row = yield* first(s.selectPushedRequest, requestUriHash, now)
            return row && pushedRequestFromRow(row)
          })(),
        ),
      consume: (requestUriHash, now) =>
        run(changes(s.consumePushedRequest, requestUriHash, now)).then((n) => n > 0),
      deleteExpired: (now) => run(changes(s.deleteExpiredPushedRequests, now)),
    },
    personalAccessTokens: {
      create: (token, maxLive) =>
        transaction(
          (function* () {
            // The user's row is the lock: two creations for one user cannot both see room for one more.
            if (!(yield* first(s.lockUserForTokens, token.subject))) return 'unknown_user' as const
            const counted = yield* first(s.countLivePersonalAccessTokens, token.subject, token.createdAt)
            if (Number(counted?.live ?? 0) >= maxLive) return 'limit_reached' as const
            yield* changes(s.insertPersonalAccessToken, ...personalAccessTokenParams(token))
            return 'created' as const
          })(),
        ),
      getByHash: (tokenHash) =>
        run(first(s.selectPersonalAccessToken, tokenHash)).then(
          (row) => row && personalAccessTokenFromRow(row),
        ),
      list: (subject, now) =>
        run(rows(s.listPersonalAccessTokens, subject, now)).then((found) =>
          found.map(personalAccessTokenFromRow),
        ),
      revoke: (subject, id) => run(deleted(s.deletePersonalAccessToken, id, subject)),
      deleteExpired: (now) => run(changes(s.deleteExpiredPersonalAccessTokens, now)),
    },
    seedIfEmpty: (seed) =>
      transaction(
        (function* () {
          // Two instances starting on an empty store seed it once between them.
          yield* lock()
          if (yield* first(s.anyClientOrUser)) return false
          for (const client of seed.clients) yield* changes(s.insertClient, ...clientParams(client))
          for (const user of seed.users) yield* changes(s.insertUser, ...userParams(user))
          return true
        })(),
      ),
  }
}
