import { TOKEN_REQUEST_GRANT_TYPES } from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { buildClient } from '../client-registration.js'
import { basic, rejection, testServer } from '../test-support/fixtures.js'
import { allGrants, GRANT_TYPES, grantFor, isGrantType } from './registry.js'

describe('the grant registry', () => {
  it('declares each grant with the models token request schema of its own grant_type (RFC 6749 section 4)', () => {
    for (const grant of allGrants()) {
      expect(TOKEN_REQUEST_GRANT_TYPES).toContain(grant.type)
      const properties = (grant.parameters as { properties?: Record<string, { const?: unknown }> }).properties
      expect(properties?.grant_type?.const).toBe(grant.type)
      expect(grantFor(grant.type)).toBe(grant)
    }
    expect(allGrants().map((grant) => grant.type)).toEqual(GRANT_TYPES)
  })

  it('knows a grant type only when a module serves it', () => {
    expect(isGrantType('password')).toBe(false)
    expect(isGrantType('toString')).toBe(false)
    expect(grantFor('__proto__')).toBeUndefined()
  })

  it('is what discovery advertises in grant_types_supported (RFC 8414 section 2)', () => {
    const { server } = testServer()
    expect(server.metadata().grant_types_supported).toEqual([...GRANT_TYPES])
  })

  it('answers unsupported_grant_type naming every grant it serves (RFC 6749 section 5.2)', async () => {
    const { server } = testServer()
    const registered = await server.registerClient({ name: 'job', grantTypes: ['client_credentials'] })
    const error = await rejection(
      server.token(
        { grant_type: 'password', username: 'alice', password: 'secret' },
        { authorization: basic(registered.client.clientId, registered.clientSecret ?? '') },
      ),
    )
    expect(error.error).toBe('unsupported_grant_type')
    expect(error.errorDescription).toBe(
      'grant_type must be authorization_code, client_credentials, refresh_token or urn:ietf:params:oauth:grant-type:device_code',
    )
  })

  it('is the list client registration accepts (RFC 7591 section 2, grant_types)', async () => {
    const error = await rejection(
      buildClient({ name: 'legacy', grantTypes: ['password' as never], redirectUris: [] }),
    )
    expect(error.error).toBe('invalid_client_metadata')
    expect(error.errorDescription).toBe('unsupported grant type password')
  })

  it("applies each grant's registration rule, in the order the client lists its grants", async () => {
    const publicClient = await rejection(
      buildClient({ name: 'spa', public: true, grantTypes: ['client_credentials'] }),
    )
    expect(publicClient.error).toBe('invalid_client_metadata')
    const noRedirect = await rejection(buildClient({ name: 'web', grantTypes: ['authorization_code'] }))
    expect(noRedirect.error).toBe('invalid_redirect_uri')
    const both = await rejection(
      buildClient({ name: 'spa', public: true, grantTypes: ['client_credentials', 'authorization_code'] }),
    )
    expect(both.errorDescription).toBe('a public client cannot use client_credentials')
  })
})
