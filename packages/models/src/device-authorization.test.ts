import { describe, expect, it } from 'vitest'
import {
  DEFAULT_DEVICE_POLLING_INTERVAL,
  DEVICE_ACCESS_TOKEN_ERROR_CODES,
  deviceAuthorizationRequestCodec,
  deviceAuthorizationResponseCodec,
  OAUTH_ERROR_CODES,
  SLOW_DOWN_INTERVAL_INCREMENT,
} from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields, type MemberBoundaries } from './test-support/wire-fields.js'

// The fixtures are the examples of RFC 8628 §3.1 and §3.2, copied from the RFC text.
const RFC_RESPONSE = {
  device_code: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
  user_code: 'WDJB-MJHT',
  verification_uri: 'https://example.com/device',
  verification_uri_complete: 'https://example.com/device?user_code=WDJB-MJHT',
  expires_in: 1800,
  interval: 5,
}

const vschar: MemberBoundaries = {
  accept: ['WDJB-MJHT', ' ', '~', 'x'.repeat(512)],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: 'BCDF–GHJK', keyword: 'pattern' },
    { value: 'line\nbreak', keyword: 'pattern' },
    { value: 42, keyword: 'type' },
  ],
}
const uri: MemberBoundaries = {
  accept: ['https://example.com/device', 'http://127.0.0.1:8787/device?user_code=WDJB-MJHT'],
  reject: [
    { value: '/device', keyword: 'format' },
    { value: '', keyword: 'format' },
    { value: null, keyword: 'type' },
  ],
}
const seconds = (minimum: number): MemberBoundaries => ({
  accept: [minimum, 1800, Number.MAX_SAFE_INTEGER],
  reject: [
    { value: minimum - 1, keyword: 'minimum' },
    { value: 1.5, keyword: 'type' },
    { value: '5', keyword: 'type' },
    { value: Number.MAX_SAFE_INTEGER + 2, keyword: 'maximum' },
  ],
})

describeWireFields(deviceAuthorizationResponseCodec, {
  full: RFC_RESPONSE,
  required: ['device_code', 'user_code', 'verification_uri', 'expires_in'],
  members: {
    device_code: vschar,
    user_code: vschar,
    verification_uri: uri,
    verification_uri_complete: uri,
    expires_in: seconds(1),
    interval: seconds(0),
  },
})
describeRoundTrips(deviceAuthorizationResponseCodec)

describeWireFields(deviceAuthorizationRequestCodec, {
  full: {
    client_id: '1406020730',
    client_secret: 'secret',
    scope: 'example_scope',
    resource: 'https://mcp.example.com/mcp',
  },
  required: [],
  members: {
    client_id: {
      accept: ['1406020730', 's6BhdRkqt3'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 7, keyword: 'type' },
      ],
    },
    client_secret: {
      accept: ['7Fjfp0ZBr1KtDRbnfVdmIw'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: null, keyword: 'type' },
      ],
    },
    scope: {
      accept: ['example_scope', 'openid kb:read'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'a  b', keyword: 'pattern' },
        { value: ['openid'], keyword: 'type' },
      ],
    },
    resource: {
      accept: ['https://mcp.example.com/mcp', ['https://a.example/mcp', 'https://b.example/api']],
      reject: [
        { value: '/mcp', keyword: 'anyOf' },
        { value: 'https://mcp.example.com/mcp#x', keyword: 'anyOf' },
        { value: [], keyword: 'anyOf' },
      ],
    },
  },
})
describeRoundTrips(deviceAuthorizationRequestCodec)

describe('deviceAuthorizationResponseCodec', () => {
  it('maps the RFC 8628 §3.2 example response to camelCase', () => {
    expect(deviceAuthorizationResponseCodec.decode(RFC_RESPONSE)).toEqual({
      deviceCode: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
      userCode: 'WDJB-MJHT',
      verificationUri: 'https://example.com/device',
      verificationUriComplete: 'https://example.com/device?user_code=WDJB-MJHT',
      expiresIn: 1800,
      interval: 5,
    })
  })

  it('leaves interval absent when the server sends none (the client then waits 5 s, RFC 8628 §3.2)', () => {
    const { interval: _, verification_uri_complete: __, ...minimal } = RFC_RESPONSE
    const model = deviceAuthorizationResponseCodec.decode(minimal)
    expect(model).not.toHaveProperty('interval')
    expect(model).not.toHaveProperty('verificationUriComplete')
    expect(DEFAULT_DEVICE_POLLING_INTERVAL).toBe(5)
  })

  it('refuses a response without device_code or user_code', () => {
    const { device_code: _, user_code: __, ...rest } = RFC_RESPONSE
    expect(deviceAuthorizationResponseCodec.validate(rest).map((issue) => issue.path)).toEqual([
      '/device_code',
      '/user_code',
    ])
  })
})

describe('deviceAuthorizationRequestCodec', () => {
  it('decodes the RFC 8628 §3.1 example request', () => {
    const form = new URLSearchParams('client_id=1406020730&scope=example_scope')
    expect(deviceAuthorizationRequestCodec.decode(Object.fromEntries(form))).toEqual({
      clientId: '1406020730',
      scope: 'example_scope',
    })
  })
})

describe('device access token errors (RFC 8628 §3.5)', () => {
  it('are known error codes', () => {
    expect(DEVICE_ACCESS_TOKEN_ERROR_CODES).toEqual([
      'authorization_pending',
      'slow_down',
      'access_denied',
      'expired_token',
    ])
    for (const code of DEVICE_ACCESS_TOKEN_ERROR_CODES) expect(OAUTH_ERROR_CODES).toContain(code)
  })

  it('raise the interval by 5 seconds on slow_down', () => {
    expect(SLOW_DOWN_INTERVAL_INCREMENT).toBe(5)
  })
})
