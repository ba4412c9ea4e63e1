import { MatchersV3 } from '@pact-foundation/pact'
import { EXAMPLE, INJECTED, jsonContentType, matchersFor, ROUTES, STATES } from '@pipeshub/contracts'
import { ConsentedAppListWire, OAuthErrorResponseWire } from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { ConsentClient } from '../consents.js'
import { OAuthError } from '../errors.js'
import { pactWithConfidentialClient } from './interactions.js'

// The apps the end-user allowed, and taking one back, with an access token of the end-user carrying
// openid.

const CONSENT = { clientId: EXAMPLE.clientId, subject: EXAMPLE.subject, scope: 'openid kb:read' }

const bearer = () =>
  MatchersV3.fromProviderState(`Bearer \${${INJECTED.accessToken}}`, `Bearer ${EXAMPLE.accessToken}`)

function client(mockServerUrl: string): ConsentClient {
  return new ConsentClient({
    endpoint: `${mockServerUrl}${ROUTES.consents}`,
    accessToken: EXAMPLE.accessToken,
    retry: false,
  })
}

describe('the apps a user allowed (consents)', () => {
  it('lists them with the scopes each was allowed', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.consentGiven, { ...CONSENT })
      .uponReceiving('a request listing the apps the user allowed')
      .withRequest({
        method: 'GET',
        path: ROUTES.consents,
        headers: { Accept: 'application/json', Authorization: bearer() },
      })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(
          ConsentedAppListWire,
          {
            consents: [
              {
                client_id: EXAMPLE.clientId,
                client_name: 'Pact contract client',
                scope: 'openid kb:read',
                granted_at: 1_800_000_000,
              },
            ],
          },
          { exact: ['/consents/0/client_id', '/consents/0/scope'] },
        ),
      })
    await pact.executeTest(async (mockServer) => {
      const listed = await client(mockServer.url).list()
      expect(listed).toEqual([
        expect.objectContaining({ clientId: EXAMPLE.clientId, scope: 'openid kb:read' }),
      ])
    })
  })

  it('takes one back', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.consentGiven, { ...CONSENT })
      .uponReceiving("a request taking back the user's consent to an app")
      .withRequest({
        method: 'DELETE',
        path: `${ROUTES.consents}/${EXAMPLE.clientId}`,
        headers: { Accept: 'application/json', Authorization: bearer() },
      })
      .willRespondWith({ status: 204 })
    await pact.executeTest(async (mockServer) => {
      await expect(client(mockServer.url).revoke(EXAMPLE.clientId)).resolves.toBeUndefined()
    })
  })

  it('fails with invalid_request 404 for an app the user has not allowed', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.consentGiven, { ...CONSENT })
      .uponReceiving('a request taking back a consent to an app the user never allowed')
      .withRequest({
        method: 'DELETE',
        path: `${ROUTES.consents}/no-such-app`,
        headers: { Accept: 'application/json', Authorization: bearer() },
      })
      .willRespondWith({
        status: 404,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(
          OAuthErrorResponseWire,
          { error: 'invalid_request', error_description: 'the end-user has not allowed this app' },
          { exact: ['/error'] },
        ),
      })
    await pact.executeTest(async (mockServer) => {
      const refused = await client(mockServer.url)
        .revoke('no-such-app')
        .catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(OAuthError)
      expect(refused).toMatchObject({ error: 'invalid_request', status: 404 })
    })
  })
})
