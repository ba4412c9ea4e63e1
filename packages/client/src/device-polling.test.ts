import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  DeviceAuthorizationDeniedError,
  DeviceAuthorizationExpiredError,
  OAuthClientError,
  OAuthError,
} from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { cannedFetch, json, type Reply } from './test-support/canned-fetch.js'

// RFC 8628 §3.4-§3.5, the device's side of polling. Timers are vitest's fake ones, so "no poll before
// the interval" is checked by moving the clock, not by measuring it.

const metadata = {
  issuer: 'https://as.example',
  tokenEndpoint: 'https://as.example/token',
  deviceAuthorizationEndpoint: 'https://as.example/device_authorization',
}
const TOKENS = { access_token: 'at-device', token_type: 'Bearer', expires_in: 3600 }
const error = (code: string) => json(400, { error: code, error_description: `${code} answered` })

function client(...replies: Reply[]) {
  const canned = cannedFetch(...replies)
  const oauth = new OAuthClient({ metadata, clientId: 'tv-app', fetch: canned.fetch, retry: false })
  return { oauth, requests: canned.requests }
}

/** Advances the fake clock by `seconds` and lets the requests the poller sends settle. */
const advance = (seconds: number) => vi.advanceTimersByTimeAsync(seconds * 1000)

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('deviceAuthorization()', () => {
  it('posts the scope and the public client_id, and returns the RFC 8628 §3.2 response', async () => {
    const { oauth, requests } = client(
      json(200, {
        device_code: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
        user_code: 'WDJB-MJHT',
        verification_uri: 'https://as.example/device',
        verification_uri_complete: 'https://as.example/device?user_code=WDJB-MJHT',
        expires_in: 1800,
        interval: 5,
      }),
    )
    const authorization = await oauth.deviceAuthorization({ scope: ['openid', 'kb:read'] })
    expect({ ...authorization }).toEqual({
      deviceCode: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
      userCode: 'WDJB-MJHT',
      verificationUri: 'https://as.example/device',
      verificationUriComplete: 'https://as.example/device?user_code=WDJB-MJHT',
      expiresIn: 1800,
      interval: 5,
    })
    expect(requests[0]?.url).toBe(metadata.deviceAuthorizationEndpoint)
    expect(Object.fromEntries(requests[0]?.form ?? [])).toEqual({
      scope: 'openid kb:read',
      client_id: 'tv-app',
    })
  })

  it('refuses a response without user_code with a ResponseValidationError naming it', async () => {
    const { oauth } = client(
      json(200, { device_code: 'd', verification_uri: 'https://as.example/device', expires_in: 600 }),
    )
    await expect(oauth.deviceAuthorization()).rejects.toThrow('/user_code: is required')
  })

  it('needs the server to publish device_authorization_endpoint', async () => {
    const oauth = new OAuthClient({ metadata: { issuer: metadata.issuer }, clientId: 'tv-app' })
    await expect(oauth.deviceAuthorization()).rejects.toThrow('device_authorization_endpoint')
  })
})

