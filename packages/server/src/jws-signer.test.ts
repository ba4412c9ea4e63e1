import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { createLocalJWKSet, decodeProtectedHeader, importJWK, type JWK, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createJwsSigner, derToRawEcdsa } from './jws-signer.js'
import { createSigningKeyRecord } from './signing-keys.js'
import type { SigningAlgorithm } from './store/types.js'

const CLAIMS = {
  iss: 'https://issuer.example',
  sub: 'user-ä',
  aud: 'https://api.example',
  client_id: 'c1',
  iat: 1_700_000_000,
  exp: 1_700_003_600,
  jti: 'a6f1c2d4-0000-4000-8000-000000000000',
  scope: 'openid kb:read',
}

async function keyFor(alg: SigningAlgorithm) {
  const record = await createSigningKeyRecord(alg, 0, 0)
  const privateJwk = JSON.parse(record.privateJwk) as JWK
  const publicJwk = JSON.parse(record.publicJwk) as JWK
  const signer = createJwsSigner(
    alg,
    record.kid,
    createPrivateKey({ key: privateJwk as never, format: 'jwk' }),
  )
  return { record, privateJwk, publicJwk, signer }
}

describe('createJwsSigner', () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
    it(`signs ${alg} tokens that jose verifies against the published JWKS, header and claims as given`, async () => {
      const { record, publicJwk, signer } = await keyFor(alg)
      const token = signer.sign('at+jwt', CLAIMS)
      const jwks = createLocalJWKSet({ keys: [publicJwk] })
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        algorithms: [alg],
        typ: 'at+jwt',
        currentDate: new Date(CLAIMS.iat * 1000),
      })
      expect(payload).toEqual(CLAIMS)
      expect(protectedHeader).toEqual({ alg, kid: record.kid, typ: 'at+jwt' })
    })

    it(`encodes the ${alg} header and payload exactly as jose's SignJWT does`, async () => {
      const { record, privateJwk, signer } = await keyFor(alg)
      const ours = signer.sign('JWT', CLAIMS).split('.')
      const theirs = (
        await new SignJWT({ ...CLAIMS })
          .setProtectedHeader({ alg, kid: record.kid, typ: 'JWT' })
          .sign(await importJWK(privateJwk, alg))
      ).split('.')
      expect(ours.slice(0, 2)).toEqual(theirs.slice(0, 2))
      // ES256 signatures are randomized; Ed25519 and RSASSA-PKCS1-v1_5 are deterministic.
      if (alg === 'ES256') expect(Buffer.from(ours[2] ?? '', 'base64url')).toHaveLength(64)
      else expect(ours[2]).toBe(theirs[2])
    })
  }

  it('keeps one header per typ', async () => {
    const { record, signer } = await keyFor('ES256')
    expect(decodeProtectedHeader(signer.sign('JWT', CLAIMS))).toEqual({
      alg: 'ES256',
      kid: record.kid,
      typ: 'JWT',
    })
    expect(decodeProtectedHeader(signer.sign('at+jwt', CLAIMS)).typ).toBe('at+jwt')
  })

  it('refuses a key that does not fit the algorithm', () => {
    const ed = generateKeyPairSync('ed25519')
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    expect(() => createJwsSigner('ES256', 'k', ed.privateKey)).toThrow(TypeError)
    expect(() => createJwsSigner('ES256', 'k', p384.privateKey)).toThrow(/P-256|prime256v1/)
    expect(() => createJwsSigner('EdDSA', 'k', ed.publicKey)).toThrow(TypeError)
  })
})

describe('derToRawEcdsa', () => {
  it('left-pads short integers and drops the DER sign byte', () => {
    const r = [0x00, 0x80, ...new Array<number>(31).fill(1)] // 33 bytes with the sign byte
    const s = [0x05] // a 1-byte integer
    const der = Uint8Array.from([
      0x30,
      2 + r.length + 2 + s.length,
      0x02,
      r.length,
      ...r,
      0x02,
      s.length,
      ...s,
    ])
    const raw = derToRawEcdsa(der, 32)
    expect(raw).toHaveLength(64)
    expect([...raw.subarray(0, 32)]).toEqual(r.slice(1))
    expect([...raw.subarray(32)]).toEqual([...new Array<number>(31).fill(0), 0x05])
  })

  it('rejects malformed signatures', () => {
    expect(() =>
      derToRawEcdsa(Uint8Array.from([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]), 32),
    ).toThrow(/SEQUENCE/)
    expect(() => derToRawEcdsa(Uint8Array.from([0x30, 0x06, 0x02, 0x05, 0x01]), 32)).toThrow(/truncated/)
    const long = [0x30, 0x25, 0x02, 0x21, ...new Array<number>(33).fill(1), 0x02, 0x00]
    expect(() => derToRawEcdsa(Uint8Array.from(long), 32)).toThrow(/too long/)
  })
})
