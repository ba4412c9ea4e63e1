import { describe, expect, it } from 'vitest'
import { userInfoResponseCodec } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import {
  oidcSubject,
  standardClaimsFull,
  standardClaimsMembers,
  standardClaimsModel,
} from './test-support/standard-claims-table.js'
import { describeWireFields } from './test-support/wire-fields.js'

describeWireFields(userInfoResponseCodec, {
  full: { sub: '248289761001', user_id: '248289761001', ...standardClaimsFull },
  required: ['sub'],
  members: {
    sub: oidcSubject,
    user_id: {
      accept: ['248289761001', 'x'],
      reject: [
        { value: '', keyword: 'minLength' },
        { value: 248289761001, keyword: 'type' },
      ],
    },
    ...standardClaimsMembers,
  },
})
describeRoundTrips(userInfoResponseCodec)

describe('userInfoResponseCodec', () => {
  it('maps every standard claim to camelCase', () => {
    expect(userInfoResponseCodec.decode({ sub: '248289761001', ...standardClaimsFull })).toEqual({
      sub: '248289761001',
      ...standardClaimsModel,
    })
  })

  it("maps PipesHub's user_id to userId, beside sub", () => {
    expect(userInfoResponseCodec.decode({ sub: 'u-1', user_id: 'u-1' })).toEqual({
      sub: 'u-1',
      userId: 'u-1',
    })
    expect(userInfoResponseCodec.encode({ sub: 'u-1', userId: 'u-1' })).toEqual({
      sub: 'u-1',
      user_id: 'u-1',
    })
  })

  it('returns only sub when the profile and email scopes were not granted', () => {
    expect(userInfoResponseCodec.decode({ sub: 'u-1' })).toEqual({ sub: 'u-1' })
  })

  it('encodes the camelCase model back to the claim names', () => {
    expect(
      userInfoResponseCodec.encode({ sub: 'u-1', emailVerified: false, preferredUsername: 'jd' }),
    ).toEqual({
      sub: 'u-1',
      email_verified: false,
      preferred_username: 'jd',
    })
  })
})
