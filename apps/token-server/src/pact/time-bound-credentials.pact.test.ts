import {
  CLIENT_ASSERTION_HEADER,
  DPOP_PROOF_HEADER,
  EXAMPLE,
  EXAMPLE_CLIENT_ASSERTION_CLAIMS,
  EXAMPLE_DPOP_PROOF_CLAIMS,
  protectedHeaderSegment,
  publicJwk,
  ROUTES,
} from '@pipeshub/contracts'
import { decodeJwt, importJWK, type JWK, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { PROVIDER_ISSUER } from './provider-harness.js'
import {
  reSignClientAssertion,
  reSignDPoPProof,
  reSignTimeBoundCredentials,
} from './time-bound-credentials.js'

// The request filter may only move a credential to this provider's time and place: everything the
// consumer chose (header, iss, sub, other claims, the key) must reach the server byte for byte.

const NOW = 1_800_000_000
const OPTIONS = { now: () => NOW, consumerIssuer: EXAMPLE.issuer, providerIssuer: PROVIDER_ISSUER }
const header = (jws: string) => jws.split('.')[0]

async function sign(
  claims: Record<string, unknown>,
  protectedHeader: Record<string, unknown>,
  jwk: JWK,
): Promise<string> {
  const { alg, ...key } = jwk
  const algorithm = String(protectedHeader.alg ?? alg)
  return new SignJWT(claims)
    .setProtectedHeader(protectedHeader as never)
    .sign(await importJWK(key, algorithm))
}

const verifiedClaims = async (jws: string, jwk: Readonly<Record<string, string>>) => {
  const { alg: _alg, ...key } = publicJwk(jwk) as JWK
  return (
    await jwtVerify(jws, await importJWK(key, decodeProtectedAlg(jws)), { currentDate: new Date(NOW * 1000) })
  ).payload
}
const decodeProtectedAlg = (jws: string) =>
  (JSON.parse(Buffer.from(header(jws) ?? '', 'base64url').toString()) as { alg: string }).alg

describe('the DPoP proof of the pact (RFC 9449 §4.2)', () => {
  it('is the example token request, signed by the fixed key under the pinned header', async () => {
    expect(header(EXAMPLE.dpopProof)).toBe(protectedHeaderSegment(DPOP_PROOF_HEADER))
    expect(await verifiedClaims(EXAMPLE.dpopProof, EXAMPLE.dpopKey)).toEqual(EXAMPLE_DPOP_PROOF_CLAIMS)
  })

  it('is re-signed with htu on the provider, iat now and a fresh jti; header and htm kept', async () => {
    const resigned = await reSignDPoPProof(EXAMPLE.dpopProof, ROUTES.token, OPTIONS)
    expect(header(resigned)).toBe(header(EXAMPLE.dpopProof))
    const claims = await verifiedClaims(resigned, EXAMPLE.dpopKey)
    expect(claims).toEqual({
      jti: expect.any(String),
      htm: 'POST',
      htu: `${PROVIDER_ISSUER}${ROUTES.token}`,
      iat: NOW,
    })
    expect(claims.jti).not.toBe(EXAMPLE_DPOP_PROOF_CLAIMS.jti)
  })

  it('keeps a wrong typ, another claim and an htu for another endpoint as the consumer wrote them', async () => {
    const wrong = await sign(
      { ...EXAMPLE_DPOP_PROOF_CLAIMS, htu: `${EXAMPLE.issuer}/elsewhere`, extra: 'kept' },
      { ...DPOP_PROOF_HEADER, typ: 'JWT' },
      EXAMPLE.dpopKey,
    )
    const resigned = await reSignDPoPProof(wrong, ROUTES.token, OPTIONS)
    expect(header(resigned)).toBe(header(wrong))
    expect(await verifiedClaims(resigned, EXAMPLE.dpopKey)).toMatchObject({
      htu: `${EXAMPLE.issuer}/elsewhere`,
      extra: 'kept',
      iat: NOW,
    })
  })

  it('leaves a proof the fixed key did not sign unchanged, and keeps a missing jwk missing', async () => {
    // Signed by the client-assertion key: the filter cannot (and must not) make it the DPoP key's.
    const byAnotherKey = await sign(
      { ...EXAMPLE_DPOP_PROOF_CLAIMS },
      { alg: 'RS256', typ: 'dpop+jwt', jwk: publicJwk(EXAMPLE.clientAssertionKey) },
      EXAMPLE.clientAssertionKey,
    )
    expect(await reSignDPoPProof(byAnotherKey, ROUTES.token, OPTIONS)).toBe(byAnotherKey)
    const withoutJwk = await sign(
      { ...EXAMPLE_DPOP_PROOF_CLAIMS },
      { alg: 'ES256', typ: 'dpop+jwt' },
      EXAMPLE.dpopKey,
    )
    const resigned = await reSignDPoPProof(withoutJwk, ROUTES.token, OPTIONS)
    expect(header(resigned)).toBe(header(withoutJwk))
    expect(decodeJwt(resigned).iat).toBe(NOW)
    expect(await reSignDPoPProof('not-a-jws', ROUTES.token, OPTIONS)).toBe('not-a-jws')
  })
})

describe('the client assertion of the pact (RFC 7523 §3)', () => {
  const example = () =>
    sign({ ...EXAMPLE_CLIENT_ASSERTION_CLAIMS }, { ...CLIENT_ASSERTION_HEADER }, EXAMPLE.clientAssertionKey)

  it('is re-signed with aud the provider issuer, iat now, the same lifetime, a fresh jti; iss, sub, header kept', async () => {
    const assertion = await example()
    const resigned = await reSignClientAssertion(assertion, ROUTES.token, OPTIONS)
    expect(header(resigned)).toBe(header(assertion))
    expect(await verifiedClaims(resigned, EXAMPLE.clientAssertionKey)).toEqual({
      iss: EXAMPLE.privateKeyJwtClientId,
      sub: EXAMPLE.privateKeyJwtClientId,
      aud: PROVIDER_ISSUER,
      jti: expect.not.stringMatching(`^${EXAMPLE.clientAssertionJwtId}$`),
      iat: NOW,
      exp: NOW + (EXAMPLE_CLIENT_ASSERTION_CLAIMS.exp - EXAMPLE_CLIENT_ASSERTION_CLAIMS.iat),
    })
  })

  it('moves an aud naming the token endpoint to the provider token endpoint, keeps any other aud and a wrong iss', async () => {
    const assertion = await sign(
      {
        ...EXAMPLE_CLIENT_ASSERTION_CLAIMS,
        iss: 'someone-else',
        aud: [`${EXAMPLE.issuer}${ROUTES.token}`, 'https://elsewhere.example'],
      },
      { ...CLIENT_ASSERTION_HEADER },
      EXAMPLE.clientAssertionKey,
    )
    const claims = decodeJwt(await reSignClientAssertion(assertion, ROUTES.token, OPTIONS))
    expect(claims.iss).toBe('someone-else')
    expect(claims.aud).toEqual([`${PROVIDER_ISSUER}${ROUTES.token}`, 'https://elsewhere.example'])
  })

  it('leaves an assertion of another key or algorithm unchanged', async () => {
    const otherAlgorithm = await sign(
      { ...EXAMPLE_CLIENT_ASSERTION_CLAIMS },
      { alg: 'PS256', kid: CLIENT_ASSERTION_HEADER.kid },
      EXAMPLE.clientAssertionKey,
    )
    const resigned = await reSignClientAssertion(otherAlgorithm, ROUTES.token, OPTIONS)
    // PS256 with the same RSA key verifies, so it is re-signed, but in PS256: the provider pins RS256.
    expect(header(resigned)).toBe(header(otherAlgorithm))
    const otherKey = await sign(
      { ...EXAMPLE_CLIENT_ASSERTION_CLAIMS },
      { alg: 'ES256', kid: CLIENT_ASSERTION_HEADER.kid },
      EXAMPLE.dpopKey,
    )
    expect(await reSignClientAssertion(otherKey, ROUTES.token, OPTIONS)).toBe(otherKey)
  })

  it('changes only the client_assertion of a form body and the DPoP header of a request', async () => {
    const assertion = await example()
    const body = `client_assertion=${assertion}&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&grant_type=client_credentials`
    const filtered = await reSignTimeBoundCredentials(
      { path: ROUTES.token, headers: { dpop: EXAMPLE.dpopProof, accept: 'application/json' }, body },
      OPTIONS,
    )
    const params = new URLSearchParams(filtered.body)
    expect(params.get('client_assertion')).not.toBe(assertion)
    expect(decodeJwt(params.get('client_assertion') ?? '').iat).toBe(NOW)
    expect(filtered.body.slice(filtered.body.indexOf('&'))).toBe(body.slice(body.indexOf('&')))
    expect(filtered.headers.accept).toBe('application/json')
    expect(decodeJwt(String(filtered.headers.dpop)).iat).toBe(NOW)
    const untouched = await reSignTimeBoundCredentials(
      { path: ROUTES.token, headers: {}, body: 'grant_type=client_credentials' },
      OPTIONS,
    )
    expect(untouched.body).toBe('grant_type=client_credentials')
  })
})
