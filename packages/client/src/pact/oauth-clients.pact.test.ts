import { MatchersV3, type PactV3 } from '@pact-foundation/pact'
import {
  consumerPact,
  EXAMPLE,
  INJECTED,
  jsonContentType,
  matchersFor,
  ROUTES,
  STATES,
} from '@pipeshub/contracts'
import {
  CreateOAuthAppRequestWire,
  OAuthAppListWire,
  OAuthAppTokenListWire,
  OAuthAppWire,
  OAuthAppWithSecretWire,
  OAuthErrorResponseWire,
  RevokedOAuthAppTokensWire,
  ScopeCatalogueWire,
  UpdateOAuthAppRequestWire,
} from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { OAuthError } from '../errors.js'
import { OAuthAppManagementClient } from '../oauth-clients.js'
import { CONFIDENTIAL_CLIENT } from './interactions.js'

// PipesHub's OAuth app management, called by an administrator: a Bearer access token carrying org:admin
// of a user the provider lists as an administrator.

const ADMIN_GRANT = { clientId: EXAMPLE.clientId, subject: EXAMPLE.administrator, scope: 'openid org:admin' }
const APP_STATE = {
  appId: EXAMPLE.appId,
  name: 'Notes',
  confidential: true,
  scopes: ['openid', 'kb:read'],
  redirectUris: ['https://notes.example/callback'],
}
const APP: OAuthAppWire = {
  clientId: EXAMPLE.appId,
  name: 'Notes',
  redirectUris: ['https://notes.example/callback'],
  postLogoutRedirectUris: [],
  webOrigins: [],
  allowedGrantTypes: ['authorization_code', 'refresh_token'],
  allowedScopes: ['openid', 'kb:read'],
  isConfidential: true,
  status: 'active',
  createdAt: '2027-01-15T08:00:00.000Z',
}
/** Empty lists are matched exactly: a shape matcher needs an item to describe. */
const EMPTY_LISTS = { '/postLogoutRedirectUris': [], '/webOrigins': [] }
/** An app id no state creates (the provider's store outlives each interaction). */
const UNKNOWN_APP = '0f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19'
const SECRET = 'e1f3a5c7b9d2f4a6c8e0b2d4f6a8c0e2d4f6b8a0c2e4f6a8b0d2c4e6f8a0b2c4'

const bearer = () =>
  MatchersV3.fromProviderState(`Bearer \${${INJECTED.accessToken}}`, `Bearer ${EXAMPLE.accessToken}`)

/** A pact whose provider has the client, an administrator's token of it, and (unless `false`) the app. */
function adminPact(withApp = true): PactV3 {
  const pact = consumerPact()
    .given(STATES.confidentialClientExists, {
      ...CONFIDENTIAL_CLIENT,
      scopes: [...CONFIDENTIAL_CLIENT.scopes, 'org:admin'],
    })
    .given(STATES.administratorTokenIssued, { ...ADMIN_GRANT })
  return withApp ? pact.given(STATES.oauthAppExists, { ...APP_STATE }) : pact
}

function client(mockServerUrl: string): OAuthAppManagementClient {
  return new OAuthAppManagementClient({
    endpoint: `${mockServerUrl}${ROUTES.oauthClients}`,
    accessToken: EXAMPLE.accessToken,
    retry: false,
  })
}

const headers = (body: boolean) => ({
  Accept: 'application/json',
  Authorization: bearer(),
  ...(body ? { 'Content-Type': 'application/json' } : {}),
})
const appPath = (suffix = '') => `${ROUTES.oauthClients}/${EXAMPLE.appId}${suffix}`
const appBody = (app: OAuthAppWire, exact: string[] = []) =>
  matchersFor(OAuthAppWire, app, { exact: ['/clientId', ...exact], overrides: EMPTY_LISTS })

