import { registerClient } from '@pipeshub/server'
import { closeAfterEach } from '@pipeshub/test-support/loopback'
import { describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { CONNECTED_APPS_PATH } from './pages/pages.js'
import {
  authorizeUrl,
  FormSession,
  hiddenFields,
  pkcePair,
  tokenRequest,
} from './test-support/form-session.js'
import { sqliteAndPostgres } from './test-support/stores.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

// A remembered consent skips the consent page only for the scopes AND the RFC 8707 resources the
// end-user allowed: the page names the resources, so an app allowed `kb:read` for this server must not
// get a code for `kb:read` at PipesHub's MCP server without the end-user seeing the MCP server named.

const ISSUER = 'http://token-server.test'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const MCP = 'https://pipeshub.test/mcp'
const API = 'https://api.pipeshub.test/v1'
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'

const running = closeAfterEach<TokenServer>()
const stores = await sqliteAndPostgres('consent_resources', 'the remembered consent resources test')

describe.each(stores)(
  'a remembered consent covers the resources it was given (%s)',
  (_name, openStore, available) => {
    async function start() {
      const store = await openStore()
      const { clientId } = (
        await registerClient(store, {
          name: 'Research agent',
          public: true,
          redirectUris: [REDIRECT_URI],
          grantTypes: ['authorization_code', DEVICE_CODE],
          scopes: ['openid', 'kb:read'],
        })
      ).client
      await createTestUser(store)
      const server = await createTokenServer({
        config: testConfig({ mcpResource: MCP, resources: [{ resource: API }] }),
        store,
        issuer: ISSUER,
      })
      running.push(server)
      const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
      const browser = new FormSession(baseUrl)
      /** The authorization request for `openid kb:read` at these resources, as the signed-in browser sends it. */
      const authorize = (resources: readonly string[]) => {
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
        return browser.get(url.toString())
      }
      const grant = async (page: Response) => {
        const granted = await browser.postForm(server.paths.authorization, {
          ...hiddenFields(await page.text()),
          consent: 'granted',
        })
        expect(isCode(granted)).toBe(true)
      }
      /** Signs in and consents to `openid kb:read` at `resources`. */
      const consentTo = async (resources: readonly string[]) => {
        const login = await authorize(resources)
        const consent = await browser.postForm(server.paths.authorization, {
          ...hiddenFields(await login.text()),
          username: 'alice',
          password: TEST_PASSWORD,
        })
        expect(consent.status).toBe(200)
        await grant(consent)
      }
      /** The apps page of the signed-in person. */
      const appsPage = async () => (await browser.get(CONNECTED_APPS_PATH)).text()
      /** A device authorization for `openid kb:read` at `resource`, confirmed in the signed-in browser. */
      const confirmDevice = async (resource: string) => {
        const device = await tokenRequest(`${baseUrl}${server.paths.deviceAuthorization}`, {
          client_id: clientId,
          scope: 'openid kb:read',
          resource,
        })
        expect(device.status).toBe(200)
        const complete = new URL(device.body.verification_uri_complete as string)
        const page = await browser.get(`${complete.pathname}${complete.search}`)
        expect(await isConsentPage(page)).toBe(true)
        const done = await browser.postForm('/device', {
          ...hiddenFields(await page.text()),
          consent: 'granted',
        })
        expect(await done.text()).toContain('Device connected')
      }
      return { store, clientId, authorize, grant, consentTo, appsPage, confirmDevice }
    }

    const isConsentPage = async (response: Response) =>
      response.status === 200 && (await response.clone().text()).includes('Allow access?')
    // A redirect with a code: 302 for the GET, 303 after the consent form's POST.
    const isCode = (response: Response) =>
      [302, 303].includes(response.status) &&
      new URL(response.headers.get('location') ?? '').searchParams.has('code')

    it.runIf(available)(
      'asks again for scopes consented without a resource when the request names a resource',
      async () => {
        const { store, clientId, authorize, grant, consentTo, appsPage } = await start()
        await consentTo([])
        expect(isCode(await authorize([]))).toBe(true)

        const atMcp = await authorize([MCP])
        expect(await isConsentPage(atMcp)).toBe(true)
        expect(await atMcp.clone().text()).toContain(MCP)
        await grant(atMcp)
        expect(await store.consents.get('user-1', clientId)).toMatchObject({
          scope: ['openid', 'kb:read'],
          resources: [MCP],
        })
        // Consented: the same request, and one for the default audience, skip the page.
        expect(isCode(await authorize([MCP]))).toBe(true)
        expect(isCode(await authorize([]))).toBe(true)
        // The apps page says where the access applies.
        expect(await appsPage()).toContain(
          `<li><strong>PipesHub MCP server</strong> (<code>${MCP}</code>)</li>`,
        )
      },
    )

    it.runIf(available)(
      'the device flow asks every time, and its consent adds its resource for the code flow',
      async () => {
        const { store, clientId, authorize, consentTo, confirmDevice } = await start()
        await consentTo([MCP])
        // Covered by the consent, a device is still confirmed by a person (RFC 8628 §5.4).
        await confirmDevice(MCP)
        await confirmDevice(API)
        expect((await store.consents.get('user-1', clientId))?.resources).toEqual([MCP, API])
        expect(isCode(await authorize([API]))).toBe(true)
      },
    )

    it.runIf(available)('asks again for a resource beside the one consented', async () => {
      const { store, clientId, authorize, grant, consentTo } = await start()
      await consentTo([API])
      expect(isCode(await authorize([API]))).toBe(true)
      const both = await authorize([API, MCP])
      expect(await isConsentPage(both)).toBe(true)
      await grant(both)
      expect((await store.consents.get('user-1', clientId))?.resources).toEqual([API, MCP])
      expect(isCode(await authorize([MCP]))).toBe(true)
    })
  },
)
