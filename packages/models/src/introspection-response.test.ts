import { describe, expect, it } from 'vitest'
import { introspectionResponseCodec } from './index.js'
import { nonEmptyBoundaries, numericDateBoundaries } from './test-support/claim-boundaries.js'
import { confirmationBoundaries, EXAMPLE_JKT } from './test-support/confirmation.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

const numericDate = numericDateBoundaries(1419356238)
const nonEmpty = nonEmptyBoundaries('Z5O3upPC88QrAjx00dis')

describeWireFields(introspectionResponseCodec, {
  full: {
    active: true,
    client_id: 'l238j323ds-23ij4',
    username: 'jdoe',
    scope: 'read write dolphin',
    sub: 'Z5O3upPC88QrAjx00dis',
    user_id: 'Z5O3upPC88QrAjx00dis',
    aud: 'https://protected.example.net/resource',
    iss: 'https://server.example.com/',
    exp: 1419356238,
    iat: 1419350238,
    nbf: 1419350238,
    token_type: 'Bearer',
    jti: 'at-1',
    cnf: { jkt: EXAMPLE_JKT },
  },
  required: ['active'],
  members: {
    active: {
      accept: [true, false],
      reject: [
        { value: 'true', keyword: 'type' },
        { value: 1, keyword: 'type' },
        { value: null, keyword: 'type' },
      ],
    },
    scope: {
      accept: ['read', 'read write'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'read  write', keyword: 'pattern' },
        { value: ['read'], keyword: 'type' },
      ],
    },
    client_id: nonEmpty,
    username: nonEmpty,
    token_type: nonEmpty,
    exp: numericDate,
    iat: numericDate,
    nbf: numericDate,
    sub: nonEmpty,
    user_id: nonEmpty,
    aud: {
      accept: ['https://rs.example', ['https://rs.example'], ['a', 'b']],
      reject: [
        { value: '', keyword: 'anyOf' },
        { value: [], keyword: 'minItems' },
        { value: ['a', 2], keyword: 'type', path: '/aud/1' },
        { value: ['a', ''], keyword: 'minLength', path: '/aud/1' },
        { value: 3, keyword: 'anyOf' },
      ],
    },
    iss: nonEmpty,
    jti: nonEmpty,
    cnf: confirmationBoundaries('cnf'),
  },
})
describeRoundTrips(introspectionResponseCodec)

describe('introspectionResponseCodec', () => {
  it('decodes an inactive token as { active: false } alone', () => {
    expect(introspectionResponseCodec.decode({ active: false })).toEqual({ active: false })
  })

  it('maps client_id and token_type to camelCase and copies the audience array', () => {
    const wire = { active: true, client_id: 'c', token_type: 'Bearer', aud: ['a', 'b'] }
    const model = introspectionResponseCodec.decode(wire)
    expect(model).toEqual({ active: true, clientId: 'c', tokenType: 'Bearer', aud: ['a', 'b'] })
    expect(model.aud).not.toBe(wire.aud)
  })
})

describe('introspectionResponseCodec and RFC 9449 §6.2', () => {
  it("decodes the RFC's DPoP-bound token: cnf.jkt, the thumbprint of its key", () => {
    const wire = {
      active: true,
      sub: 'someone@example.com',
      iss: 'https://server.example.com',
      nbf: 1562262611,
      exp: 1562266216,
      cnf: { jkt: EXAMPLE_JKT },
    }
    const model = introspectionResponseCodec.decode(wire)
    expect(model.cnf).toEqual({ jkt: EXAMPLE_JKT })
    expect(model.cnf).not.toBe(wire.cnf)
    expect(introspectionResponseCodec.encode(model)).toEqual(wire)
  })

  it('keeps only the confirmation members it knows (an x5t#S256 of RFC 8705 is not modelled)', () => {
    const model = introspectionResponseCodec.decode({
      active: true,
      cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
    })
    expect(model.cnf).toEqual({})
  })
})
