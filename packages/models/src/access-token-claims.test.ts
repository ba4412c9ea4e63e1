import { describe, expect, it } from 'vitest'
import { accessTokenClaimsCodec } from './index.js'
import { nonEmptyBoundaries, numericDateBoundaries } from './test-support/claim-boundaries.js'
import { confirmationBoundaries, EXAMPLE_JKT } from './test-support/confirmation.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields, type MemberBoundaries } from './test-support/wire-fields.js'

const numericDate = numericDateBoundaries(1764237600)
const nonEmpty = nonEmptyBoundaries('https://auth.pipeshub.example')
const audience: MemberBoundaries = {
  accept: ['https://api.pipeshub.example', ['https://api.pipeshub.example'], ['a', 'b']],
  reject: [
    { value: '', keyword: 'anyOf' },
    { value: [], keyword: 'minItems' },
    { value: ['a', 1], keyword: 'type', path: '/aud/1' },
    { value: null, keyword: 'anyOf' },
  ],
}
const authenticationMethods: MemberBoundaries = {
  accept: [[], ['pwd'], ['pwd', 'otp', 'mfa']],
  reject: [
    { value: 'pwd', keyword: 'type' },
    { value: [''], keyword: 'minLength', path: '/amr/0' },
    { value: [1], keyword: 'type', path: '/amr/0' },
  ],
}

const full = {
  iss: 'https://auth.pipeshub.example',
  sub: '5ba552d67',
  aud: 'https://api.pipeshub.example',
  exp: 1764241200,
  iat: 1764237600,
  jti: 'dbe39bf3a3ba4238a513f51d6e1691c4',
  client_id: '0f6c1d1e-8a6b-4e39-9a8f-4f7f2b1c9d00',
  scope: 'openid kb:read',
  auth_time: 1764237500,
  acr: 'urn:mace:incommon:iap:silver',
  amr: ['pwd'],
  cnf: { jkt: EXAMPLE_JKT },
}

describeWireFields(accessTokenClaimsCodec, {
  full,
  required: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
  members: {
    iss: nonEmpty,
    sub: nonEmpty,
    aud: audience,
    exp: numericDate,
    iat: numericDate,
    jti: nonEmpty,
    client_id: nonEmpty,
    scope: {
      accept: ['kb:read', 'openid kb:read'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: ['kb:read'], keyword: 'type' },
      ],
    },
    auth_time: numericDate,
    acr: nonEmpty,
    amr: authenticationMethods,
    cnf: confirmationBoundaries('cnf'),
  },
})
describeRoundTrips(accessTokenClaimsCodec)

describe('accessTokenClaimsCodec', () => {
  it('maps the RFC 9068 claims, client_id and auth_time to camelCase', () => {
    expect(accessTokenClaimsCodec.decode(full)).toEqual({
      iss: full.iss,
      sub: full.sub,
      aud: full.aud,
      exp: full.exp,
      iat: full.iat,
      jti: full.jti,
      clientId: full.client_id,
      scope: full.scope,
      authTime: full.auth_time,
      acr: full.acr,
      amr: ['pwd'],
      cnf: { jkt: EXAMPLE_JKT },
    })
  })
})
