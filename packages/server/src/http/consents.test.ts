import { consentedAppListCodec, errorResponseCodec } from '@pipeshub/models'
import { afterEach, describe, expect, it } from 'vitest'
import {
  authorizationCodeFor,
  basic,
  createUser,
  ISSUER,
  manualClock,
  REDIRECT_URI,
} from '../test-support/fixtures.js'
import { form } from '../test-support/http.js'
import { everyStore } from '../test-support/stores.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

const TOKEN = '/api/v1/oauth2/token'
const CONSENTS = '/api/v1/oauth2/consents'
/** The RFC 8707 resource the MCP client's consent covers (the web app's covers the default audience). */
const MCP_RESOURCE = 'https://mcp.example/mcp'
const INTROSPECT = '/api/v1/oauth2/introspect'
const FORM = 'application/x-www-form-urlencoded'
const RESOURCE_SERVER = '6b1d7d4f-8e4c-4d6a-8f1f-3a5c7e9f2b02'
/** The host's own app: an account client, whose user tokens may manage the user's consents. */
const WEB = '6b1d7d4f-8e4c-4d6a-8f1f-3a5c7e9f2b03'

const stores = await everyStore()
let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

function expectOAuthError(res: { statusCode: number; json(): unknown }, error: string, status: number) {
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(errorResponseCodec.check(body)).toBe(true)
  expect(body).toMatchObject({ error })
}

