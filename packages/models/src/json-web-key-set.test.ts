import { describe, expect, it } from 'vitest'
import { jsonWebKeyCodec, jsonWebKeySetCodec, PRIVATE_JWK_MEMBERS } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields, type MemberBoundaries } from './test-support/wire-fields.js'

const EC_KEY = {
  kty: 'EC',
  use: 'sig',
  key_ops: ['verify'],
  alg: 'ES256',
  kid: '2026-11-27',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
}
const RSA_KEY = {
  kty: 'RSA',
  use: 'sig',
  alg: 'RS256',
  kid: 'rsa-1',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
}
const OKP_KEY = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', alg: 'EdDSA' }

const nonEmpty: MemberBoundaries = {
  accept: ['x', 'ES256'],
  reject: [
    { value: '', keyword: 'minLength' },
    { value: 1, keyword: 'type' },
  ],
}
const base64url: MemberBoundaries = {
  accept: ['AQAB', 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', '-_'],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: 'AQAB=', keyword: 'pattern' },
    { value: 'f83O+J3D/2xF', keyword: 'pattern' },
    { value: 65537, keyword: 'type' },
  ],
}
const privateMember: MemberBoundaries = {
  accept: [undefined],
  reject: [
    { value: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI', keyword: 'not' },
    { value: '', keyword: 'not' },
    { value: null, keyword: 'not' },
  ],
}

describeWireFields(jsonWebKeyCodec, {
  full: EC_KEY,
  required: ['kty'],
  members: {
    kty: nonEmpty,
    use: { accept: ['sig', 'enc'], reject: nonEmpty.reject },
    key_ops: {
      accept: [[], ['verify'], ['verify', 'encrypt']],
      reject: [
        { value: 'verify', keyword: 'type' },
        { value: ['verify', 'verify'], keyword: 'uniqueItems' },
        { value: [''], keyword: 'minLength', path: '/key_ops/0' },
      ],
    },
    alg: nonEmpty,
    kid: nonEmpty,
    crv: nonEmpty,
    x: base64url,
    y: base64url,
    n: base64url,
    e: base64url,
    ...Object.fromEntries(PRIVATE_JWK_MEMBERS.map((member) => [member, privateMember])),
  },
})
describeRoundTrips(jsonWebKeyCodec)
describeRoundTrips(jsonWebKeySetCodec)

describe('jsonWebKeySetCodec', () => {
  it('decodes a set of EC, RSA and OKP public keys', () => {
    expect(jsonWebKeySetCodec.decode({ keys: [EC_KEY, RSA_KEY, OKP_KEY] })).toEqual({
      keys: [EC_KEY, RSA_KEY, OKP_KEY],
    })
  })

  it('accepts an empty set', () => {
    expect(jsonWebKeySetCodec.decode({ keys: [] })).toEqual({ keys: [] })
  })

  it('refuses a set without keys, or keys that are not an array', () => {
    expect(jsonWebKeySetCodec.validate({})).toEqual([
      { path: '/keys', keyword: 'required', message: 'is required' },
    ])
    expect(jsonWebKeySetCodec.validate({ keys: EC_KEY })).toContainEqual(
      expect.objectContaining({ path: '/keys', keyword: 'type' }),
    )
  })

  it.each(PRIVATE_JWK_MEMBERS)('refuses a set that would publish the private member %s', (member) => {
    const leaked = { ...RSA_KEY, [member]: 'c2VjcmV0' }
    expect(jsonWebKeySetCodec.validate({ keys: [EC_KEY, leaked] })).toEqual([
      { path: `/keys/1/${member}`, keyword: 'not', message: 'must not be present' },
    ])
    expect(() => jsonWebKeySetCodec.decode({ keys: [leaked] })).toThrow(
      `/keys/0/${member}: must not be present`,
    )
  })

  it('refuses to encode a private key handed over by mistake, instead of silently stripping it', () => {
    const privateKey = { ...EC_KEY, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' }
    expect(() => jsonWebKeySetCodec.encode({ keys: [privateKey] })).toThrow('/keys/0/d: must not be present')
  })

  it('does not repeat the private value in the error', () => {
    const secret = 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI'
    const result = jsonWebKeySetCodec.safeDecode({ keys: [{ ...EC_KEY, d: secret }] })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(JSON.stringify(result.error.issues) + result.error.message).not.toContain(secret)
  })

  it('drops unknown key members such as x5c from the model', () => {
    expect(jsonWebKeyCodec.decode({ ...OKP_KEY, x5c: ['MIIB'] })).toEqual(OKP_KEY)
  })
})
