import { describe, expect, it } from 'vitest'
import { DPOP_PROOF_JWT_TYPE, DPOP_SCHEME, dpopProofClaimsCodec } from './index.js'
import { nonEmptyBoundaries, numericDateBoundaries } from './test-support/claim-boundaries.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields } from './test-support/wire-fields.js'

// RFC 9449 §4.1 Figure 3 (the token request's proof) and §7.1 Figure 12 (a resource request's, with ath).
const TOKEN_REQUEST_PROOF = {
  jti: '-BwC3ESc6acc2lTc',
  htm: 'POST',
  htu: 'https://server.example.com/token',
  iat: 1562262616,
}
const RESOURCE_PROOF = {
  jti: 'e1j3V_bKic8-LAEB',
  htm: 'GET',
  htu: 'https://resource.example.org/protectedresource',
  iat: 1562262618,
  ath: 'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
}

describeWireFields(dpopProofClaimsCodec, {
  full: { ...RESOURCE_PROOF, nonce: 'eyJ7S_zG.eyJH0-Z.HX4w-7v' },
  required: ['jti', 'htm', 'htu', 'iat'],
  members: {
    jti: nonEmptyBoundaries(TOKEN_REQUEST_PROOF.jti),
    htm: {
      accept: ['POST', 'GET', 'PATCH'],
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'GET /', keyword: 'pattern' },
        { value: 1, keyword: 'type' },
      ],
    },
    htu: {
      accept: [TOKEN_REQUEST_PROOF.htu, 'http://127.0.0.1:3000/api/v1/oauth2/token'],
      reject: [
        { value: '/token', keyword: 'format' },
        { value: '', keyword: 'format' },
      ],
    },
    iat: numericDateBoundaries(TOKEN_REQUEST_PROOF.iat),
    ath: {
      accept: [RESOURCE_PROOF.ath],
      reject: [
        // base64url of a SHA-256 digest: 43 characters, no padding, no '+' or '/'.
        { value: `${RESOURCE_PROOF.ath}=`, keyword: 'pattern' },
        { value: RESOURCE_PROOF.ath.slice(1), keyword: 'pattern' },
        { value: `${RESOURCE_PROOF.ath.slice(1)}/`, keyword: 'pattern' },
      ],
    },
    nonce: {
      accept: ['eyJ7S_zG.eyJH0-Z.HX4w-7v', '!'],
      reject: [
        // RFC 9449 §8.1: nonce = 1*NQCHAR (no space, no '"', no '\').
        { value: '', keyword: 'pattern' },
        { value: 'a b', keyword: 'pattern' },
        { value: 'a"b', keyword: 'pattern' },
      ],
    },
  },
})
describeRoundTrips(dpopProofClaimsCodec)

describe('dpopProofClaimsCodec', () => {
  it("decodes the RFC 9449 §4.1 example proof's claims", () => {
    expect(dpopProofClaimsCodec.decode(TOKEN_REQUEST_PROOF)).toEqual(TOKEN_REQUEST_PROOF)
    expect(dpopProofClaimsCodec.decode(RESOURCE_PROOF)).toEqual(RESOURCE_PROOF)
  })

  it('names the proof type and the authentication scheme as RFC 9449 §§4.2, 7.1 spell them', () => {
    expect(DPOP_PROOF_JWT_TYPE).toBe('dpop+jwt')
    expect(DPOP_SCHEME).toBe('DPoP')
  })
})
