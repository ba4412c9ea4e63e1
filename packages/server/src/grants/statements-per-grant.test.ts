import { StatementSync } from 'node:sqlite'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import pg from 'pg'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuthorizationServer } from '../authorization-server.js'
import { openPostgresStore } from '../store/postgres.js'
import { openSqliteStore } from '../store/sqlite.js'
import type { Store } from '../store/types.js'
import {
  authorizationCodeFor,
  createUser,
  ISSUER,
  manualClock,
  pkcePair,
  REDIRECT_URI,
} from '../test-support/fixtures.js'

/**
 * A regression guard on store round trips, not a timing test: on PostgreSQL every statement is one
 * round trip (BEGIN and COMMIT included), so the number of statements a grant sends is the latency
 * it adds. Counted where the driver sends them: `pg.Client#query` (a pool query goes through it) and
 * SQLite's prepared statements.
 */
const pgAvailable = await postgresAvailable()

/** Statements sent while `body` runs; `watch` spies on the driver's entry points. */
async function counted(watch: () => Array<{ mock: { calls: unknown[] } }>, body: () => Promise<unknown>) {
  const spies = watch()
  const before = spies.reduce((n, spy) => n + spy.mock.calls.length, 0)
  await body()
  return spies.reduce((n, spy) => n + spy.mock.calls.length, 0) - before
}

/** A public client's code exchange and the refresh after it, each counted. */
async function statementsPerGrant(store: Store, watch: () => Array<{ mock: { calls: unknown[] } }>) {
  const clock = manualClock()
  const server = createAuthorizationServer({ issuer: ISSUER, store, now: clock.now })
  await createUser(store)
  const { client } = await server.registerClient({ name: 'web', redirectUris: [REDIRECT_URI], public: true })
  const grant = async () => {
    const pkce = pkcePair()
    const code = await authorizationCodeFor(server, client.clientId, { challenge: pkce.challenge })
    let refreshToken: string | undefined
    const authorizationCode = await counted(watch, async () => {
      const answer = await server.token(
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: pkce.verifier,
          client_id: client.clientId,
        },
        {},
      )
      refreshToken = answer.refreshToken
    })
    clock.advance(10)
    const refresh = await counted(watch, async () => {
      const answer = await server.token(
        { grant_type: 'refresh_token', refresh_token: refreshToken ?? '', client_id: client.clientId },
        {},
      )
      expect(answer.refreshToken).toBeDefined()
    })
    return { authorizationCode, refresh }
  }
  // The first grant also loads what a running server has loaded already (the signing keys).
  await grant()
  return grant()
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('statements a grant sends to the store', () => {
  it('SQLite: the code exchange and the refresh', async () => {
    const store = openSqliteStore({ path: ':memory:' })
    try {
      const watch = () => [
        vi.spyOn(StatementSync.prototype, 'get'),
        vi.spyOn(StatementSync.prototype, 'all'),
        vi.spyOn(StatementSync.prototype, 'run'),
      ]
      // Statements here are calls in this process, so the writes stay transactions (BEGIN ... COMMIT).
      expect(await statementsPerGrant(store, watch)).toEqual({ authorizationCode: 7, refresh: 6 })
    } finally {
      await store.close()
    }
  })

  it.runIf(pgAvailable)('PostgreSQL: the code exchange and the refresh', async () => {
    const schema = uniqueSchema()
    const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema })
    try {
      const watch = () => [vi.spyOn(pg.Client.prototype, 'query')]
      // Each 2 reads (the client; the code or token with its user's status) and 1 write, one statement:
      // consuming the code with its family and refresh token, rotating the token with its successor.
      expect(await statementsPerGrant(store, watch)).toEqual({ authorizationCode: 3, refresh: 3 })
    } finally {
      await store.close()
      await dropSchema(schema)
    }
  })
})
