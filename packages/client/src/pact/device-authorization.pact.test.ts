import {
  EXAMPLE,
  formBody,
  INJECTED,
  matchersFor,
  ROUTES,
  STATES,
  tokenResponseHeaders,
} from '@pipeshub/contracts'
import {
  DeviceAuthorizationRequestWire,
  DeviceAuthorizationResponseWire,
  DeviceCodeTokenRequestWire,
} from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { OAuthError } from '../errors.js'
import type { OAuthClient } from '../index.js'
import {
  clientAgainst,
  clientAuthenticatedPost,
  oauthErrorResponse,
  pactWithConfidentialClient,
  tokenRequest,
  tokenResponse,
} from './interactions.js'

// The device authorization grant (RFC 8628): the device authorization request and the device's poll.

const METADATA = {
  issuer: EXAMPLE.issuer,
  tokenEndpoint: `${EXAMPLE.issuer}${ROUTES.token}`,
  deviceAuthorizationEndpoint: `${EXAMPLE.issuer}${ROUTES.deviceAuthorization}`,
  jwksUri: `${EXAMPLE.issuer}${ROUTES.jwks}`,
}
const client = (mockServerUrl: string): OAuthClient => clientAgainst(mockServerUrl, METADATA)

/** The device grant of the states: the example user approves the example client's refreshable scope. */
const deviceGrant = {
  clientId: EXAMPLE.clientId,
  subject: EXAMPLE.subject,
  scope: EXAMPLE.scopes.refreshable,
}

function deviceCodeRequest() {
  return formBody(
    DeviceCodeTokenRequestWire,
    { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: EXAMPLE.deviceCode },
    { device_code: INJECTED.deviceCode },
  )
}

/** The device authorization as the device kept it; interval 0: the contract does not wait 5 s. */
const polledAuthorization = {
  deviceCode: EXAMPLE.deviceCode,
  expiresIn: EXAMPLE.deviceCodeLifetime,
  interval: 0,
}

describe('device authorization request (RFC 8628 §3.1-§3.2)', () => {
  it('gets a device code, a user code, the verification URIs, expires_in and interval', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a device authorization request')
      .withRequest(
        clientAuthenticatedPost(
          ROUTES.deviceAuthorization,
          formBody(DeviceAuthorizationRequestWire, { scope: EXAMPLE.scopes.refreshable }),
        ),
      )
      .willRespondWith({
        status: 200,
        headers: tokenResponseHeaders(),
        body: matchersFor(DeviceAuthorizationResponseWire, {
          device_code: EXAMPLE.deviceCode,
          user_code: EXAMPLE.userCode,
          verification_uri: `${EXAMPLE.issuer}/device`,
          verification_uri_complete: `${EXAMPLE.issuer}/device?user_code=${EXAMPLE.userCode}`,
          expires_in: EXAMPLE.deviceCodeLifetime,
          interval: EXAMPLE.devicePollingInterval,
        }),
      })
    await pact.executeTest(async (mockServer) => {
      const authorization = await client(mockServer.url).deviceAuthorization({
        scope: EXAMPLE.scopes.refreshable,
      })
      expect({ ...authorization }).toEqual({
        deviceCode: EXAMPLE.deviceCode,
        userCode: EXAMPLE.userCode,
        verificationUri: `${EXAMPLE.issuer}/device`,
        verificationUriComplete: `${EXAMPLE.issuer}/device?user_code=${EXAMPLE.userCode}`,
        expiresIn: EXAMPLE.deviceCodeLifetime,
        interval: EXAMPLE.devicePollingInterval,
      })
    })
  })
})

describe('device access token request (RFC 8628 §3.4-§3.5)', () => {
  it('gets the tokens once the end-user approved', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.deviceAuthorizationApproved, { ...deviceGrant })
      .uponReceiving('a device access token request after the end-user approved')
      .withRequest(tokenRequest(deviceCodeRequest()))
      .willRespondWith(
        tokenResponse({ refresh_token: EXAMPLE.refreshToken, scope: EXAMPLE.scopes.refreshable }, ['/scope']),
      )
    await pact.executeTest(async (mockServer) => {
      const tokens = await client(mockServer.url).pollDeviceAuthorization(polledAuthorization)
      expect({ ...tokens }).toEqual({
        accessToken: EXAMPLE.accessToken,
        tokenType: 'Bearer',
        expiresIn: EXAMPLE.expiresIn,
        refreshToken: EXAMPLE.refreshToken,
        scope: EXAMPLE.scopes.refreshable,
      })
    })
  })

  it('hears authorization_pending while the end-user has not decided', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.deviceAuthorizationPending, { ...deviceGrant })
      .uponReceiving('a device access token request before the end-user decided')
      .withRequest(tokenRequest(deviceCodeRequest()))
      .willRespondWith(oauthErrorResponse('authorization_pending'))
    await pact.executeTest(async (mockServer) => {
      const stop = new AbortController()
      const stopped = new Error('the test stops polling after one pending answer')
      const events: unknown[] = []
      const polling = client(mockServer.url).pollDeviceAuthorization(polledAuthorization, {
        signal: stop.signal,
        onPending: (event) => {
          events.push(event)
          stop.abort(stopped)
        },
      })
      await expect(polling).rejects.toBe(stopped)
      expect(events).toEqual([{ error: 'authorization_pending', intervalSeconds: 0, polls: 1 }])
      expect(stopped).not.toBeInstanceOf(OAuthError)
    })
  })
})
