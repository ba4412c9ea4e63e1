import { dpopProofClaimsCodec } from '@pipeshub/models'
import { decodeProtectedHeader, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { accessTokenHashForDPoP, DPoPKey, dpopAlgorithmFor, dpopTargetUri } from './dpop.js'

const TOKEN_ENDPOINT = new URL('https://server.example.com/token')

async function verified(proof: string) {
  return jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' })
}

describe('DPoPKey.generateFor: the algorithm from the server metadata (RFC 9449 §5.1)', () => {
  it('takes the first preferred algorithm the server lists, ES256 when it lists none', async () => {
    expect(dpopAlgorithmFor(['RS256', 'EdDSA'])).toBe('EdDSA')
    expect(dpopAlgorithmFor(['PS256', 'ES256', 'RS256'])).toBe('ES256')
    expect(dpopAlgorithmFor(['RS256'])).toBe('RS256')
    expect(dpopAlgorithmFor(undefined)).toBe('ES256')
    const key = await DPoPKey.generateFor({ dpopSigningAlgValuesSupported: ['ES384', 'RS256'] })
    expect(key.algorithm).toBe('ES384')
    expect(
      decodeProtectedHeader(await key.proof({ method: 'POST', url: new URL('https://as.example/token') })),
    ).toMatchObject({ alg: 'ES384', jwk: { crv: 'P-384' } })
  })

  it('refuses a server that shares no algorithm with it: every proof would be refused', async () => {
    expect(() => dpopAlgorithmFor(['HS256', 'none'])).toThrow(/no DPoP proof algorithm in common/)
    expect(() => dpopAlgorithmFor([])).toThrow(TypeError)
    await expect(DPoPKey.generateFor({ dpopSigningAlgValuesSupported: ['ES256K'] })).rejects.toThrow(
      TypeError,
    )
  })
})

describe('DPoPKey.generate', () => {
  it('makes an ES256 key pair whose private key cannot be exported (RFC 9449 §11.4: a thief cannot take the key)', async () => {
    const key = await DPoPKey.generate()
    expect(key.algorithm).toBe('ES256')
    expect(key.publicJwk).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) })
    const proof = await key.proof({ method: 'POST', url: TOKEN_ENDPOINT })
    expect(decodeProtectedHeader(proof).jwk).not.toHaveProperty('d')
    // The private key is kept inside; nothing of the class exposes it.
    expect(Object.values(key)).not.toContainEqual(expect.objectContaining({ type: 'private' }))
  })

  it('signs EdDSA proofs with an Ed25519 key', async () => {
    const key = await DPoPKey.generate('EdDSA')
    const proof = await key.proof({ method: 'GET', url: TOKEN_ENDPOINT })
    expect(decodeProtectedHeader(proof)).toMatchObject({ alg: 'EdDSA', jwk: { kty: 'OKP', crv: 'Ed25519' } })
    await expect(verified(proof)).resolves.toBeDefined()
  })
})

describe('DPoPKey.fromKeyPair', () => {
  it('takes the algorithm from the key (P-384 ECDSA signs ES384, RSA-PSS PS256)', async () => {
    const ec = await DPoPKey.fromKeyPair(await generateKeyPair('ES384'))
    expect(ec.algorithm).toBe('ES384')
    const rsa = await DPoPKey.fromKeyPair(await generateKeyPair('PS256'))
    expect(rsa.algorithm).toBe('PS256')
    expect(Object.keys(rsa.publicJwk).sort()).toEqual(['e', 'kty', 'n'])
  })

  it('refuses a pair without a private key', async () => {
    const { publicKey } = await generateKeyPair('ES256')
    await expect(DPoPKey.fromKeyPair({ publicKey, privateKey: publicKey })).rejects.toThrow(TypeError)
  })

  it('has the RFC 7638 thumbprint of its public key (cnf.jkt, dpop_jkt)', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const key = await DPoPKey.fromKeyPair(pair)
    const { calculateJwkThumbprint } = await import('jose')
    expect(key.thumbprint).toBe(await calculateJwkThumbprint(await exportJWK(pair.publicKey), 'sha256'))
    expect(key.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
})

describe('DPoP proofs (RFC 9449 §4.2)', () => {
  it('are dpop+jwt JWTs signed by the embedded public key, with jti, htm, htu and iat', async () => {
    const key = await DPoPKey.generate()
    const now = Date.UTC(2026, 0, 1, 12)
    const proof = await key.proof({ method: 'POST', url: TOKEN_ENDPOINT, now })
    const { payload, protectedHeader } = await verified(proof)
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    expect(payload).toEqual({
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      htm: 'POST',
      htu: 'https://server.example.com/token',
      iat: now / 1000,
    })
    expect(dpopProofClaimsCodec.validate(payload)).toEqual([])
  })

  it('each have a new jti, so a server refuses none of them as a replay', async () => {
    const key = await DPoPKey.generate()
    const jtis = new Set<unknown>()
    for (let i = 0; i < 5; i++)
      jtis.add((await verified(await key.proof({ method: 'POST', url: TOKEN_ENDPOINT }))).payload.jti)
    expect(jtis.size).toBe(5)
  })

  it('name the request URI without query and fragment (htu, RFC 9449 §4.2)', () => {
    expect(dpopTargetUri(new URL('https://Resource.Example.org:443/protected?x=1#top'))).toBe(
      'https://resource.example.org/protected',
    )
  })

  it("carry ath, the hash of the access token: RFC 9449 §7.1's example value", async () => {
    const accessToken = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU'
    expect(await accessTokenHashForDPoP(accessToken)).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo')
    const key = await DPoPKey.generate()
    const proof = await key.proof({
      method: 'GET',
      url: new URL('https://resource.example.org/protectedresource'),
      accessToken,
    })
    expect((await verified(proof)).payload.ath).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo')
  })

  it("carry the latest nonce of the proof's server only (RFC 9449 §§8, 9: each server has its own)", async () => {
    const key = await DPoPKey.generate()
    key.rememberNonce(TOKEN_ENDPOINT, 'eyJ7S_zG.eyJH0-Z.HX4w-7v')
    key.rememberNonce(TOKEN_ENDPOINT, 'second-nonce')
    const here = await verified(
      await key.proof({ method: 'POST', url: new URL('https://server.example.com/par') }),
    )
    expect(here.payload.nonce).toBe('second-nonce')
    const elsewhere = await verified(
      await key.proof({ method: 'GET', url: new URL('https://rs.example.com/') }),
    )
    expect(elsewhere.payload).not.toHaveProperty('nonce')
  })

  it('ignore a DPoP-Nonce outside the RFC 9449 §8.1 grammar (1*NQCHAR)', async () => {
    const key = await DPoPKey.generate()
    for (const bad of ['', 'two words', 'quo"te', null, undefined]) key.rememberNonce(TOKEN_ENDPOINT, bad)
    expect(key.nonceFor(TOKEN_ENDPOINT)).toBeUndefined()
  })
})