describe('pollDeviceAuthorization()', () => {
  it('waits interval seconds before each poll and polls again on authorization_pending', async () => {
    const { oauth, requests } = client(error('authorization_pending'), json(200, TOKENS))
    const tokens = oauth.pollDeviceAuthorization({ deviceCode: 'dc-1', expiresIn: 600, interval: 3 })
    await advance(2.999)
    expect(requests).toHaveLength(0)
    await advance(0.001)
    expect(requests).toHaveLength(1)
    expect(Object.fromEntries(requests[0]?.form ?? [])).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: 'dc-1',
      client_id: 'tv-app',
    })
    await advance(2.999)
    expect(requests).toHaveLength(1)
    await advance(0.001)
    await expect(tokens).resolves.toMatchObject({ accessToken: 'at-device', tokenType: 'Bearer' })
    expect(requests).toHaveLength(2)
  })

  it('waits 5 seconds when the response has no interval (RFC 8628 §3.2)', async () => {
    const { oauth, requests } = client(json(200, TOKENS))
    const tokens = oauth.pollDeviceAuthorization({ deviceCode: 'dc', expiresIn: 600 })
    await advance(4.999)
    expect(requests).toHaveLength(0)
    await advance(0.001)
    await expect(tokens).resolves.toMatchObject({ accessToken: 'at-device' })
  })

  it('raises the interval by 5 seconds on slow_down, for this and every later poll (RFC 8628 §3.5)', async () => {
    const { oauth, requests } = client(
      error('slow_down'),
      error('authorization_pending'),
      error('slow_down'),
      json(200, TOKENS),
    )
    const events: unknown[] = []
    const tokens = oauth.pollDeviceAuthorization(
      { deviceCode: 'dc', expiresIn: 600, interval: 1 },
      { onPending: (event) => events.push(event) },
    )
    await advance(1)
    expect(requests).toHaveLength(1)
    await advance(5.999)
    expect(requests).toHaveLength(1)
    await advance(0.001)
    expect(requests).toHaveLength(2)
    await advance(5.999)
    expect(requests).toHaveLength(2)
    await advance(0.001)
    expect(requests).toHaveLength(3)
    await advance(10.999)
    expect(requests).toHaveLength(3)
    await advance(0.001)
    await expect(tokens).resolves.toMatchObject({ accessToken: 'at-device' })
    expect(events).toEqual([
      { error: 'slow_down', intervalSeconds: 6, polls: 1 },
      { error: 'authorization_pending', intervalSeconds: 6, polls: 2 },
      { error: 'slow_down', intervalSeconds: 11, polls: 3 },
    ])
  })

  it('stops on access_denied with a DeviceAuthorizationDeniedError', async () => {
    const { oauth, requests } = client(error('authorization_pending'), error('access_denied'))
    const tokens = oauth.pollDeviceAuthorization({ deviceCode: 'dc', expiresIn: 600, interval: 1 })
    const outcome = expect(tokens).rejects.toSatisfy(
      (failure) =>
        failure instanceof DeviceAuthorizationDeniedError &&
        failure instanceof OAuthError &&
        failure.error === 'access_denied' &&
        failure.status === 400 &&
        failure.errorDescription === 'access_denied answered',
    )
    await advance(2)
    await outcome
    await advance(10)
    expect(requests).toHaveLength(2)
  })

  it('stops on expired_token with a DeviceAuthorizationExpiredError carrying the response', async () => {
    const { oauth, requests } = client(error('expired_token'))
    const tokens = oauth.pollDeviceAuthorization({ deviceCode: 'dc', expiresIn: 600, interval: 1 })
    const outcome = expect(tokens).rejects.toSatisfy(
      (failure) =>
        failure instanceof DeviceAuthorizationExpiredError &&
        failure.error === 'expired_token' &&
        failure.status === 400 &&
        failure.response !== undefined,
    )
    await advance(1)
    await outcome
    expect(requests).toHaveLength(1)
  })

  it('stops without polling once expires_in has passed on its own clock', async () => {
    const { oauth, requests } = client(error('authorization_pending'))
    const tokens = oauth.pollDeviceAuthorization({ deviceCode: 'dc', expiresIn: 3, interval: 2 })
    const outcome = expect(tokens).rejects.toSatisfy(
      (failure) =>
        failure instanceof DeviceAuthorizationExpiredError &&
        failure.error === 'expired_token' &&
        failure.status === undefined,
    )
    await advance(4)
    await outcome
    expect(requests).toHaveLength(1)
  })

  it('throws any other error as is, without polling again', async () => {
    const { oauth, requests } = client(error('invalid_grant'))
    const tokens = oauth.pollDeviceAuthorization({ deviceCode: 'dc', expiresIn: 600, interval: 1 })
    const outcome = expect(tokens).rejects.toSatisfy(
      (failure) =>
        failure instanceof OAuthError &&
        !(failure instanceof DeviceAuthorizationExpiredError) &&
        failure.error === 'invalid_grant',
    )
    await advance(1)
    await outcome
    await advance(10)
    expect(requests).toHaveLength(1)
  })

  it('is aborted by its signal while it waits, with the abort reason', async () => {
    const { oauth, requests } = client(error('authorization_pending'))
    const controller = new AbortController()
    const tokens = oauth.pollDeviceAuthorization(
      { deviceCode: 'dc', expiresIn: 600, interval: 5 },
      { signal: controller.signal },
    )
    const reason = new Error('the user closed the CLI')
    const outcome = expect(tokens).rejects.toBe(reason)
    await advance(5)
    expect(requests).toHaveLength(1)
    controller.abort(reason)
    await outcome
    await advance(60)
    expect(requests).toHaveLength(1)
  })

  it('refuses to start without a device code or with an already aborted signal', async () => {
    const { oauth, requests } = client(json(200, TOKENS))
    await expect(oauth.pollDeviceAuthorization({ deviceCode: '', expiresIn: 600 })).rejects.toThrow(TypeError)
    await expect(
      oauth.pollDeviceAuthorization(
        { deviceCode: 'dc', expiresIn: 600 },
        { signal: AbortSignal.abort(new OAuthClientError('stop')) },
      ),
    ).rejects.toThrow('stop')
    expect(requests).toHaveLength(0)
  })

  it('is not reachable through grant(), which would skip the polling rules', async () => {
    const { oauth } = client(json(200, TOKENS))
    await expect(
      oauth.grant('urn:ietf:params:oauth:grant-type:device_code', { device_code: 'dc' }),
    ).rejects.toThrow('pollDeviceAuthorization()')
  })
})
