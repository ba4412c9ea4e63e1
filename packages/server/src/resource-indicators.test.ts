import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { AuthorizationRequestError } from './authorization-request.js'
import { createAuthorizationServer } from './authorization-server.js'
import { OAuthError } from './errors.js'
import { createResourcePolicies } from './resource-indicators.js'
import { createMemoryStore } from './store/memory.js'
import {
  basic,
  createUser,
  ISSUER,
  manualClock,
  pkcePair,
  REDIRECT_URI,
  rejection,
} from './test-support/fixtures.js'

const MCP = 'https://api.pipeshub.test/mcp'
const KB = 'https://kb.pipeshub.test/api'
const OTHER = 'https://other.pipeshub.test/'

async function setup() {
  const store = createMemoryStore()
  const clock = manualClock()
  const server = createAuthorizationServer({
    issuer: ISSUER,
    store,
    now: clock.now,
    resources: [
      { resource: MCP, scopes: ['kb:read', 'agent:execute'], accessTokenLifetime: 600 },
      { resource: KB, scopes: ['kb:read', 'kb:write'] },
    ],
  })
  await createUser(store)
  const registered = await server.registerClient({
    name: 'agent',
    redirectUris: [REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    scopes: ['openid', 'offline_access', 'kb:read', 'kb:write', 'agent:execute'],
  })
  const auth = { authorization: basic(registered.client.clientId, registered.clientSecret ?? '') }
  const clientId = registered.client.clientId
  /** Runs the authorization request (with `resource`, space-joined as the HTTP layer passes it) to a code. */
  const code = async (scope: string, resource?: string) => {
    const pkce = pkcePair()
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope,
      state: 's',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }
    if (resource !== undefined) params.resource = resource
    const request = await server.validateAuthorizationRequest(params)
    const location = await server.issueAuthorizationCode({
      request,
      subject: 'user-alice',
      authTime: clock.now(),
    })
    return { code: new URL(location).searchParams.get('code') ?? '', verifier: pkce.verifier, request }
  }
  return { server, store, clock, auth, clientId, code }
}

