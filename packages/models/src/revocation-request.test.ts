import { describe, expect, it } from 'vitest'
import { revocationRequestCodec } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

describeWireFields(revocationRequestCodec, {
  full: { token: '45ghiukldjahdnhzdauz', token_type_hint: 'refresh_token' },
  required: ['token'],
  members: {
    token: {
      accept: ['45ghiukldjahdnhzdauz', 'a.b.c', ' '],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'tøken', keyword: 'pattern' },
        { value: 12, keyword: 'type' },
      ],
    },
    token_type_hint: {
      accept: ['access_token', 'refresh_token', 'urn:example:unknown-hint'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: ['access_token'], keyword: 'type' },
      ],
    },
  },
})
describeRoundTrips(revocationRequestCodec)

describe('revocationRequestCodec', () => {
  it('maps token_type_hint to tokenTypeHint', () => {
    expect(revocationRequestCodec.decode({ token: 't', token_type_hint: 'access_token' })).toEqual({
      token: 't',
      tokenTypeHint: 'access_token',
    })
    expect(revocationRequestCodec.encode({ token: 't' })).toEqual({ token: 't' })
  })
})
