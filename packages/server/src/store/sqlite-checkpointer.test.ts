import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { openSqliteStore } from './sqlite.js'
import type { RefreshTokenRecord, Store } from './types.js'

const T = 1_700_000_000

async function seed(store: Store) {
  await store.clients.create({
    clientId: 'c1',
    secretHash: null,
    name: 'c',
    redirectUris: [],
    grantTypes: ['refresh_token'],
    scopes: ['offline_access'],
    allowPlainPkce: false,
    accessTokenLifetime: null,
    refreshTokenLifetime: null,
    createdAt: T,
    disabledAt: null,
    webOrigins: [],
    idTokenSignedResponseAlg: null,
    requirePushedAuthorizationRequests: false,
    jwks: null,
    tokenEndpointAuthSigningAlg: null,
  })
  await store.refreshTokens.createFamily({
    familyId: 'f1',
    clientId: 'c1',
    subject: 'alice',
    authTime: T,
    createdAt: T,
    revokedAt: null,
    resources: [],
  })
}

const token = (i: number): RefreshTokenRecord => ({
  tokenHash: `hash-${i}`,
  familyId: 'f1',
  clientId: 'c1',
  subject: 'alice',
  scope: ['offline_access'],
  authTime: T,
  expiresAt: T + 3600,
  createdAt: T,
  rotatedAt: null,
  accessTokenJti: `jti-${i}`,
  accessTokenExpiresAt: T + 600,
})

describe('SQLite checkpoints off the request thread', () => {
  it('copies the write-ahead log into the database file while rotations go on, losing none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeshub-oauth-'))
    const path = join(dir, 'oauth.db')
    try {
      const store = openSqliteStore({ path })
      await seed(store)
      const sizeBefore = statSync(path).size
      const rotations = 150
      await store.refreshTokens.create(token(0))
      for (let i = 0; i < rotations; i++) {
        expect(await store.refreshTokens.rotate(`hash-${i}`, T + 1, token(i + 1))).toEqual({
          outcome: 'rotated',
        })
        // Let the checkpoint thread run between batches, as it would between requests.
        if (i % 50 === 49) await sleep(50)
      }
      // Far below the 1000 pages at which SQLite would checkpoint by itself, so only the worker copies pages back.
      let grown = false
      for (let attempt = 0; attempt < 100 && !grown; attempt++) {
        grown = statSync(path).size > sizeBefore
        if (!grown) await sleep(50)
      }
      expect(grown).toBe(true)
      await store.close()

      const reopened = openSqliteStore({ path })
      expect(await reopened.refreshTokens.get(`hash-${rotations}`)).toMatchObject({ rotatedAt: null })
      expect(await reopened.refreshTokens.get('hash-0')).toMatchObject({ rotatedAt: T + 1 })
      await reopened.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
