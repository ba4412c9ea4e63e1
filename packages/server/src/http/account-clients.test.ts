import {
  consentedAppListCodec,
  createdPersonalAccessTokenCodec,
  errorResponseCodec,
  personalAccessTokenListCodec,
} from '@pipeshub/models'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuthorizationServerOptions } from '../authorization-server.js'
import { hashOpaqueToken } from '../secrets.js'
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

// Only an account client's end-user tokens act on the user's account (personal access tokens, the apps
// they allowed): a third-party app granted `openid` must not list or revoke the user's other apps, nor
// mint personal access tokens outliving its own grant.

const TOKEN = '/api/v1/oauth2/token'
const CONSENTS = '/api/v1/oauth2/consents'
const PATS = '/api/v1/personal-access-tokens'
const FORM = 'application/x-www-form-urlencoded'
/** The host's own frontend. */
const ACCOUNT = '3c2a1f0e-9d8b-4a7c-8e6f-5d4c3b2a1f01'
const SCOPE = 'openid offline_access kb:read'

const stores = await everyStore()
let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

describe.each(stores)("only account clients act on a user's account (%s)", (_name, openStore, available) => {
  async function start(options: Partial<AuthorizationServerOptions> = { accountClients: [ACCOUNT] }) {
    const clock = manualClock()
    app = await buildAuthorizationServerApp({
      issuer: ISSUER,
      store: await openStore(),
      now: clock.now,
      ...options,
    })
    const server = app.authorizationServer
    await createUser(server.store)
    const frontend = await server.registerClient({
      clientId: ACCOUNT,
      name: 'PipesHub',
      redirectUris: [REDIRECT_URI],
    })
    const thirdParty = await server.registerClient({ name: 'Third-party app', redirectUris: [REDIRECT_URI] })
    const inject = app.inject.bind(app)
    /** The user's consent to the client, as the consent page stores it, and their tokens there. */
    const grant = async (registered: typeof frontend) => {
      const { clientId } = registered.client
      await server.store.consents.put({
        subject: 'user-alice',
        clientId,
        scope: SCOPE.split(' '),
        resources: [],
        grantedAt: clock.now(),
      })
      const code = await authorizationCodeFor(server, clientId, { scope: SCOPE, subject: 'user-alice' })
      const res = await inject({
        method: 'POST',
        url: TOKEN,
        headers: { authorization: basic(clientId, registered.clientSecret ?? ''), 'content-type': FORM },
        payload: form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }),
      })
      expect(res.statusCode).toBe(200)
      return (res.json() as { access_token: string }).access_token
    }
    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, bearer: string, payload?: object) =>
      inject({
        method,
        url,
        headers: { authorization: `Bearer ${bearer}` },
        ...(payload === undefined ? {} : { payload }),
      })
    return { server, clock, frontend, thirdParty, grant, call }
  }

  it.runIf(available)(
    "refuses a third-party app's openid token at every operation with 403 insufficient_scope, changing nothing",
    async () => {
      const { server, clock, frontend, thirdParty, grant, call } = await start()
      const atFrontend = await grant(frontend)
      const atThirdParty = await grant(thirdParty)
      const created = await call('POST', PATS, atFrontend, { name: 'CI deploy', scope: 'kb:read' })
      expect(created.statusCode).toBe(201)
      const pat = createdPersonalAccessTokenCodec.decode(created.json())
      const consentsBefore = await server.store.consents.list('user-alice')
      const patsBefore = await server.store.personalAccessTokens.list('user-alice', clock.now())
      expect(consentsBefore).toHaveLength(2)

      const operations = [
        call('GET', CONSENTS, atThirdParty),
        call('DELETE', `${CONSENTS}/${frontend.client.clientId}`, atThirdParty),
        call('GET', PATS, atThirdParty),
        call('POST', PATS, atThirdParty, { name: 'outlives its grant', scope: 'kb:read' }),
        call('DELETE', `${PATS}/${pat.id}`, atThirdParty),
      ]
      for (const res of await Promise.all(operations)) {
        expect(res.statusCode).toBe(403)
        const body = res.json()
        expect(errorResponseCodec.check(body)).toBe(true)
        expect(body).toMatchObject({ error: 'insufficient_scope' })
        expect((body as { error_description: string }).error_description).toMatch(
          /may not manage the end-user's account/,
        )
        // RFC 6750 §3.1: the challenge names the error.
        expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/)
      }

      expect(await server.store.consents.list('user-alice')).toEqual(consentsBefore)
      expect(await server.store.personalAccessTokens.list('user-alice', clock.now())).toEqual(patsBefore)
      expect(await server.store.personalAccessTokens.getByHash(hashOpaqueToken(pat.token))).toBeDefined()
      // The frontend's own grant is untouched: its token still manages the account.
      expect((await call('GET', CONSENTS, atFrontend)).statusCode).toBe(200)
    },
  )

  it.runIf(available)("serves the account client's token at every operation", async () => {
    const { clock, frontend, thirdParty, grant, call } = await start()
    const atFrontend = await grant(frontend)
    clock.advance(10)
    await grant(thirdParty)
    const listed = await call('GET', CONSENTS, atFrontend)
    expect(listed.statusCode).toBe(200)
    expect(consentedAppListCodec.decode(listed.json()).consents.map((c) => c.clientId)).toEqual([
      frontend.client.clientId,
      thirdParty.client.clientId,
    ])
    const created = await call('POST', PATS, atFrontend, { name: 'CI deploy', scope: 'kb:read' })
    expect(created.statusCode).toBe(201)
    const { id } = createdPersonalAccessTokenCodec.decode(created.json())
    const pats = await call('GET', PATS, atFrontend)
    expect(personalAccessTokenListCodec.decode(pats.json()).personalAccessTokens.map((t) => t.id)).toEqual([
      id,
    ])
    expect((await call('DELETE', `${PATS}/${id}`, atFrontend)).statusCode).toBe(204)
    expect((await call('DELETE', `${CONSENTS}/${thirdParty.client.clientId}`, atFrontend)).statusCode).toBe(
      204,
    )
  })

  it.runIf(available)('names no account client by default: no access token manages an account', async () => {
    const { server, frontend, grant, call } = await start({})
    const atFrontend = await grant(frontend)
    const listed = await call('GET', CONSENTS, atFrontend)
    expect(listed.statusCode).toBe(403)
    expect(listed.json()).toMatchObject({ error: 'insufficient_scope' })
    const created = await call('POST', PATS, atFrontend, { name: 'x', scope: 'kb:read' })
    expect(created.statusCode).toBe(403)
    expect(await server.store.personalAccessTokens.list('user-alice', 0)).toEqual([])
  })
})