describe('RFC 8707 resource indicators', () => {
  it('gives a code-flow access token the authorized resource as aud, with its lifetime', async () => {
    const { server, auth, code } = await setup()
    const { code: value, verifier, request } = await code('openid offline_access kb:read', MCP)
    expect(request.resources).toEqual([MCP])
    const response = await server.token(
      {
        grant_type: 'authorization_code',
        code: value,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        resource: MCP,
      },
      auth,
    )
    expect(response.expiresIn).toBe(600)
    const claims = decodeJwt(response.accessToken)
    expect(claims.aud).toBe(MCP)
    expect(claims.exp).toBe((claims.iat ?? 0) + 600)
    await expect(server.verifyAccessToken(response.accessToken, { audience: MCP })).resolves.toMatchObject({
      aud: MCP,
    })
    // A token for the MCP server is not one for this server, nor for another resource.
    expect((await rejection(server.verifyAccessToken(response.accessToken))).error).toBe('invalid_token')
    expect((await rejection(server.verifyAccessToken(response.accessToken, { audience: KB }))).error).toBe(
      'invalid_token',
    )
  })

  it('puts several resources in aud, takes the shortest lifetime, and narrows at the code exchange', async () => {
    const { server, auth, code } = await setup()
    const both = await code('kb:read offline_access', `${MCP} ${KB}`)
    const all = await server.token(
      {
        grant_type: 'authorization_code',
        code: both.code,
        redirect_uri: REDIRECT_URI,
        code_verifier: both.verifier,
      },
      auth,
    )
    expect(decodeJwt(all.accessToken).aud).toEqual([MCP, KB])
    expect(all.expiresIn).toBe(600)
    const narrowed = await code('kb:read', `${MCP} ${KB}`)
    const kbOnly = await server.token(
      {
        grant_type: 'authorization_code',
        code: narrowed.code,
        redirect_uri: REDIRECT_URI,
        code_verifier: narrowed.verifier,
        resource: KB,
      },
      auth,
    )
    expect(decodeJwt(kbOnly.accessToken).aud).toBe(KB)
    expect(kbOnly.expiresIn).toBe(3600)
  })

  it('lets a refresh ask for a subset of the granted resources, never another one', async () => {
    const { server, auth, code } = await setup()
    const granted = await code('kb:read offline_access', `${MCP} ${KB}`)
    const first = await server.token(
      {
        grant_type: 'authorization_code',
        code: granted.code,
        redirect_uri: REDIRECT_URI,
        code_verifier: granted.verifier,
      },
      auth,
    )
    const kb = await server.token(
      { grant_type: 'refresh_token', refresh_token: first.refreshToken ?? '', resource: KB },
      auth,
    )
    expect(decodeJwt(kb.accessToken).aud).toBe(KB)
    // Without resource, the refresh is for every resource of the grant again.
    const all = await server.token(
      { grant_type: 'refresh_token', refresh_token: kb.refreshToken ?? '' },
      auth,
    )
    expect(decodeJwt(all.accessToken).aud).toEqual([MCP, KB])
    const error = await rejection(
      server.token(
        { grant_type: 'refresh_token', refresh_token: all.refreshToken ?? '', resource: OTHER },
        auth,
      ),
    )
    expect(error.error).toBe('invalid_target')
    // The refused request did not rotate the token.
    const again = await server.token(
      { grant_type: 'refresh_token', refresh_token: all.refreshToken ?? '', resource: MCP },
      auth,
    )
    expect(decodeJwt(again.accessToken).aud).toBe(MCP)
  })

  it('refuses a code exchange for a resource the end-user did not authorize', async () => {
    const { server, auth, code } = await setup()
    const granted = await code('kb:read', MCP)
    const error = await rejection(
      server.token(
        {
          grant_type: 'authorization_code',
          code: granted.code,
          redirect_uri: REDIRECT_URI,
          code_verifier: granted.verifier,
          resource: KB,
        },
        auth,
      ),
    )
    expect(error).toMatchObject({ error: 'invalid_target', status: 400 })
  })

  it('answers invalid_target to the authorization request for an unknown, malformed or unpermitted resource', async () => {
    const { server, clientId } = await setup()
    const request = (resource: string, scope = 'kb:read') =>
      rejection(
        server.validateAuthorizationRequest({
          response_type: 'code',
          client_id: clientId,
          redirect_uri: REDIRECT_URI,
          scope,
          state: 's',
          resource,
        }),
      )
    for (const [resource, scope] of [
      [OTHER, 'kb:read'],
      ['/mcp', 'kb:read'],
      [`${MCP}#fragment`, 'kb:read'],
      [MCP, 'kb:write'],
    ] as const) {
      const error = await request(resource, scope)
      expect(error, resource).toBeInstanceOf(AuthorizationRequestError)
      expect(error.error).toBe('invalid_target')
      // The client is known and its redirect URI registered: the error goes back to it.
      expect(new URL((error as AuthorizationRequestError).redirectTo() ?? '').searchParams.get('error')).toBe(
        'invalid_target',
      )
    }
  })

  it('binds client credentials tokens to a resource and keeps the default audience without one', async () => {
    const { server, auth } = await setup()
    const forMcp = await server.token(
      { grant_type: 'client_credentials', scope: 'agent:execute', resource: MCP },
      auth,
    )
    expect(decodeJwt(forMcp.accessToken).aud).toBe(MCP)
    expect(forMcp.expiresIn).toBe(600)
    const plain = await server.token({ grant_type: 'client_credentials', scope: 'kb:write' }, auth)
    expect(decodeJwt(plain.accessToken).aud).toBe(ISSUER)
    for (const resource of [OTHER, 'relative/path', `${KB} /x`]) {
      const error = await rejection(
        server.token({ grant_type: 'client_credentials', scope: 'kb:read', resource }, auth),
      )
      expect(error.error, resource).toBe('invalid_target')
    }
    const unpermitted = await rejection(
      server.token({ grant_type: 'client_credentials', scope: 'kb:write', resource: MCP }, auth),
    )
    expect(unpermitted.errorDescription).toContain('does not accept the scope kb:write')
  })

  it('introspects a token for a resource as active, with aud', async () => {
    const { server, auth } = await setup()
    const { accessToken } = await server.token(
      { grant_type: 'client_credentials', scope: 'kb:read', resource: `${MCP} ${KB}` },
      auth,
    )
    expect(await server.introspect({ token: accessToken }, auth)).toMatchObject({
      active: true,
      aud: [MCP, KB],
    })
    await server.revoke({ token: accessToken }, auth)
    expect(await server.introspect({ token: accessToken }, auth)).toEqual({ active: false })
  })
})

describe('createResourcePolicies', () => {
  it('refuses a configuration that names a resource badly or twice, or a lifetime out of bounds', () => {
    expect(() => createResourcePolicies([{ resource: 'mcp' }])).toThrow(TypeError)
    expect(() => createResourcePolicies([{ resource: MCP }, { resource: MCP }])).toThrow(/twice/)
    expect(() => createResourcePolicies([{ resource: MCP, accessTokenLifetime: 59 }])).toThrow(/60-86400/)
    expect(() => createResourcePolicies([{ resource: MCP, accessTokenLifetime: 1.5 }])).toThrow(/60-86400/)
  })

  it('accepts the identity scopes for every resource and any scope for a resource without a list', () => {
    const policies = createResourcePolicies([{ resource: MCP, scopes: ['kb:read'] }, { resource: KB }])
    expect(() => policies.assertScopesAccepted([MCP], ['openid', 'offline_access', 'kb:read'])).not.toThrow()
    expect(() => policies.assertScopesAccepted([KB], ['org:admin'])).not.toThrow()
    expect(() => policies.assertScopesAccepted([MCP, KB], ['org:admin'])).toThrow(OAuthError)
  })
})