describe('OAuth app management (PipesHub, administrator)', () => {
  it('lists the apps', async () => {
    const pact = adminPact()
    pact
      .uponReceiving('an administrator listing the OAuth apps')
      .withRequest({ method: 'GET', path: ROUTES.oauthClients, headers: headers(false) })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: {
          apps: MatchersV3.eachLike(
            matchersFor(OAuthAppListWire.properties.apps.items, APP, { overrides: EMPTY_LISTS }),
          ),
        },
      })
    await pact.executeTest(async (mockServer) => {
      const apps = await client(mockServer.url).list()
      expect(apps[0]).toMatchObject({ name: 'Notes', status: 'active' })
    })
  })

  it('creates a confidential app and reads its secret once', async () => {
    const request = {
      name: 'Reports',
      redirectUris: ['https://reports.example/callback'],
      allowedScopes: ['openid', 'kb:read'],
      isConfidential: true,
    }
    const pact = adminPact(false)
    pact
      .uponReceiving('an administrator creating a confidential OAuth app')
      .withRequest({
        method: 'POST',
        path: ROUTES.oauthClients,
        headers: headers(true),
        body: matchersFor(CreateOAuthAppRequestWire, request, {
          exact: ['/name', '/isConfidential'],
        }),
      })
      .willRespondWith({
        status: 201,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(
          OAuthAppWithSecretWire,
          {
            ...APP,
            name: 'Reports',
            redirectUris: request.redirectUris,
            clientSecret: SECRET,
          },
          { exact: ['/name', '/isConfidential'], overrides: EMPTY_LISTS },
        ),
      })
    await pact.executeTest(async (mockServer) => {
      const created = await client(mockServer.url).create(request)
      expect(created).toMatchObject({ name: 'Reports', isConfidential: true, clientSecret: SECRET })
    })
  })

  it('reads one app', async () => {
    const pact = adminPact()
    pact
      .uponReceiving('an administrator reading an OAuth app')
      .withRequest({ method: 'GET', path: appPath(), headers: headers(false) })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: appBody(APP, ['/name']),
      })
    await pact.executeTest(async (mockServer) => {
      expect(await client(mockServer.url).get(EXAMPLE.appId)).toMatchObject({ clientId: EXAMPLE.appId })
    })
  })

  it('changes the members given', async () => {
    const changes = { description: 'Team notes' }
    const pact = adminPact()
    pact
      .uponReceiving('an administrator changing an OAuth app')
      .withRequest({
        method: 'PUT',
        path: appPath(),
        headers: headers(true),
        body: matchersFor(UpdateOAuthAppRequestWire, changes, { exact: ['/description'] }),
      })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: appBody({ ...APP, description: 'Team notes' }, ['/description']),
      })
    await pact.executeTest(async (mockServer) => {
      const updated = await client(mockServer.url).update(EXAMPLE.appId, changes)
      expect(updated.description).toBe('Team notes')
    })
  })

  it('deletes an app', async () => {
    const pact = adminPact()
    pact
      .uponReceiving('an administrator deleting an OAuth app')
      .withRequest({ method: 'DELETE', path: appPath(), headers: headers(false) })
      .willRespondWith({ status: 204 })
    await pact.executeTest(async (mockServer) => {
      await expect(client(mockServer.url).delete(EXAMPLE.appId)).resolves.toBeUndefined()
    })
  })

  it('gives a confidential app a new secret', async () => {
    const pact = adminPact()
    pact
      .uponReceiving("an administrator regenerating an OAuth app's secret")
      .withRequest({ method: 'POST', path: appPath('/regenerate-secret'), headers: headers(false) })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(
          OAuthAppWithSecretWire,
          { ...APP, clientSecret: SECRET },
          { exact: ['/clientId'], overrides: EMPTY_LISTS },
        ),
      })
    await pact.executeTest(async (mockServer) => {
      const renewed = await client(mockServer.url).regenerateSecret(EXAMPLE.appId)
      expect(renewed.clientSecret).toBe(SECRET)
    })
  })

  it('suspends an app and activates it again', async () => {
    for (const [action, status] of [
      ['suspend', 'suspended'],
      ['activate', 'active'],
    ] as const) {
      const pact = adminPact()
      pact
        .uponReceiving(`an administrator calling ${action} on an OAuth app`)
        .withRequest({ method: 'POST', path: appPath(`/${action}`), headers: headers(false) })
        .willRespondWith({
          status: 200,
          headers: { 'Content-Type': jsonContentType() },
          body: appBody({ ...APP, status }, ['/status']),
        })
      await pact.executeTest(async (mockServer) => {
        const app = await client(mockServer.url)[action](EXAMPLE.appId)
        expect(app.status).toBe(status)
      })
    }
  })

  it('reads the scope catalogue', async () => {
    const pact = adminPact(false)
    pact
      .uponReceiving('a request for the scope catalogue of app management')
      .withRequest({ method: 'GET', path: `${ROUTES.oauthClients}/scopes`, headers: headers(false) })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(ScopeCatalogueWire, {
          categories: [
            {
              category: 'Knowledge Base',
              scopes: [
                {
                  name: 'kb:read',
                  description: 'Read the documents and records in your knowledge bases',
                  category: 'Knowledge Base',
                  adminOnly: false,
                },
              ],
            },
          ],
        }),
      })
    await pact.executeTest(async (mockServer) => {
      const catalogue = await client(mockServer.url).scopes()
      expect(catalogue.categories[0]?.scopes[0]?.name).toBe('kb:read')
    })
  })

  it("lists an app's live tokens", async () => {
    // The app's token first: each state answers accessToken, and the administrator's, last, is sent.
    const pact = consumerPact()
      .given(STATES.confidentialClientExists, {
        ...CONFIDENTIAL_CLIENT,
        scopes: [...CONFIDENTIAL_CLIENT.scopes, 'org:admin'],
      })
      .given(STATES.oauthAppExists, { ...APP_STATE })
      .given(STATES.accessTokenIssued, {
        clientId: EXAMPLE.appId,
        subject: EXAMPLE.subject,
        scope: 'openid kb:read',
      })
      .given(STATES.administratorTokenIssued, { ...ADMIN_GRANT })
    pact
      .uponReceiving("an administrator listing an OAuth app's live tokens")
      .withRequest({ method: 'GET', path: appPath('/tokens'), headers: headers(false) })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(OAuthAppTokenListWire, {
          tokens: [
            {
              tokenType: 'access_token',
              grantId: '6c1e4b2a-8d3f-4e7a-9b5c-0a2d4f6e8b13',
              userId: EXAMPLE.subject,
              scope: ['openid', 'kb:read'],
              issuedAt: '2027-01-15T08:00:00.000Z',
              expiresAt: '2027-01-15T09:00:00.000Z',
            },
          ],
        }),
      })
    await pact.executeTest(async (mockServer) => {
      const tokens = await client(mockServer.url).tokens(EXAMPLE.appId)
      expect(tokens[0]).toMatchObject({ tokenType: 'access_token', userId: EXAMPLE.subject })
    })
  })

  it('revokes every token of an app', async () => {
    const pact = adminPact()
    pact
      .uponReceiving('an administrator revoking every token of an OAuth app')
      .withRequest({ method: 'POST', path: appPath('/revoke-all-tokens'), headers: headers(false) })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(RevokedOAuthAppTokensWire, { revokedGrants: 0 }),
      })
    await pact.executeTest(async (mockServer) => {
      expect(await client(mockServer.url).revokeAllTokens(EXAMPLE.appId)).toBe(0)
    })
  })

  it('fails with invalid_request 404 for an unknown app', async () => {
    const pact = adminPact(false)
    pact
      .uponReceiving('an administrator reading an OAuth app that does not exist')
      .withRequest({ method: 'GET', path: `${ROUTES.oauthClients}/${UNKNOWN_APP}`, headers: headers(false) })
      .willRespondWith({
        status: 404,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(
          OAuthErrorResponseWire,
          { error: 'invalid_request', error_description: 'no OAuth app with this id' },
          { exact: ['/error'] },
        ),
      })
    await pact.executeTest(async (mockServer) => {
      const refused = await client(mockServer.url)
        .get(UNKNOWN_APP)
        .catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(OAuthError)
      expect(refused).toMatchObject({ error: 'invalid_request', status: 404 })
    })
  })
})
