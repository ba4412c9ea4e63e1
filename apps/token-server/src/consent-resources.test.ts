import { createMemoryStore, registerClient } from '@pipeshub/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import {
  authorizeUrl,
  FormSession,
  hiddenFields,
  pkcePair,
  tokenRequest,
} from './test-support/form-session.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

// RFC 8707 §2.1: an authorization request may name the resource servers its tokens are for; the person
// who consents is told which, on the consent page of the code flow and of the device verification page.

const ISSUER = 'http://token-server.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const MCP = 'https://pipeshub.test/mcp'
const API = 'https://api.pipeshub.test/v1'
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'

let server: TokenServer
let baseUrl: string
let clientId: string

beforeAll(async () => {
  const store = createMemoryStore()
  clientId = (
    await registerClient(store, {
      name: 'Research agent',
      public: true,
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', DEVICE_CODE],
      scopes: ['openid', 'kb:read'],
    })
  ).client.clientId
  await createTestUser(store)
  server = await createTokenServer({
    config: testConfig({ mcpResource: MCP, resources: [{ resource: API }] }),
    store,
    issuer: ISSUER,
  })
  baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await server?.close()
})

/** The consent page of the code flow for an authorization request with these `resource` values. */
async function codeFlowConsentPage(resources: readonly string[]): Promise<string> {
  const url = new URL(
    authorizeUrl({
      baseUrl,
      authorizePath: server.paths.authorization,
      clientId,
      redirectUri: REDIRECT_URI,
      scope: 'openid kb:read',
      challenge: pkcePair().challenge,
    }),
  )
  for (const resource of resources) url.searchParams.append('resource', resource)
  const browser = new FormSession(baseUrl)
  const login = await browser.get(url.toString())
  expect(login.status).toBe(200)
  const consent = await browser.postForm(server.paths.authorization, {
    ...hiddenFields(await login.text()),
    username: 'alice',
    password: TEST_PASSWORD,
  })
  expect(consent.status).toBe(200)
  const page = await consent.text()
  expect(page).toContain('Allow access?')
  return page
}

describe('the consent page names the resources the tokens are for (RFC 8707)', () => {
  it('names a configured resource by its identifier in the code flow', async () => {
    const page = await codeFlowConsentPage([API])
    expect(page).toContain('The access is only for:')
    expect(page).toContain(`<li><code>${API}</code></li>`)
    expect(page).not.toContain(MCP)
  })

  it("names PipesHub's MCP server by its name (RFC 9728 resource_name) and identifier", async () => {
    const page = await codeFlowConsentPage([MCP])
    expect(page).toContain(`<li><strong>PipesHub MCP server</strong> (<code>${MCP}</code>)</li>`)
  })

  it('names no resource when the request names none (the token is for this server)', async () => {
    const page = await codeFlowConsentPage([])
    expect(page).not.toContain('id="consent-resources"')
    expect(page).not.toContain('The access is only for:')
  })

  it('names the resource of a device authorization on the device verification page', async () => {
    const device = await tokenRequest(`${baseUrl}${server.paths.deviceAuthorization}`, {
      client_id: clientId,
      scope: 'kb:read',
      resource: MCP,
    })
    expect(device.status).toBe(200)
    const complete = new URL(device.body.verification_uri_complete as string)
    const browser = new FormSession(baseUrl)
    const login = await (await browser.get(`${complete.pathname}${complete.search}`)).text()
    const consent = await browser.postForm('/device', {
      ...hiddenFields(login),
      username: 'alice',
      password: TEST_PASSWORD,
    })
    const page = await consent.text()
    expect(page).toContain(`<strong id="device-user-code">${device.body.user_code as string}</strong>`)
    expect(page).toContain(`<li><strong>PipesHub MCP server</strong> (<code>${MCP}</code>)</li>`)
  })
})
