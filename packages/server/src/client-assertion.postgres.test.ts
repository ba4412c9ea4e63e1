import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from '@pipeshub/models'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from './authorization-server.js'
import { OAuthError } from './errors.js'
import { openPostgresStore } from './store/postgres.js'
import { ISSUER, rejectionOf } from './test-support/fixtures.js'

const pgAvailable = await postgresAvailable()

// PostgreSQL refuses NUL bytes in TEXT: claims decoded from an assertion never reach it unchecked, or a
// crafted assertion would answer 503 instead of invalid_client (found by the PostgreSQL interop run).
describe.runIf(pgAvailable)('private_key_jwt on PostgreSQL', () => {
  it('accepts a jti once (a NUL byte in it too), and answers invalid_client, not 503, to a NUL byte in iss or sub', async () => {
    const schema = uniqueSchema()
    const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema })
    try {
      const server = createAuthorizationServer({ issuer: ISSUER, store })
      const { privateKey, publicKey } = await generateKeyPair('ES256')
      const { client } = await server.registerClient({
        name: 'keyed',
        grantTypes: ['client_credentials'],
        scopes: ['kb:read'],
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k' }] },
      })
      const now = Math.floor(Date.now() / 1000)
      const assertion = (claims: Record<string, unknown>) =>
        new SignJWT({ iss: client.clientId, sub: client.clientId, aud: ISSUER, exp: now + 60, ...claims })
          .setProtectedHeader({ alg: 'ES256', kid: 'k' })
          .sign(privateKey)
      const token = async (claims: Record<string, unknown>) =>
        server.token(
          {
            grant_type: 'client_credentials',
            client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
            client_assertion: await assertion(claims),
          },
          {},
        )
      expect((await token({ jti: 'once' })).scope).toBe('kb:read')
      expect((await rejectionOf(token({ jti: 'once' }), OAuthError)).error).toBe('invalid_client')
      // Any JSON string is a jti: one with a NUL byte is used once like any other.
      expect((await token({ jti: 'nul\u0000jti' })).scope).toBe('kb:read')
      expect((await rejectionOf(token({ jti: 'nul\u0000jti' }), OAuthError)).status).toBe(401)
      const error = await rejectionOf(
        token({ jti: 'x', iss: `${client.clientId}\u0000`, sub: `${client.clientId}\u0000` }),
        OAuthError,
      )
      expect(error.status).toBe(401)
      expect(error.error).toBe('invalid_client')
    } finally {
      await store.close()
      await dropSchema(schema)
    }
  })
})
