import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { openPostgresStore } from '../store/postgres.js'
import { openSqliteStore } from '../store/sqlite.js'
import type { Store } from '../store/types.js'
import { authorizationCodeFor, basic, createUser, ISSUER, REDIRECT_URI } from '../test-support/fixtures.js'
import { listen, postForm } from '../test-support/http.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

const CONCURRENCY = 50
const pgAvailable = await postgresAvailable()

interface Deployment {
  /** One or more server instances sharing one store's data. */
  apps: AuthorizationServerApp[]
  urls: string[]
  dispose(): Promise<void>
}

async function deploy(stores: Store[], cleanup: () => Promise<void> = async () => {}): Promise<Deployment> {
  const apps = await Promise.all(
    stores.map((store) => buildAuthorizationServerApp({ issuer: ISSUER, store })),
  )
  const urls = await Promise.all(apps.map(listen))
  return {
    apps,
    urls,
    async dispose() {
      await Promise.all(apps.map((app) => app.close()))
      await Promise.all(stores.map((store) => store.close()))
      await cleanup()
    },
  }
}

async function proveSingleUse(deployment: Deployment) {
  const [first] = deployment.apps
  if (!first) throw new Error('no app')
  const server = first.authorizationServer
  await createUser(server.store)
  const { client, clientSecret } = await server.registerClient({ name: 'web', redirectUris: [REDIRECT_URI] })
  const authorization = basic(client.clientId, clientSecret ?? '')
  const code = await authorizationCodeFor(server, client.clientId)

  const redemptions = await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      postForm(
        `${deployment.urls[i % deployment.urls.length]}/api/v1/oauth2/token`,
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        { authorization },
      ),
    ),
  )
  const won = redemptions.filter((r) => r.status === 200)
  const lost = redemptions.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')
  expect(won).toHaveLength(1)
  expect(lost).toHaveLength(CONCURRENCY - 1)

  // A fresh grant for the refresh race (the code race revoked the first one's tokens on reuse).
  const secondCode = await authorizationCodeFor(server, client.clientId)
  const granted = await postForm(
    `${deployment.urls[0]}/api/v1/oauth2/token`,
    { grant_type: 'authorization_code', code: secondCode, redirect_uri: REDIRECT_URI },
    { authorization },
  )
  expect(granted.status).toBe(200)
  const refreshToken = String(granted.body.refresh_token)
  const refreshes = await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      postForm(
        `${deployment.urls[i % deployment.urls.length]}/api/v1/oauth2/token`,
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        { authorization },
      ),
    ),
  )
  const rotated = refreshes.filter((r) => r.status === 200)
  expect(rotated).toHaveLength(1)
  expect(rotated[0]?.body.refresh_token).toEqual(expect.any(String))
  expect(refreshes.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(
    CONCURRENCY - 1,
  )
}

describe('single use under concurrency, over loopback HTTP', () => {
  it(`memory store: ${CONCURRENCY} concurrent redemptions of one code and refreshes of one token each win once`, async () => {
    const deployment = await deploy([createMemoryStore()])
    try {
      await proveSingleUse(deployment)
    } finally {
      await deployment.dispose()
    }
  })

  it(`SQLite store: ${CONCURRENCY} concurrent redemptions and refreshes each win once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeshub-oauth-'))
    const deployment = await deploy([openSqliteStore({ path: join(dir, 'oauth.db') })], async () =>
      rmSync(dir, { recursive: true, force: true }),
    )
    try {
      await proveSingleUse(deployment)
    } finally {
      await deployment.dispose()
    }
  })

  it.runIf(pgAvailable)(
    `PostgreSQL store: ${CONCURRENCY} concurrent redemptions and refreshes each win once`,
    async () => {
      const schema = uniqueSchema()
      const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, max: 20 })
      const deployment = await deploy([store], () => dropSchema(schema))
      try {
        await proveSingleUse(deployment)
      } finally {
        await deployment.dispose()
      }
    },
  )

  it.runIf(pgAvailable)(
    'PostgreSQL: two server instances with two pools sharing one schema still give one winner',
    async () => {
      const schema = uniqueSchema()
      const stores = await Promise.all([
        openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, max: 10 }),
        openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, max: 10 }),
      ])
      const deployment = await deploy(stores, () => dropSchema(schema))
      try {
        expect(deployment.urls).toHaveLength(2)
        await proveSingleUse(deployment)
      } finally {
        await deployment.dispose()
      }
    },
  )
})
