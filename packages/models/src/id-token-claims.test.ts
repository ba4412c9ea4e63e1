import { describe, expect, it } from 'vitest'
import { idTokenClaimsCodec, MAX_SAFE_SECONDS } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import {
  oidcSubject,
  standardClaimsFull,
  standardClaimsMembers,
  standardClaimsModel,
} from './test-support/standard-claims-table.js'
import { describeWireFields, type MemberBoundaries } from './test-support/wire-fields.js'

const numericDate: MemberBoundaries = {
  accept: [0, 1311281970, MAX_SAFE_SECONDS],
  reject: [
    { value: -1, keyword: 'minimum' },
    { value: 1311281970.1, keyword: 'type' },
    { value: '1311281970', keyword: 'type' },
  ],
}
const nonEmpty: MemberBoundaries = {
  accept: ['n-0S6_WzA2Mj', 'x'],
  reject: [
    { value: '', keyword: 'minLength' },
    { value: 0, keyword: 'type' },
  ],
}
const halfHash: MemberBoundaries = {
  accept: ['77QmUPtjPfzWtF2AnpK9RQ', 'LDktKdoQak3Pk0cnXxCltA'],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: '77QmUPtjPfzWtF2AnpK9RQ==', keyword: 'pattern' },
    { value: '77Qm+Ptj/fzWtF2AnpK9RQ', keyword: 'pattern' },
  ],
}

const core = {
  iss: 'https://auth.pipeshub.example',
  sub: '248289761001',
  aud: 's6BhdRkqt3',
  exp: 1311281970,
  iat: 1311280970,
  auth_time: 1311280969,
  nonce: 'n-0S6_WzA2Mj',
  acr: 'urn:mace:incommon:iap:silver',
  amr: ['pwd'],
  azp: 's6BhdRkqt3',
  at_hash: '77QmUPtjPfzWtF2AnpK9RQ',
  c_hash: 'LDktKdoQak3Pk0cnXxCltA',
}

describeWireFields(idTokenClaimsCodec, {
  full: { ...core, ...standardClaimsFull },
  required: ['iss', 'sub', 'aud', 'exp', 'iat'],
  members: {
    iss: nonEmpty,
    sub: oidcSubject,
    aud: {
      accept: ['s6BhdRkqt3', ['s6BhdRkqt3', 'https://api.pipeshub.example']],
      reject: [
        { value: [], keyword: 'minItems' },
        { value: '', keyword: 'anyOf' },
        { value: { client_id: 'x' }, keyword: 'anyOf' },
      ],
    },
    exp: numericDate,
    iat: numericDate,
    auth_time: numericDate,
    nonce: nonEmpty,
    acr: nonEmpty,
    amr: {
      accept: [['pwd'], ['pwd', 'otp']],
      reject: [
        { value: 'pwd', keyword: 'type' },
        { value: [''], keyword: 'minLength', path: '/amr/0' },
      ],
    },
    azp: nonEmpty,
    at_hash: halfHash,
    c_hash: halfHash,
    ...standardClaimsMembers,
  },
})
describeRoundTrips(idTokenClaimsCodec)

describe('idTokenClaimsCodec', () => {
  it('maps the OIDC Core §2 claims and the profile/email claims to camelCase', () => {
    expect(idTokenClaimsCodec.decode({ ...core, ...standardClaimsFull })).toEqual({
      iss: core.iss,
      sub: core.sub,
      aud: core.aud,
      exp: core.exp,
      iat: core.iat,
      authTime: core.auth_time,
      nonce: core.nonce,
      acr: core.acr,
      amr: ['pwd'],
      azp: core.azp,
      atHash: core.at_hash,
      cHash: core.c_hash,
      ...standardClaimsModel,
    })
  })

  it('requires the five claims every ID token carries', () => {
    expect(idTokenClaimsCodec.validate({}).map((issue) => issue.path)).toEqual([
      '/iss',
      '/sub',
      '/aud',
      '/exp',
      '/iat',
    ])
  })
})
