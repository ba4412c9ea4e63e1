import { describe, expect, it } from 'vitest'
import {
  CLIENT_AUTHENTICATION_METHODS,
  clientAssertionClaimsCodec,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
} from './index.js'
import { nonEmptyBoundaries, numericDateBoundaries } from './test-support/claim-boundaries.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

const nonEmpty = nonEmptyBoundaries('s6BhdRkqt3', 'https://client.example.com')
const numericDate = numericDateBoundaries(1311281970)

const full = {
  iss: 's6BhdRkqt3',
  sub: 's6BhdRkqt3',
  aud: 'https://server.example.com',
  exp: 1311281970,
  jti: 'id123456',
  iat: 1311280970,
  nbf: 1311280970,
}

describeWireFields(clientAssertionClaimsCodec, {
  full,
  // RFC 7523 §3 requires iss, sub, aud and exp; OpenID Connect Core §9 adds jti.
  required: ['iss', 'sub', 'aud', 'exp', 'jti'],
  members: {
    iss: nonEmpty,
    sub: nonEmpty,
    aud: {
      accept: ['https://server.example.com', ['https://server.example.com/token']],
      reject: [
        { value: '', keyword: 'anyOf' },
        { value: [], keyword: 'minItems' },
      ],
    },
    exp: numericDate,
    jti: nonEmpty,
    iat: numericDate,
    nbf: numericDate,
  },
})
describeRoundTrips(clientAssertionClaimsCodec)

describe('clientAssertionClaimsCodec', () => {
  it('keeps the audience as sent, a copy when it is an array', () => {
    const wire = { ...full, aud: ['https://server.example.com'] }
    const model = clientAssertionClaimsCodec.decode(wire)
    expect(model.aud).toEqual(wire.aud)
    expect(model.aud).not.toBe(wire.aud)
  })

  it('names the RFC 7523 §2.2 assertion type and the OIDC Core §9 methods, private_key_jwt among them', () => {
    expect(JWT_BEARER_CLIENT_ASSERTION_TYPE).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    expect(CLIENT_AUTHENTICATION_METHODS).toEqual(
      expect.arrayContaining(['private_key_jwt', 'client_secret_jwt', 'client_secret_basic', 'none']),
    )
  })
})
