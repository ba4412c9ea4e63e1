import { describe, expect, it } from 'vitest'
import { introspectionRequestCodec } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

describeWireFields(introspectionRequestCodec, {
  full: { token: 'mF_9.B5f-4.1JqM', token_type_hint: 'access_token' },
  required: ['token'],
  members: {
    token: {
      accept: ['mF_9.B5f-4.1JqM', 'x'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'new\nline', keyword: 'pattern' },
        { value: false, keyword: 'type' },
      ],
    },
    token_type_hint: {
      accept: ['access_token', 'refresh_token'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 1, keyword: 'type' },
      ],
    },
  },
})
describeRoundTrips(introspectionRequestCodec)

describe('introspectionRequestCodec', () => {
  it('maps token_type_hint to tokenTypeHint', () => {
    expect(introspectionRequestCodec.decode({ token: 't', token_type_hint: 'refresh_token' })).toEqual({
      token: 't',
      tokenTypeHint: 'refresh_token',
    })
  })
})