describe.each(stores)('the apps an end-user allowed, over HTTP (%s)', (_name, openStore, available) => {
  async function start() {
    const clock = manualClock()
    app = await buildAuthorizationServerApp({
      issuer: ISSUER,
      store: await openStore(),
      now: clock.now,
      introspectionClients: [RESOURCE_SERVER],
      accountClients: [WEB],
    })
    const server = app.authorizationServer
    await createUser(server.store)
    await createUser(server.store, 'bob')
    const web = await server.registerClient({
      clientId: WEB,
      name: 'Web app',
      redirectUris: [REDIRECT_URI],
    })
    const mcp = await server.registerClient({ name: 'MCP client', redirectUris: [REDIRECT_URI] })
    await server.store.clients.update({
      ...mcp.client,
      logoUrl: 'https://mcp.example/logo.png',
      homepageUrl: 'https://mcp.example/',
    })
    const resource = await server.registerClient({
      clientId: RESOURCE_SERVER,
      name: 'resource server',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read', 'openid'],
    })
    const inject = app.inject.bind(app)
    const clients = { web, mcp }
    /** Tokens of a code grant of `subject` at the client, and the consent the user gave it. */
    const grant = async (which: 'web' | 'mcp', subject: string, scope = 'openid offline_access kb:read') => {
      const registered = clients[which]
      await server.store.consents.put({
        subject,
        clientId: registered.client.clientId,
        scope: scope.split(' '),
        resources: which === 'mcp' ? [MCP_RESOURCE] : [],
        grantedAt: clock.now(),
      })
      const code = await authorizationCodeFor(server, registered.client.clientId, { scope, subject })
      const res = await inject({
        method: 'POST',
        url: TOKEN,
        headers: {
          authorization: basic(registered.client.clientId, registered.clientSecret ?? ''),
          'content-type': FORM,
        },
        payload: form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }),
      })
      expect(res.statusCode).toBe(200)
      return res.json() as { access_token: string; refresh_token: string }
    }
    const refresh = (which: 'web' | 'mcp', refreshToken: string) =>
      inject({
        method: 'POST',
        url: TOKEN,
        headers: {
          authorization: basic(clients[which].client.clientId, clients[which].clientSecret ?? ''),
          'content-type': FORM,
        },
        payload: form({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      })
    const active = async (token: string) => {
      const res = await inject({
        method: 'POST',
        url: INTROSPECT,
        headers: { authorization: basic(RESOURCE_SERVER, resource.clientSecret ?? ''), 'content-type': FORM },
        payload: form({ token }),
      })
      return (res.json() as { active: boolean }).active
    }
    const list = (bearer: string) =>
      inject({ method: 'GET', url: CONSENTS, headers: { authorization: `Bearer ${bearer}` } })
    const revoke = (bearer: string, clientId: string) =>
      inject({
        method: 'DELETE',
        url: `${CONSENTS}/${encodeURIComponent(clientId)}`,
        headers: { authorization: `Bearer ${bearer}` },
      })
    return { server, clock, inject, clients, grant, refresh, active, list, revoke, resource }
  }

  it.runIf(available)(
    "lists the user's apps with names and logos, and revoking one ends its tokens and its consent only",
    async () => {
      const { server, clock, clients, grant, refresh, active, list, revoke } = await start()
      const atWeb = await grant('web', 'user-alice')
      clock.advance(10)
      const atMcp = await grant('mcp', 'user-alice', 'openid offline_access kb:read profile')

      const listed = await list(atWeb.access_token)
      expect(listed.statusCode).toBe(200)
      expect(consentedAppListCodec.decode(listed.json()).consents).toEqual([
        {
          clientId: clients.web.client.clientId,
          clientName: 'Web app',
          scope: 'openid offline_access kb:read',
          grantedAt: clock.now() - 10,
        },
        {
          clientId: clients.mcp.client.clientId,
          clientName: 'MCP client',
          logoUrl: 'https://mcp.example/logo.png',
          homepageUrl: 'https://mcp.example/',
          scope: 'openid offline_access kb:read profile',
          resources: [MCP_RESOURCE],
          grantedAt: clock.now(),
        },
      ])

      const revoked = await revoke(atWeb.access_token, clients.mcp.client.clientId)
      expect(revoked.statusCode).toBe(204)
      // The app's refresh token is refused, its access token inactive, its consent gone.
      expectOAuthError(await refresh('mcp', atMcp.refresh_token), 'invalid_grant', 400)
      expect(await active(atMcp.access_token)).toBe(false)
      expect(await server.store.consents.get('user-alice', clients.mcp.client.clientId)).toBeUndefined()
      // The other app keeps what the user gave it.
      expect(await active(atWeb.access_token)).toBe(true)
      expect((await refresh('web', atWeb.refresh_token)).statusCode).toBe(200)
      expect(
        consentedAppListCodec
          .decode((await list(atWeb.access_token)).json())
          .consents.map((c) => c.clientName),
      ).toEqual(['Web app'])
      // Revoked once: a second time there is nothing to take back.
      expectOAuthError(await revoke(atWeb.access_token, clients.mcp.client.clientId), 'invalid_request', 404)
    },
  )

  it.runIf(available)("a user neither sees nor revokes another user's consents", async () => {
    const { server, clients, grant, active, list, revoke } = await start()
    const alice = await grant('mcp', 'user-alice')
    const bob = await grant('web', 'user-bob')
    expect(
      consentedAppListCodec.decode((await list(bob.access_token)).json()).consents.map((c) => c.clientId),
    ).toEqual([clients.web.client.clientId])
    // Bob has no consent at the MCP client: Alice's stays, with her tokens.
    expectOAuthError(await revoke(bob.access_token, clients.mcp.client.clientId), 'invalid_request', 404)
    expect(await server.store.consents.get('user-alice', clients.mcp.client.clientId)).toBeDefined()
    expect(await active(alice.access_token)).toBe(true)
  })

  it.runIf(available)(
    'answers a typed 404 to an unknown app, and 401/403 to the wrong credentials',
    async () => {
      const { inject, grant, list, revoke, resource } = await start()
      const alice = await grant('web', 'user-alice', 'openid kb:read')
      expectOAuthError(await revoke(alice.access_token, 'no-such-app'), 'invalid_request', 404)
      expectOAuthError(await revoke(alice.access_token, 'x'.repeat(5000)), 'invalid_request', 404)
      // RFC 6750 §3.1: no credentials, only the challenge.
      const anonymous = await inject({ method: 'GET', url: CONSENTS })
      expect(anonymous.statusCode).toBe(401)
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/)
      expectOAuthError(await list('not-a-token'), 'invalid_token', 401)
      const withoutOpenid = await grant('mcp', 'user-alice', 'kb:read')
      expectOAuthError(await list(withoutOpenid.access_token), 'insufficient_scope', 403)
      expectOAuthError(await list(`phpat_${'A'.repeat(43)}`), 'insufficient_scope', 403)
      // A client_credentials token names a client, not a person (and never carries openid).
      const machine = await inject({
        method: 'POST',
        url: TOKEN,
        headers: { authorization: basic(RESOURCE_SERVER, resource.clientSecret ?? ''), 'content-type': FORM },
        payload: form({ grant_type: 'client_credentials', scope: 'kb:read' }),
      })
      expectOAuthError(
        await list((machine.json() as { access_token: string }).access_token),
        'insufficient_scope',
        403,
      )
      const wrongMethod = await inject({ method: 'POST', url: CONSENTS })
      expect(wrongMethod.statusCode).toBe(405)
      expect(wrongMethod.headers.allow).toBe('GET')
    },
  )
})
