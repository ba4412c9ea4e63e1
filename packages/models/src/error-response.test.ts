import { describe, expect, it } from 'vitest'
import { errorResponseCodec, OAUTH_ERROR_CODES, statusForOAuthError } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

describeWireFields(errorResponseCodec, {
  full: {
    error: 'invalid_grant',
    error_description: 'The refresh token has expired.',
    error_uri: 'https://docs.pipeshub.example/errors#invalid_grant',
  },
  required: ['error'],
  members: {
    error: {
      accept: ['invalid_request', 'x', 'urn:example:custom_error', ' !#[]~'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'say "no"', keyword: 'pattern' },
        { value: 'back\\slash', keyword: 'pattern' },
        { value: 'ünicode', keyword: 'pattern' },
        { value: 400, keyword: 'type' },
        { value: { code: 'VALIDATION_ERROR' }, keyword: 'type' },
      ],
    },
    error_description: {
      accept: ['', 'The refresh token has expired.', "Client's secret is wrong"],
      reject: [
        { value: 'the "code" parameter', keyword: 'pattern' },
        { value: 'café', keyword: 'pattern' },
        { value: 'two\nlines', keyword: 'pattern' },
        { value: null, keyword: 'type' },
      ],
    },
    error_uri: {
      accept: ['https://docs.pipeshub.example/errors', 'x'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'https://docs example', keyword: 'pattern' },
        { value: 'https://docs.example/"quoted"', keyword: 'pattern' },
      ],
    },
  },
})
describeRoundTrips(errorResponseCodec)

describe('errorResponseCodec', () => {
  it('maps error_description and error_uri to camelCase', () => {
    expect(errorResponseCodec.decode({ error: 'invalid_client', error_description: 'no secret' })).toEqual({
      error: 'invalid_client',
      errorDescription: 'no secret',
    })
  })

  it('keeps an error code outside the known set (RFC 6749 §8.5 extensions)', () => {
    expect(errorResponseCodec.decode({ error: 'authorization_pending' })).toEqual({
      error: 'authorization_pending',
    })
  })

  it("refuses PipesHub's non-OAuth validation body", () => {
    expect(errorResponseCodec.validate({ error: { code: 'VALIDATION_ERROR', message: 'bad' } })).toEqual([
      { path: '/error', keyword: 'type', message: expect.stringContaining('string') },
    ])
  })
})

describe('statusForOAuthError', () => {
  it.each([
    ['invalid_client', 401],
    ['invalid_token', 401],
    ['access_denied', 403],
    ['insufficient_scope', 403],
    ['server_error', 500],
    ['temporarily_unavailable', 503],
    ['invalid_request', 400],
    ['invalid_grant', 400],
    ['unsupported_grant_type', 400],
    ['invalid_dpop_proof', 400],
    ['use_dpop_nonce', 400],
    ['some_extension_error', 400],
  ])('answers %s with %i', (code, status) => {
    expect(statusForOAuthError(code)).toBe(status)
  })

  it('knows every code of the RFC 6749 §5.2 set', () => {
    expect(OAUTH_ERROR_CODES).toEqual(
      expect.arrayContaining([
        'invalid_request',
        'invalid_client',
        'invalid_grant',
        'unauthorized_client',
        'unsupported_grant_type',
        'invalid_scope',
      ]),
    )
  })
})

describe('OAUTH_ERROR_CODES', () => {
  it('knows the DPoP codes RFC 9449 §12.2 registers (invalid_dpop_proof, use_dpop_nonce)', () => {
    expect(OAUTH_ERROR_CODES).toEqual(expect.arrayContaining(['invalid_dpop_proof', 'use_dpop_nonce']))
  })

  it('knows the request URI and request object codes of RFC 9101 §6.2, which RFC 9126 pushes', () => {
    expect(OAUTH_ERROR_CODES).toEqual(
      expect.arrayContaining(['invalid_request_uri', 'invalid_request_object']),
    )
  })

  it("decodes RFC 9449 §8's use_dpop_nonce example body", () => {
    expect(
      errorResponseCodec.decode({
        error: 'use_dpop_nonce',
        error_description: 'Authorization server requires nonce in DPoP proof',
      }),
    ).toEqual({
      error: 'use_dpop_nonce',
      errorDescription: 'Authorization server requires nonce in DPoP proof',
    })
  })
})
