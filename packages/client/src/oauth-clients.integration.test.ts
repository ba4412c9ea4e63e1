import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OAuthError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { OAuthAppManagementClient } from './oauth-clients.js'
import {
  type LoopbackAuthorizationServer,
  startAuthorizationServer,
  USER,
} from './test-support/loopback-server.js'

const REDIRECT_URI = 'http://127.0.0.1/callback'
let server: LoopbackAuthorizationServer
let adminToken: string

/** An access token of the stand-in user at a client allowed `scope`. */
async function tokenFor(scope: string): Promise<string> {
  const registered = await server.app.authorizationServer.registerClient({
    name: 'admin console',
    grantTypes: ['authorization_code'],
    redirectUris: [REDIRECT_URI],
    scopes: scope.split(' '),
  })
  const client = await OAuthClient.fromIssuer(server.issuer, {
    clientId: registered.client.clientId,
    clientSecret: registered.clientSecret ?? '',
  })
  const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope })
  const location = (await fetch(request.url, { redirect: 'manual' })).headers.get('location') ?? ''
  const callback = client.validateAuthorizationCallback(location, { state: request.state })
  const tokens = await client.exchangeAuthorizationCode({
    code: callback.code,
    redirectUri: REDIRECT_URI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  })
  return tokens.accessToken
}

beforeAll(async () => {
  server = await startAuthorizationServer({
    appManagement: true,
    isAdministrator: (user) => user.subject === USER.subject,
  })
  adminToken = await tokenFor('openid org:admin')
})

afterAll(async () => {
  await server?.close()
})

describe('OAuthAppManagementClient against the real server', () => {
  it('runs the eleven operations of app management', async () => {
    const apps = new OAuthAppManagementClient({
      endpoint: `${server.issuer}/api/v1/oauth-clients`,
      accessToken: () => adminToken,
    })
    const catalogue = await apps.scopes()
    expect(catalogue.categories.map((group) => group.category)).toContain('Knowledge Base')

    const created = await apps.create({
      name: 'Reports',
      redirectUris: ['https://reports.example/callback'],
      allowedScopes: ['openid', 'kb:read'],
    })
    expect('clientSecret' in created && created.clientSecret.length).toBeGreaterThanOrEqual(16)
    const id = created.clientId
    expect((await apps.list()).map((app) => app.clientId)).toContain(id)
    expect(await apps.get(id)).toMatchObject({ name: 'Reports', status: 'active', isConfidential: true })
    expect(await apps.update(id, { description: 'Monthly reports', accessTokenLifetime: 900 })).toMatchObject(
      {
        description: 'Monthly reports',
        accessTokenLifetime: 900,
      },
    )
    const renewed = await apps.regenerateSecret(id)
    expect(renewed.clientSecret).not.toBe('clientSecret' in created ? created.clientSecret : '')
    expect((await apps.suspend(id)).status).toBe('suspended')
    expect((await apps.activate(id)).status).toBe('active')
    expect(await apps.tokens(id)).toEqual([])
    expect(await apps.revokeAllTokens(id)).toBe(0)

    const publicApp = await apps.create({
      name: 'Mobile',
      redirectUris: ['https://mobile.example/callback'],
      allowedScopes: ['openid'],
      isConfidential: false,
    })
    expect(publicApp).not.toHaveProperty('clientSecret')

    await apps.delete(id)
    const gone = await apps.get(id).catch((error: unknown) => error)
    expect(gone).toBeInstanceOf(OAuthError)
    expect(gone).toMatchObject({ error: 'invalid_request', status: 404 })
  })

  it('refuses a request the models reject before sending it, and a non-administrator at the server', async () => {
    const apps = new OAuthAppManagementClient({
      endpoint: `${server.issuer}/api/v1/oauth-clients`,
      accessToken: adminToken,
    })
    await expect(apps.update('any', {})).rejects.toThrow(/UpdateOAuthAppRequest/)
    const user = new OAuthAppManagementClient({
      endpoint: `${server.issuer}/api/v1/oauth-clients`,
      accessToken: await tokenFor('openid kb:read'),
    })
    const refused = await user.list().catch((error: unknown) => error)
    expect(refused).toMatchObject({ error: 'insufficient_scope', status: 403 })
  })
})
