import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DevicePollingEvent } from '../device-polling.js'
import { discover } from '../discovery.js'
import { DeviceAuthorizationDeniedError, DeviceAuthorizationExpiredError } from '../errors.js'
import type { FetchLike } from '../http.js'
import { OAuthClient } from '../oauth-client.js'
import {
  ACCOUNT,
  CONFIDENTIAL_CLIENT,
  DEVICE_CLIENT,
  POST_LOGOUT_REDIRECT_URI,
  RATE_GUARDED_DEVICE_CLIENT,
  REDIRECT_URI,
  type RunningOidcProvider,
  SHORT_DEVICE_CODE_TTL,
  SHORT_LIVED_DEVICE_CLIENT,
  startOidcProvider,
} from '../test-support/node-oidc-provider.js'
import { UserAgent } from '../test-support/user-agent.js'

// @pipeshub/client's device flow (RFC 8628) and logout URL (OpenID Connect RP-Initiated Logout 1.0)
// against node-oidc-provider on loopback. The end-user's part (typing the code, signing in,
// consenting, confirming logout) goes over HTTP through node-oidc-provider's own pages. Each device
// case waits node-oidc-provider's polling interval (5 s, the RFC's default), so they run concurrently.

let op: RunningOidcProvider

beforeAll(async () => {
  op = await startOidcProvider()
})

afterAll(async () => {
  await op?.close()
  expect(op?.serverErrors ?? []).toEqual([])
})

/** A fetch that counts the token endpoint's requests. */
function counting(): { fetch: FetchLike; polls: () => number } {
  let polls = 0
  return {
    fetch: (input, init) => {
      if (new URL(String(input)).pathname === '/token') polls++
      return fetch(input, init)
    },
    polls: () => polls,
  }
}

const USER = { login: ACCOUNT.sub, consent: 'allow' } as const

