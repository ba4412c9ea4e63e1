import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsentClient } from './consents.js'
import { OAuthError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import {
  type LoopbackAuthorizationServer,
  startAuthorizationServer,
  USER,
} from './test-support/loopback-server.js'

const REDIRECT_URI = 'http://127.0.0.1/callback'
const SETTINGS_CLIENT_ID = '7e4f2a1b-3c5d-4e6f-8a9b-0c1d2e3f4a5b'
let server: LoopbackAuthorizationServer
let accessToken: string
let settingsClientId: string
let notesClientId: string

beforeAll(async () => {
  // The host's settings page is an account client: only its users' tokens may manage their consents.
  server = await startAuthorizationServer({ accountClients: [SETTINGS_CLIENT_ID] })
  const authorizationServer = server.app.authorizationServer
  const settings = await authorizationServer.registerClient({
    clientId: SETTINGS_CLIENT_ID,
    name: 'Settings',
    grantTypes: ['authorization_code'],
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'kb:read'],
  })
  const notes = await authorizationServer.registerClient({ name: 'Notes', redirectUris: [REDIRECT_URI] })
  settingsClientId = settings.client.clientId
  notesClientId = notes.client.clientId
  const client = await OAuthClient.fromIssuer(server.issuer, {
    clientId: settingsClientId,
    clientSecret: settings.clientSecret ?? '',
  })
  const request = await client.createAuthorizationRequest({
    redirectUri: REDIRECT_URI,
    scope: 'openid kb:read',
  })
  const location = (await fetch(request.url, { redirect: 'manual' })).headers.get('location') ?? ''
  const callback = client.validateAuthorizationCallback(location, { state: request.state })
  const tokens = await client.exchangeAuthorizationCode({
    code: callback.code,
    redirectUri: REDIRECT_URI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  })
  accessToken = tokens.accessToken
  // What the consent pages of a host store when the user allows an app.
  for (const [clientId, grantedAt] of [
    [settingsClientId, 1_800_000_000],
    [notesClientId, 1_800_000_100],
  ] as const) {
    await authorizationServer.store.consents.put({
      subject: USER.subject,
      clientId,
      scope: ['openid'],
      resources: [],
      grantedAt,
    })
  }
})

afterAll(async () => {
  await server?.close()
})

describe('ConsentClient against the real server', () => {
  it('lists the apps the user allowed and takes one back', async () => {
    const consents = new ConsentClient({
      endpoint: `${server.issuer}/api/v1/oauth2/consents`,
      accessToken: () => accessToken,
    })
    expect(await consents.list()).toEqual([
      { clientId: settingsClientId, clientName: 'Settings', scope: 'openid', grantedAt: 1_800_000_000 },
      { clientId: notesClientId, clientName: 'Notes', scope: 'openid', grantedAt: 1_800_000_100 },
    ])
    await consents.revoke(notesClientId)
    expect((await consents.list()).map((app) => app.clientName)).toEqual(['Settings'])
    const again = await consents.revoke(notesClientId).catch((error: unknown) => error)
    expect(again).toBeInstanceOf(OAuthError)
    expect(again).toMatchObject({ error: 'invalid_request', status: 404 })
  })
})
