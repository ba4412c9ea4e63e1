import { StorageError } from '../errors.js'
import { matchesSigningKeyAbsence } from './rows.js'
import type {
  AuthorizationCodeRecord,
  ClientRecord,
  ClientRegistrationRecord,
  ConsentedApp,
  ConsentRecord,
  DeviceCodeRecord,
  LiveToken,
  PersonalAccessTokenRecord,
  PushedAuthorizationRequestRecord,
  RefreshTokenFamilyRecord,
  RefreshTokenRecord,
  ServerSecretRecord,
  SessionRecord,
  SigningKeyRecord,
  Store,
  UserRecord,
} from './types.js'

const copy = <T>(value: T): T => structuredClone(value)

/**
 * An in-memory store for tests and single-process experiments. JavaScript runs each method up to its
 * first `await` without interruption and these methods never await, so each is atomic.
 */
export function createMemoryStore(): Store {
  const clients = new Map<string, ClientRecord>()
  const users = new Map<string, UserRecord>()
  const codes = new Map<string, AuthorizationCodeRecord>()
  const deviceCodes = new Map<string, DeviceCodeRecord>()
  // The user code's hash -> the device code's hash (the UNIQUE index of the SQL stores).
  const userCodes = new Map<string, string>()
  const families = new Map<string, RefreshTokenFamilyRecord>()
  const refreshTokens = new Map<string, RefreshTokenRecord>()
  const keys = new Map<string, SigningKeyRecord>()
  const consents = new Map<string, ConsentRecord>()
  const sessions = new Map<string, SessionRecord>()
  const revoked = new Map<string, number>()
  const registrations = new Map<string, ClientRegistrationRecord>()
  const personalAccessTokens = new Map<string, PersonalAccessTokenRecord>()
  const serverSecrets = new Map<string, ServerSecretRecord>()
  // `kind` NUL `jti` -> when the use may be forgotten.
  const usedJwtIds = new Map<string, number>()
  const pushedRequests = new Map<string, PushedAuthorizationRequestRecord>()
  // Which token replaced a rotated one (the `replaced_by` column of the SQL stores).
  const replacedBy = new Map<string, string>()
  let closed = false
  const open = () => {
    if (closed) throw new StorageError('the memory store is closed')
  }
  const consentKey = (subject: string, clientId: string) => `${subject}\u0000${clientId}`

  const revokeFamilyNow = (familyId: string, now: number) => {
    const family = families.get(familyId)
    if (family && family.revokedAt === null) family.revokedAt = now
    const jtis: Array<{ jti: string; expiresAt: number }> = []
    for (const token of refreshTokens.values()) {
      if (
        token.familyId === familyId &&
        token.accessTokenJti !== null &&
        token.accessTokenExpiresAt !== null
      ) {
        if (token.accessTokenExpiresAt > now)
          jtis.push({ jti: token.accessTokenJti, expiresAt: token.accessTokenExpiresAt })
      }
    }
    return jtis
  }

  return {
    clients: {
      async create(client) {
        open()
        if (clients.has(client.clientId)) throw new StorageError(`client ${client.clientId} exists`)
        clients.set(client.clientId, copy(client))
      },
      async get(clientId) {
        open()
        const client = clients.get(clientId)
        return client && copy(client)
      },
      async list() {
        open()
        return [...clients.values()]
          .map(copy)
          .sort((a, b) => a.createdAt - b.createdAt || a.clientId.localeCompare(b.clientId))
      },
      async update(client) {
        open()
        if (!clients.has(client.clientId)) return false
        clients.set(client.clientId, copy(client))
        return true
      },
      async delete(clientId) {
        open()
        // Like the SQL stores' ON DELETE CASCADE.
        registrations.delete(clientId)
        return clients.delete(clientId)
      },
    },
    clientRegistrations: {
      async create(client, registration) {
        open()
        if (clients.has(client.clientId)) throw new StorageError(`client ${client.clientId} exists`)
        clients.set(client.clientId, copy(client))
        registrations.set(client.clientId, copy(registration))
      },
      async get(clientId) {
        open()
        const registration = registrations.get(clientId)
        return registration && copy(registration)
      },
      async update(client, registration) {
        open()
        if (!registrations.has(client.clientId) || !clients.has(client.clientId)) return false
        clients.set(client.clientId, copy(client))
        registrations.set(client.clientId, copy(registration))
        return true
      },
      async delete(clientId, now) {
        open()
        if (!registrations.delete(clientId)) return false
        const client = clients.get(clientId)
        if (client && client.disabledAt === null) client.disabledAt = now
        return true
      },
    },
    users: {
      async create(user) {
        open()
        if (users.has(user.subject)) throw new StorageError(`user ${user.subject} exists`)
        for (const other of users.values()) {
          if (other.username === user.username) throw new StorageError(`username ${user.username} exists`)
        }
        users.set(user.subject, copy(user))
      },
      async get(subject) {
        open()
        const user = users.get(subject)
        return user && copy(user)
      },
      async findByUsername(username) {
        open()
        for (const user of users.values()) if (user.username === username) return copy(user)
        return undefined
      },
      async list() {
        open()
        return [...users.values()]
          .map(copy)
          .sort((a, b) => a.createdAt - b.createdAt || a.subject.localeCompare(b.subject))
      },
      async update(user) {
        open()
        if (!users.has(user.subject)) return false
        for (const other of users.values()) {
          if (other.username === user.username && other.subject !== user.subject) {
            throw new StorageError(`username ${user.username} exists`)
          }
        }
        users.set(user.subject, copy(user))
        return true
      },
      async delete(subject) {
        open()
        return users.delete(subject)
      },
    },
    authorizationCodes: {
      async create(code) {
        open()
        if (codes.has(code.codeHash)) throw new StorageError('authorization code exists')
        codes.set(code.codeHash, copy(code))
      },
      async get(codeHash) {
        open()
        const code = codes.get(codeHash)
        return code && copy(code)
      },
      async getWithUserStatus(codeHash) {
        open()
        const code = codes.get(codeHash)
        return code && { record: copy(code), userDisabled: users.get(code.subject)?.disabledAt != null }
      },
      async consume(codeHash, now, issuance) {
        open()
        const code = codes.get(codeHash)
        if (!code) return { outcome: 'not_found' }
        if (code.consumedAt !== null) return { outcome: 'already_consumed', code: copy(code) }
        const refreshToken = issuance.refreshToken ?? null
        if (refreshToken && refreshTokens.has(refreshToken.tokenHash))
          throw new StorageError('refresh token exists')
        code.consumedAt = now
        code.issuedAccessTokenJti = issuance.accessTokenJti
        code.issuedAccessTokenExpiresAt = issuance.accessTokenExpiresAt
        code.issuedFamilyId = issuance.familyId
        if (!families.has(issuance.familyId)) {
          families.set(issuance.familyId, {
            familyId: issuance.familyId,
            clientId: code.clientId,
            subject: code.subject,
            authTime: code.authTime,
            createdAt: now,
            revokedAt: null,
            resources: [...code.resources],
          })
        }
        if (refreshToken) refreshTokens.set(refreshToken.tokenHash, copy(refreshToken))
        return { outcome: 'consumed', code: copy(code) }
      },
      async deleteExpired(now) {
        open()
        let count = 0
        for (const [hash, code] of codes) {
          if (code.expiresAt <= now && (code.issuedAccessTokenExpiresAt ?? now) <= now) {
            codes.delete(hash)
            count++
          }
        }
        return count
      },
    },
    deviceCodes: {
      async create(deviceCode) {
        open()
        if (deviceCodes.has(deviceCode.deviceCodeHash) || userCodes.has(deviceCode.userCodeHash))
          throw new StorageError('device code exists')
        deviceCodes.set(deviceCode.deviceCodeHash, copy(deviceCode))
        userCodes.set(deviceCode.userCodeHash, deviceCode.deviceCodeHash)
      },
      async get(deviceCodeHash) {
        open()
        const found = deviceCodes.get(deviceCodeHash)
        return found && copy(found)
      },
      async findPendingByUserCode(userCodeHash, now) {
        open()
        const found = deviceCodes.get(userCodes.get(userCodeHash) ?? '')
        return found && found.status === 'pending' && found.expiresAt > now ? copy(found) : undefined
      },
      async decide(userCodeHash, now, decision) {
        open()
        const found = deviceCodes.get(userCodes.get(userCodeHash) ?? '')
        if (found?.status !== 'pending' || found.expiresAt <= now) return undefined
        found.status = decision.approved ? 'approved' : 'denied'
        found.subject = decision.subject ?? null
        found.authTime = decision.authTime ?? null
        if (decision.approved) found.scope = [...decision.scope]
        found.decidedAt = now
        return copy(found)
      },
      async poll(deviceCodeHash, now) {
        open()
        const found = deviceCodes.get(deviceCodeHash)
        if (!found) return { outcome: 'not_found' }
        const tooSoon =
          found.status === 'pending' && now - (found.lastPolledAt ?? found.createdAt) < found.interval - 1
        if (tooSoon) found.interval += 5
        found.lastPolledAt = now
        return { outcome: tooSoon ? 'slow_down' : 'polled', deviceCode: copy(found) }
      },
      async consume(deviceCodeHash, now, issuance) {
        open()
        const found = deviceCodes.get(deviceCodeHash)
        if (found?.status !== 'approved') return false
        const refreshToken = issuance.refreshToken ?? null
        if (refreshToken && refreshTokens.has(refreshToken.tokenHash))
          throw new StorageError('refresh token exists')
        found.status = 'consumed'
        found.consumedAt = now
        found.issuedFamilyId = issuance.familyId
        if (!families.has(issuance.familyId)) {
          families.set(issuance.familyId, {
            familyId: issuance.familyId,
            clientId: found.clientId,
            subject: found.subject ?? '',
            authTime: found.authTime ?? now,
            createdAt: now,
            revokedAt: null,
            resources: [...found.resources],
          })
        }
        if (refreshToken) refreshTokens.set(refreshToken.tokenHash, copy(refreshToken))
        return true
      },
      async deleteExpired(now) {
        open()
        let count = 0
        for (const [hash, deviceCode] of deviceCodes) {
          if (deviceCode.expiresAt <= now) {
            deviceCodes.delete(hash)
            userCodes.delete(deviceCode.userCodeHash)
            count++
          }
        }
        return count
      },
    },
    grants: {
      async revoke({ clientId, subject }, now) {
        open()
        const owns = (record: { clientId: string; subject: string }) =>
          record.clientId === clientId && (subject === undefined || record.subject === subject)
        const revoke = (jti: string | null, expiresAt: number | null) => {
          if (jti !== null && expiresAt !== null && expiresAt > now)
            revoked.set(jti, Math.max(expiresAt, revoked.get(jti) ?? 0))
        }
        for (const token of refreshTokens.values())
          if (owns(token)) revoke(token.accessTokenJti, token.accessTokenExpiresAt)
        for (const code of codes.values())
          if (owns(code)) revoke(code.issuedAccessTokenJti, code.issuedAccessTokenExpiresAt)
        for (const deviceCode of deviceCodes.values()) {
          const owned =
            deviceCode.clientId === clientId && (subject === undefined || deviceCode.subject === subject)
          if (owned && (deviceCode.status === 'pending' || deviceCode.status === 'approved')) {
            deviceCode.status = 'denied'
            deviceCode.decidedAt = now
          }
        }
        let count = 0
        for (const family of families.values()) {
          if (owns(family) && family.revokedAt === null) {
            family.revokedAt = now
            count++
          }
        }
        return count
      },
      async list({ clientId, subject }, now) {
        open()
        const owns = (record: { clientId: string; subject: string }) =>
          record.clientId === clientId && (subject === undefined || record.subject === subject)
        const liveFamily = (familyId: string | null) =>
          familyId !== null && families.get(familyId)?.revokedAt === null
        const live: LiveToken[] = []
        const accessTokens = new Map<string, LiveToken>()
        const access = (
          jti: string | null,
          expiresAt: number | null,
          token: Omit<LiveToken, 'tokenType' | 'expiresAt'>,
        ) => {
          if (jti === null || expiresAt === null || expiresAt <= now || revoked.has(jti)) return
          if (!accessTokens.has(jti))
            accessTokens.set(jti, { tokenType: 'access_token', ...token, expiresAt })
        }
        for (const token of refreshTokens.values()) {
          if (!owns(token) || !liveFamily(token.familyId)) continue
          const base = {
            grantId: token.familyId,
            clientId: token.clientId,
            subject: token.subject,
            scope: [...token.scope],
            issuedAt: token.createdAt,
          }
          if (token.rotatedAt === null && token.expiresAt > now)
            live.push({ tokenType: 'refresh_token', ...base, expiresAt: token.expiresAt })
          access(token.accessTokenJti, token.accessTokenExpiresAt, base)
        }
        for (const code of codes.values()) {
          if (!owns(code) || !liveFamily(code.issuedFamilyId) || code.consumedAt === null) continue
          access(code.issuedAccessTokenJti, code.issuedAccessTokenExpiresAt, {
            grantId: code.issuedFamilyId ?? '',
            clientId: code.clientId,
            subject: code.subject,
            scope: [...code.scope],
            issuedAt: code.consumedAt,
          })
        }
        return [...live, ...accessTokens.values()].sort(
          (a, b) =>
            a.issuedAt - b.issuedAt ||
            a.tokenType.localeCompare(b.tokenType) ||
            a.grantId.localeCompare(b.grantId),
        )
      },
    },
    refreshTokens: {
      async createFamily(family) {
        open()
        if (!families.has(family.familyId)) families.set(family.familyId, copy(family))
      },
      async getFamily(familyId) {
        open()
        const family = families.get(familyId)
        return family && copy(family)
      },
      async create(token) {
        open()
        if (refreshTokens.has(token.tokenHash)) throw new StorageError('refresh token exists')
        if (!families.has(token.familyId)) throw new StorageError('refresh token family does not exist')
        refreshTokens.set(token.tokenHash, copy(token))
      },
      async get(tokenHash) {
        open()
        const token = refreshTokens.get(tokenHash)
        return token && copy(token)
      },
      async getWithUserStatus(tokenHash) {
        open()
        const token = refreshTokens.get(tokenHash)
        return token && { record: copy(token), userDisabled: users.get(token.subject)?.disabledAt != null }
      },
      async rotate(tokenHash, now, next, options = {}) {
        open()
        const token = refreshTokens.get(tokenHash)
        if (!token) return { outcome: 'inactive' }
        const family = families.get(token.familyId)
        const live = family !== undefined && family.revokedAt === null && token.expiresAt > now
        if (token.rotatedAt !== null) {
          // Synchronous from here to the end: no other call interleaves, as a transaction would ensure.
          const successor = refreshTokens.get(replacedBy.get(tokenHash) ?? '')
          const reusable =
            live &&
            options.reusableSince !== undefined &&
            token.rotatedAt >= options.reusableSince &&
            successor !== undefined &&
            successor.rotatedAt === null
          if (!reusable || successor === undefined) return { outcome: 'already_rotated', token: copy(token) }
          if (next && refreshTokens.has(next.tokenHash)) throw new StorageError('refresh token exists')
          successor.rotatedAt = now
          if (successor.accessTokenJti !== null && (successor.accessTokenExpiresAt ?? 0) > now)
            revoked.set(
              successor.accessTokenJti,
              Math.max(successor.accessTokenExpiresAt ?? now, revoked.get(successor.accessTokenJti) ?? 0),
            )
          replacedBy.delete(tokenHash)
          if (next) {
            refreshTokens.set(next.tokenHash, copy(next))
            replacedBy.set(tokenHash, next.tokenHash)
          }
          return { outcome: 'rotated' }
        }
        if (!live) return { outcome: 'inactive' }
        if (next && refreshTokens.has(next.tokenHash)) throw new StorageError('refresh token exists')
        token.rotatedAt = now
        if (next) {
          refreshTokens.set(next.tokenHash, copy(next))
          replacedBy.set(tokenHash, next.tokenHash)
        }
        return { outcome: 'rotated' }
      },
      async revokeFamily(familyId, now) {
        open()
        return revokeFamilyNow(familyId, now)
      },
      async deleteExpired(now) {
        open()
        let count = 0
        for (const [hash, token] of refreshTokens) {
          if (token.expiresAt <= now) {
            refreshTokens.delete(hash)
            replacedBy.delete(hash)
            count++
          }
        }
        return count
      },
    },
    signingKeys: {
      async list() {
        open()
        return [...keys.values()]
          .map(copy)
          .sort((a, b) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid))
      },
      async create(key) {
        open()
        if (keys.has(key.kid)) throw new StorageError(`signing key ${key.kid} exists`)
        keys.set(key.kid, copy(key))
      },
      async createIfAbsent(key, absence) {
        open()
        if (keys.has(key.kid)) throw new StorageError(`signing key ${key.kid} exists`)
        for (const existing of keys.values()) {
          if (matchesSigningKeyAbsence(existing, key.alg, absence)) return false
        }
        keys.set(key.kid, copy(key))
        return true
      },
      async rotate(next, retirement) {
        open()
        // Synchronous throughout: nothing interleaves, as a transaction would ensure.
        const { absence } = retirement
        if (absence && [...keys.values()].some((key) => matchesSigningKeyAbsence(key, next.alg, absence)))
          return false
        if (keys.has(next.kid)) throw new StorageError(`signing key ${next.kid} exists`)
        keys.set(next.kid, copy(next))
        for (const key of keys.values()) {
          if (key.kid === next.kid) continue
          if (key.expiresAt !== null && key.expiresAt <= retirement.now) keys.delete(key.kid)
          else if (key.expiresAt === null && key.alg === next.alg) key.expiresAt = retirement.expiresAt
        }
        return true
      },
      async expire(kid, expiresAt) {
        open()
        const key = keys.get(kid)
        if (!key) return false
        key.expiresAt = expiresAt
        return true
      },
      async delete(kid) {
        open()
        return keys.delete(kid)
      },
    },
    consents: {
      async get(subject, clientId) {
        open()
        const consent = consents.get(consentKey(subject, clientId))
        return consent && copy(consent)
      },
      async put(consent) {
        open()
        consents.set(consentKey(consent.subject, consent.clientId), copy(consent))
      },
      async delete(subject, clientId) {
        open()
        return consents.delete(consentKey(subject, clientId))
      },
      async list(subject) {
        open()
        const listed: ConsentedApp[] = []
        for (const consent of consents.values()) {
          const client = consent.subject === subject ? clients.get(consent.clientId) : undefined
          if (client === undefined) continue
          listed.push({
            ...copy(consent),
            clientName: client.name,
            logoUrl: client.logoUrl ?? null,
            homepageUrl: client.homepageUrl ?? null,
          })
        }
        return listed.sort(
          (a, b) =>
            a.grantedAt - b.grantedAt || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0),
        )
      },
    },
    sessions: {
      async create(session) {
        open()
        if (sessions.has(session.sessionId)) throw new StorageError('session exists')
        sessions.set(session.sessionId, copy(session))
      },
      async get(sessionId, now) {
        open()
        const session = sessions.get(sessionId)
        return session && session.expiresAt > now ? copy(session) : undefined
      },
      async delete(sessionId) {
        open()
        return sessions.delete(sessionId)
      },
      async deleteExpired(now) {
        open()
        let count = 0
        for (const [id, session] of sessions) {
          if (session.expiresAt <= now) {
            sessions.delete(id)
            count++
          }
        }
        return count
      },
    },
    revokedAccessTokens: {
      async revoke(jti, expiresAt) {
        open()
        revoked.set(jti, Math.max(expiresAt, revoked.get(jti) ?? 0))
      },
      async isRevoked(jti) {
        open()
        return revoked.has(jti)
      },
      async deleteExpired(now) {
        open()
        let count = 0
        for (const [jti, expiresAt] of revoked) {
          if (expiresAt <= now) {
            revoked.delete(jti)
            count++
          }
        }
        return count
      },
    },
    serverSecrets: {
      async getOrCreate(candidate) {
        open()
        const stored = serverSecrets.get(candidate.name) ?? copy(candidate)
        serverSecrets.set(stored.name, stored)
        return copy(stored)
      },
    },
    usedJwtIds: {
      async use(kind, jti, expiresAt) {
        open()
        const key = `${kind}\u0000${jti}`
        if (usedJwtIds.has(key)) return false
        usedJwtIds.set(key, expiresAt)
        return true
      },
      async deleteExpired(now) {
        open()
        let count = 0
        for (const [key, expiresAt] of usedJwtIds) {
          if (expiresAt <= now) {
            usedJwtIds.delete(key)
            count++
          }
        }
        return count
      },
    },
    pushedAuthorizationRequests: {
      async create(record) {
        open()
        if (pushedRequests.has(record.requestUriHash))
          throw new StorageError('duplicate pushed authorization request')
        pushedRequests.set(record.requestUriHash, copy(record))
      },
      async resolve(requestUriHash, now, interactionExpiresAt) {
        open()
        const record = pushedRequests.get(requestUriHash)
        if (!record || record.expiresAt <= now) return undefined
        if (record.firstUsedAt === null) {
          record.firstUsedAt = now
          record.expiresAt = interactionExpiresAt
        }
        return copy(record)
      },
      async consume(requestUriHash, now) {
        open()
        const record = pushedRequests.get(requestUriHash)
        if (!record || record.expiresAt <= now) return false
        pushedRequests.delete(requestUriHash)
        return true
      },
      async deleteExpired(now) {
        open()
        let count = 0
        for (const [hash, record] of pushedRequests) {
          if (record.expiresAt <= now) {
            pushedRequests.delete(hash)
            count++
          }
        }
        return count
      },
    },
    personalAccessTokens: {
      async create(token, maxLive) {
        open()
        if (!users.has(token.subject)) return 'unknown_user'
        let live = 0
        for (const held of personalAccessTokens.values()) {
          if (held.subject === token.subject && held.expiresAt > token.createdAt) live++
        }
        if (live >= maxLive) return 'limit_reached'
        for (const held of personalAccessTokens.values()) {
          if (held.tokenHash === token.tokenHash) throw new StorageError('personal access token exists')
        }
        if (personalAccessTokens.has(token.id)) throw new StorageError('personal access token exists')
        personalAccessTokens.set(token.id, copy(token))
        return 'created'
      },
      async getByHash(tokenHash) {
        open()
        for (const token of personalAccessTokens.values()) {
          if (token.tokenHash === tokenHash) return copy(token)
        }
        return undefined
      },
      async list(subject, now) {
        open()
        return [...personalAccessTokens.values()]
          .filter((token) => token.subject === subject && token.expiresAt > now)
          .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .map(copy)
      },
      async revoke(subject, id) {
        open()
        const token = personalAccessTokens.get(id)
        if (!token || token.subject !== subject) return false
        return personalAccessTokens.delete(id)
      },
      async deleteExpired(now) {
        open()
        let count = 0
        for (const [id, token] of personalAccessTokens) {
          if (token.expiresAt <= now) {
            personalAccessTokens.delete(id)
            count++
          }
        }
        return count
      },
    },
    async seedIfEmpty(seed) {
      open()
      if (clients.size > 0 || users.size > 0) return false
      const names = new Set(seed.users.map((user) => user.username))
      if (names.size !== seed.users.length) throw new StorageError('the seed repeats a username')
      for (const client of seed.clients) clients.set(client.clientId, copy(client))
      for (const user of seed.users) users.set(user.subject, copy(user))
      return true
    },
    async ping() {
      open()
    },
    async close() {
      closed = true
    },
  }
}