describe.concurrent('the device authorization grant against node-oidc-provider', () => {
  it('discover: the device_authorization_endpoint and end_session_endpoint', async () => {
    const metadata = await discover(op.issuer)
    expect(metadata.deviceAuthorizationEndpoint).toBe(`${op.issuer}/device/auth`)
    expect(metadata.endSessionEndpoint).toBe(`${op.issuer}/session/end`)
    expect(metadata.grantTypesSupported).toContain('urn:ietf:params:oauth:grant-type:device_code')
  })

  it('polls through authorization_pending while the user types the code at verification_uri, signs in and consents', async () => {
    const counter = counting()
    const client = await OAuthClient.fromIssuer(op.issuer, { ...DEVICE_CLIENT, fetch: counter.fetch })
    const authorization = await client.deviceAuthorization({ scope: 'openid profile' })
    expect(authorization.userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(authorization.verificationUri).toBe(`${op.issuer}/device`)
    expect(authorization.interval).toBeUndefined()
    let userStep: Promise<unknown> | undefined
    const events: DevicePollingEvent[] = []
    const tokens = await client.pollDeviceAuthorization(authorization, {
      onPending: (event) => {
        events.push(event)
        // RFC 8628 §3.3: the user acts on another device once the first poll is pending; typed as
        // people type it, lower case and without the dash.
        userStep ??= new UserAgent(REDIRECT_URI).visit(new URL(authorization.verificationUri), {
          ...USER,
          userCode: authorization.userCode.replace('-', '').toLowerCase(),
        })
        return userStep
      },
    })
    const visit = (await userStep) as Awaited<ReturnType<UserAgent['visit']>>
    expect(visit.prompts).toEqual(['login', 'consent'])
    expect(events[0]).toEqual({ error: 'authorization_pending', intervalSeconds: 5, polls: 1 })
    expect(counter.polls()).toBe(events.length + 1)
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'openid profile' })
    expect(tokens.idTokenClaims).toMatchObject({
      iss: op.issuer,
      sub: ACCOUNT.sub,
      aud: DEVICE_CLIENT.clientId,
    })
    await expect(client.userinfo(tokens.accessToken)).resolves.toMatchObject({ sub: ACCOUNT.sub })
    // RFC 8628 §3.5 / RFC 6749 §4.1.2: the device code was consumed by the token response.
    await expect(client.pollDeviceAuthorization({ ...authorization, interval: 0 })).rejects.toMatchObject({
      error: 'invalid_grant',
      status: 400,
    })
  })

  it('ends with DeviceAuthorizationDeniedError when the user aborts at verification_uri_complete', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, DEVICE_CLIENT)
    const authorization = await client.deviceAuthorization({ scope: 'openid' })
    expect(authorization.verificationUriComplete).toBe(
      `${op.issuer}/device?user_code=${encodeURIComponent(authorization.userCode)}`,
    )
    const visit = await new UserAgent(REDIRECT_URI).visit(
      new URL(authorization.verificationUriComplete ?? ''),
      {
        ...USER,
        device: 'abort',
      },
    )
    expect(visit.prompts).toEqual([])
    const failure = await client.pollDeviceAuthorization(authorization).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(DeviceAuthorizationDeniedError)
    expect(failure).toMatchObject({ error: 'access_denied', status: 400 })
  })

  it('raises its interval by 5 s after slow_down (a polling guard in front of node-oidc-provider)', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, RATE_GUARDED_DEVICE_CLIENT)
    const authorization = await client.deviceAuthorization({ scope: 'openid' })
    await new UserAgent(REDIRECT_URI).visit(new URL(authorization.verificationUriComplete ?? ''), USER)
    const before = op.slowDowns()
    const events: DevicePollingEvent[] = []
    const tokens = await client.pollDeviceAuthorization(authorization, {
      onPending: (event) => events.push(event),
    })
    // Had the interval stayed at 5 s, the second poll would have come too early and been slowed down too.
    expect(events).toEqual([{ error: 'slow_down', intervalSeconds: 10, polls: 1 }])
    expect(op.slowDowns() - before).toBe(1)
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'openid' })
  })

  it('ends with DeviceAuthorizationExpiredError when the server answers expired_token', async () => {
    // A device whose clock runs at a quarter of the speed: it still polls after the code expired.
    const startedAt = Date.now()
    const client = await OAuthClient.fromIssuer(op.issuer, {
      ...SHORT_LIVED_DEVICE_CLIENT,
      now: () => startedAt + (Date.now() - startedAt) / 4,
    })
    const authorization = await client.deviceAuthorization({ scope: 'openid' })
    expect(authorization.expiresIn).toBe(SHORT_DEVICE_CODE_TTL)
    const failure = await client.pollDeviceAuthorization(authorization).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(DeviceAuthorizationExpiredError)
    expect(failure).toMatchObject({ error: 'expired_token', status: 400 })
  })

  it('ends with DeviceAuthorizationExpiredError, without polling, once expires_in passed', async () => {
    const counter = counting()
    const client = await OAuthClient.fromIssuer(op.issuer, {
      ...SHORT_LIVED_DEVICE_CLIENT,
      fetch: counter.fetch,
    })
    const authorization = await client.deviceAuthorization({ scope: 'openid' })
    const failure = await client.pollDeviceAuthorization(authorization).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(DeviceAuthorizationExpiredError)
    expect(failure).toMatchObject({ error: 'expired_token', status: undefined })
    expect(counter.polls()).toBe(0)
  })

  it('stops when its AbortSignal fires during the wait', async () => {
    const counter = counting()
    const client = await OAuthClient.fromIssuer(op.issuer, { ...DEVICE_CLIENT, fetch: counter.fetch })
    const authorization = await client.deviceAuthorization({ scope: 'openid' })
    const reason = new Error('the user pressed Ctrl-C')
    const polling = client.pollDeviceAuthorization(authorization, { signal: AbortSignal.timeout(500) })
    await expect(polling).rejects.toMatchObject({ name: 'TimeoutError' })
    expect(counter.polls()).toBe(0)
    const controller = new AbortController()
    controller.abort(reason)
    await expect(client.pollDeviceAuthorization(authorization, { signal: controller.signal })).rejects.toBe(
      reason,
    )
  })
})

describe('RP-initiated logout against node-oidc-provider', () => {
  it('endSessionUrl: id_token_hint, post_logout_redirect_uri and state end the session and come back', async () => {
    const client = await OAuthClient.fromIssuer(op.issuer, CONFIDENTIAL_CLIENT)
    const browser = new UserAgent(REDIRECT_URI)
    const signIn = async () => {
      const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'openid' })
      const trip = await browser.authorize(request.url, USER)
      const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
      const tokens = await client.exchangeAuthorizationCode({
        code,
        redirectUri: REDIRECT_URI,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      })
      return { tokens, prompts: trip.prompts }
    }
    const first = await signIn()
    expect(first.prompts).toEqual(['login', 'consent'])
    // With the session alive, a second authorization asks nothing.
    expect((await signIn()).prompts).toEqual([])
    const logout = client.endSessionUrl({
      idTokenHint: first.tokens.idToken,
      postLogoutRedirectUri: POST_LOGOUT_REDIRECT_URI,
      state: 'logout-state-1',
    })
    const visit = await browser.visit(logout, USER, [POST_LOGOUT_REDIRECT_URI])
    const back = new URL(visit.location ?? '')
    expect(back.origin + back.pathname).toBe(POST_LOGOUT_REDIRECT_URI)
    expect(back.searchParams.get('state')).toBe('logout-state-1')
    // The session is gone: signing in again asks for the login.
    expect((await signIn()).prompts).toContain('login')
  })
})
