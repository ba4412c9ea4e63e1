import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './http/app.js'
import { openPostgresStore } from './store/postgres.js'
import { basic, ISSUER } from './test-support/fixtures.js'
import { listen, postForm } from './test-support/http.js'

const pgAvailable = await postgresAvailable()
const ROUNDS = 3

async function jwksOf(url: string) {
  const response = await fetch(`${url}/.well-known/jwks.json`, { signal: AbortSignal.timeout(30_000) })
  expect(response.status).toBe(200)
  return createLocalJWKSet((await response.json()) as Parameters<typeof createLocalJWKSet>[0])
}

describe.runIf(pgAvailable)('signing keys shared by instances on one PostgreSQL schema', () => {
  it(`two instances started at once on an empty schema agree on one key (${ROUNDS} fresh schemas)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const schema = uniqueSchema()
      const apps: AuthorizationServerApp[] = []
      try {
        const stores = await Promise.all([
          openPostgresStore({ connectionString: TEST_DATABASE_URL, schema }),
          openPostgresStore({ connectionString: TEST_DATABASE_URL, schema }),
        ])
        apps.push(
          ...(await Promise.all(
            stores.map((store) => buildAuthorizationServerApp({ issuer: ISSUER, store })),
          )),
        )
        const [a, b] = apps
        if (!a || !b) throw new Error('two apps expected')
        const urls = await Promise.all(apps.map(listen))
        const { client, clientSecret } = await a.authorizationServer.registerClient({
          name: 'service',
          grantTypes: ['client_credentials'],
        })
        const authorization = basic(client.clientId, clientSecret ?? '')

        // The first token at each instance creates (or finds) the first signing key, at the same moment.
        const issued = await Promise.all(
          urls.map((url) =>
            postForm(`${url}/api/v1/oauth2/token`, { grant_type: 'client_credentials' }, { authorization }),
          ),
        )
        const tokens = issued.map((response) => {
          expect(response.status).toBe(200)
          return String(response.body.access_token)
        })
        expect(await a.authorizationServer.store.signingKeys.list()).toHaveLength(1)

        for (const [i, token] of tokens.entries()) {
          const other = urls[1 - i] ?? ''
          const introspection = await postForm(
            `${other}/api/v1/oauth2/introspect`,
            { token },
            { authorization },
          )
          expect(introspection.status).toBe(200)
          expect(introspection.body).toMatchObject({ active: true, client_id: client.clientId })
          const { payload } = await jwtVerify(token, await jwksOf(other), { issuer: ISSUER, typ: 'at+jwt' })
          expect(payload.client_id).toBe(client.clientId)
        }
      } finally {
        await Promise.all(apps.map((app) => app.close()))
        await Promise.all(apps.map((app) => app.authorizationServer.store.close()))
        await dropSchema(schema)
      }
    }
  })
})
