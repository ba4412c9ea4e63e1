import { describe, expect, it } from 'vitest'
import {
  decodeTokenResponse,
  encodeTokenResponse,
  isBearerTokenType,
  isDPoPTokenType,
  MAX_SAFE_SECONDS,
  tokenResponseCodec,
  WireValidationError,
} from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

const ID_TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xIn0.c2lnbmF0dXJl'

const tokenLike = {
  accept: [' ', '~', 'a', 'eyJ.eyJ.sig', '2YotnFZFEjr1zCsicMWpAA', 'x'.repeat(4096)],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: 'tökén', keyword: 'pattern' },
    { value: 'line\nbreak', keyword: 'pattern' },
    { value: 42, keyword: 'type' },
    { value: null, keyword: 'type' },
  ],
}

describeWireFields(tokenResponseCodec, {
  full: {
    access_token: 'at',
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: 'rt',
    scope: 'openid kb:read',
    id_token: ID_TOKEN,
  },
  required: ['access_token', 'token_type'],
  members: {
    access_token: tokenLike,
    token_type: {
      accept: ['Bearer', 'bearer', 'BEARER', 'DPoP', 'N_A'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'Bearer token', keyword: 'pattern' },
        { value: 1, keyword: 'type' },
      ],
    },
    expires_in: {
      accept: [0, 1, 3600, MAX_SAFE_SECONDS],
      reject: [
        { value: -1, keyword: 'minimum' },
        { value: 3600.5, keyword: 'type' },
        { value: '3600', keyword: 'type' },
        { value: MAX_SAFE_SECONDS + 1, keyword: 'maximum' },
        { value: null, keyword: 'type' },
        { value: true, keyword: 'type' },
      ],
    },
    refresh_token: tokenLike,
    scope: {
      accept: ['openid', 'openid kb:read offline_access', '!#[]~'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: ' openid', keyword: 'pattern' },
        { value: 'openid  kb:read', keyword: 'pattern' },
        { value: 'openid ', keyword: 'pattern' },
        { value: 'a"b', keyword: 'pattern' },
        { value: 'a\\b', keyword: 'pattern' },
        { value: ['openid'], keyword: 'type' },
      ],
    },
    id_token: {
      accept: ['a.b.c', ID_TOKEN],
      reject: [
        { value: 'a.b', keyword: 'pattern' },
        { value: 'a.b.', keyword: 'pattern' },
        { value: 'a..c', keyword: 'pattern' },
        { value: 'a.b.c.d.e', keyword: 'pattern' },
        { value: 'a=.b.c', keyword: 'pattern' },
        { value: 'opaque-id-token', keyword: 'pattern' },
      ],
    },
  },
})

describeRoundTrips(tokenResponseCodec)

describe('decodeTokenResponse', () => {
  it('maps a full RFC 6749 §5.1 response to the camelCase model', () => {
    expect(
      decodeTokenResponse({
        access_token: 'at',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt',
        scope: 'openid kb:read',
        id_token: 'a.b.c',
      }),
    ).toEqual({
      accessToken: 'at',
      tokenType: 'Bearer',
      expiresIn: 3600,
      refreshToken: 'rt',
      scope: 'openid kb:read',
      idToken: 'a.b.c',
    })
  })

  it('leaves absent optional members absent, not undefined', () => {
    const model = decodeTokenResponse({ access_token: 'at', token_type: 'Bearer' })
    expect(Object.keys(model)).toEqual(['accessToken', 'tokenType'])
  })

  it('names every failing field and what it expected', () => {
    const error = (() => {
      try {
        decodeTokenResponse({ expires_in: '3600' })
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(WireValidationError)
    const { issues, messageName, message } = error as WireValidationError
    expect(messageName).toBe('OAuthTokenResponse')
    expect(issues).toEqual([
      { path: '/access_token', keyword: 'required', message: 'is required' },
      { path: '/token_type', keyword: 'required', message: 'is required' },
      { path: '/expires_in', keyword: 'type', message: expect.stringContaining('integer') },
    ])
    expect(message).toMatch(
      /^invalid OAuthTokenResponse: \/access_token: is required; \/token_type: is required; /,
    )
  })

  it('does not coerce a numeric string, or drop the member, on the way to the model', () => {
    const result = tokenResponseCodec.safeDecode({
      access_token: 'at',
      token_type: 'Bearer',
      expires_in: '3600',
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.issues.map((issue) => issue.path)).toEqual(['/expires_in'])
  })

  it('keeps the token type as sent; the comparison is isBearerTokenType', () => {
    expect(decodeTokenResponse({ access_token: 'at', token_type: 'bEaReR' }).tokenType).toBe('bEaReR')
  })
})

describe('encodeTokenResponse', () => {
  it('maps the model to snake_case wire members', () => {
    expect(
      encodeTokenResponse({
        accessToken: 'at',
        tokenType: 'Bearer',
        expiresIn: 60,
        refreshToken: 'rt',
        scope: 'openid',
        idToken: 'a.b.c',
      }),
    ).toEqual({
      access_token: 'at',
      token_type: 'Bearer',
      expires_in: 60,
      refresh_token: 'rt',
      scope: 'openid',
      id_token: 'a.b.c',
    })
  })

  it('refuses to put an invalid model on the wire', () => {
    expect(() => encodeTokenResponse({ accessToken: 'at', tokenType: 'Bearer', expiresIn: -5 })).toThrow(
      'invalid OAuthTokenResponse: /expires_in',
    )
  })

  it('leaves out members the model does not set, even when set to undefined', () => {
    expect(encodeTokenResponse({ accessToken: 'at', tokenType: 'Bearer', scope: undefined })).toEqual({
      access_token: 'at',
      token_type: 'Bearer',
    })
  })
})

describe('isBearerTokenType', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])(
    'accepts %s (RFC 6749 §5.1: case insensitive)',
    (type) => {
      expect(isBearerTokenType(type)).toBe(true)
    },
  )
  it.each(['DPoP', 'Bearer ', 'Bearers', 'MAC', '', undefined])('refuses %s', (type) => {
    expect(isBearerTokenType(type)).toBe(false)
  })
})

describe('isDPoPTokenType', () => {
  it.each(['DPoP', 'dpop', 'DPOP'])('accepts %s (RFC 9449 §5, compared as RFC 6749 §5.1 says)', (type) => {
    expect(isDPoPTokenType(type)).toBe(true)
  })
  it.each(['Bearer', 'DPoP ', 'DPoP-Bearer', '', undefined])('refuses %s', (type) => {
    expect(isDPoPTokenType(type)).toBe(false)
  })

  it("decodes RFC 9449 §5's DPoP token response, token type kept as sent", () => {
    const token = decodeTokenResponse({
      access_token: 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU',
      token_type: 'DPoP',
      expires_in: 2677,
      refresh_token: 'Q..Zkm29lexi8VnWg2zPW1x-tgGad0Ibc3s3EwM_Ni4-g',
    })
    expect(token.tokenType).toBe('DPoP')
    expect(isDPoPTokenType(token.tokenType)).toBe(true)
    expect(isBearerTokenType(token.tokenType)).toBe(false)
  })
})
