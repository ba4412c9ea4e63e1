import { describe, expect, it } from 'vitest'
import {
  createdPersonalAccessTokenCodec,
  MAX_PERSONAL_ACCESS_TOKEN_LIFETIME,
  PERSONAL_ACCESS_TOKEN_PREFIX,
  personalAccessTokenCreateRequestCodec,
  personalAccessTokenListCodec,
} from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

const TOKEN = `${PERSONAL_ACCESS_TOKEN_PREFIX}${'A'.repeat(42)}g`
const CREATED = {
  id: '0b9a3f5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
  name: 'CI deploy',
  scope: 'kb:read conversation:chat',
  created_at: 1_700_000_000,
  expires_at: 1_702_592_000,
  token: TOKEN,
}

describeWireFields(personalAccessTokenCreateRequestCodec, {
  full: { name: 'CI deploy', scope: 'kb:read', expires_in: 3600 },
  required: ['name', 'scope'],
  members: {
    name: {
      accept: ['CI deploy', 'x', 'a b', 'n'.repeat(100)],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: '   ', keyword: 'pattern' },
        { value: ' padded', keyword: 'pattern' },
        { value: 'naïve', keyword: 'pattern' },
        { value: 'line\nbreak', keyword: 'pattern' },
        { value: 'n'.repeat(101), keyword: 'pattern' },
        { value: 7, keyword: 'type' },
      ],
    },
    scope: {
      accept: ['kb:read', 'openid kb:read'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'kb:read  kb:write', keyword: 'pattern' },
        { value: ['kb:read'], keyword: 'type' },
      ],
    },
    expires_in: {
      accept: [60, 86_400, MAX_PERSONAL_ACCESS_TOKEN_LIFETIME],
      reject: [
        { value: 59, keyword: 'minimum' },
        { value: MAX_PERSONAL_ACCESS_TOKEN_LIFETIME + 1, keyword: 'maximum' },
        { value: 3600.5, keyword: 'type' },
        { value: '3600', keyword: 'type' },
      ],
    },
  },
})
describeRoundTrips(personalAccessTokenCreateRequestCodec)

describeWireFields(createdPersonalAccessTokenCodec, {
  full: CREATED,
  required: ['id', 'name', 'scope', 'created_at', 'expires_at', 'token'],
  members: {
    token: {
      accept: [TOKEN],
      reject: [
        { value: 'A'.repeat(49), keyword: 'pattern' },
        { value: `${PERSONAL_ACCESS_TOKEN_PREFIX}short`, keyword: 'pattern' },
        { value: `ghp_${'A'.repeat(43)}`, keyword: 'pattern' },
      ],
    },
    id: { accept: [CREATED.id], reject: [{ value: 'not-a-uuid', keyword: 'format' }] },
    name: { accept: ['CI deploy'], reject: [{ value: '', keyword: 'pattern' }] },
    scope: { accept: ['openid'], reject: [{ value: ' openid', keyword: 'pattern' }] },
    created_at: {
      accept: [0, 1_700_000_000],
      reject: [
        { value: -1, keyword: 'minimum' },
        { value: 1.5, keyword: 'type' },
      ],
    },
    expires_at: {
      accept: [0, 1_702_592_000],
      reject: [
        { value: -1, keyword: 'minimum' },
        { value: '1702592000', keyword: 'type' },
      ],
    },
  },
})
describeRoundTrips(createdPersonalAccessTokenCodec)
describeRoundTrips(personalAccessTokenListCodec)

describe('personal access token codecs', () => {
  it('decodes a creation answer to camelCase, keeping the value', () => {
    expect(createdPersonalAccessTokenCodec.decode(CREATED)).toEqual({
      id: CREATED.id,
      name: 'CI deploy',
      scope: 'kb:read conversation:chat',
      createdAt: 1_700_000_000,
      expiresAt: 1_702_592_000,
      token: TOKEN,
    })
  })

  it('lists tokens without their values', () => {
    const { token: _token, ...listed } = CREATED
    const decoded = personalAccessTokenListCodec.decode({ personal_access_tokens: [listed] })
    expect(decoded.personalAccessTokens).toEqual([
      {
        id: CREATED.id,
        name: 'CI deploy',
        scope: CREATED.scope,
        createdAt: 1_700_000_000,
        expiresAt: 1_702_592_000,
      },
    ])
    expect(
      Object.keys(personalAccessTokenListCodec.encode(decoded).personal_access_tokens[0] ?? {}),
    ).not.toContain('token')
  })
})
