import { generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { dpopKey } from '../test-support/dpop.js'
import { manualClock, rejectionOf } from '../test-support/fixtures.js'
import { createDPoPNonces } from './nonce.js'
import {
  accessTokenThumbprint,
  createDPoPProofVerifier,
  DPoPProofError,
  type DPoPProofVerifierOptions,
  normalizeHtu,
} from './proof.js'

const HTU = 'https://auth.pipeshub.test/api/v1/oauth2/token'
const expected = { htm: 'POST', htu: HTU }

function setup(options: Partial<DPoPProofVerifierOptions> = {}) {
  const clock = manualClock()
  const store = createMemoryStore()
  const verifier = createDPoPProofVerifier({ usedJwtIds: store.usedJwtIds, now: clock.now, ...options })
  return { clock, store, verifier }
}

async function refusal(promise: Promise<unknown>): Promise<DPoPProofError> {
  return rejectionOf(promise, DPoPProofError)
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('DPoP proof validation (RFC 9449 §4.3)', () => {
  it('answers nothing for a request without a DPoP header, and the key thumbprint for a good proof', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    expect(await verifier.verify(undefined, expected)).toBeUndefined()
    const verified = await verifier.verify([await key.proof({ htu: HTU })], expected)
    expect(verified?.jkt).toBe(key.jkt)
    expect(verified?.claims.htu).toBe(HTU)
  })

  it.each(['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'])('accepts a proof signed with %s', async (alg) => {
    const { verifier, clock } = setup()
    const key = await dpopKey(alg, clock.now)
    expect((await verifier.verify([await key.proof({ htu: HTU })], expected))?.jkt).toBe(key.jkt)
  })

  it('rule 1: refuses more than one DPoP header', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    const proofs = [await key.proof({ htu: HTU }), await key.proof({ htu: HTU })]
    const error = await refusal(verifier.verify(proofs, expected))
    expect(error.error).toBe('invalid_dpop_proof')
  })

  it('rule 2: refuses a header that is not one compact JWS', async () => {
    const { verifier } = setup()
    for (const value of ['', 'not-a-jwt', 'a.b', 'a.b.c.d', `${'a'.repeat(9000)}.b.c`]) {
      expect((await refusal(verifier.verify([value], expected))).error).toBe('invalid_dpop_proof')
    }
  })

  it('rule 3: refuses a proof lacking jti, htm, htu or iat', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    for (const claim of ['jti', 'htm', 'htu', 'iat']) {
      const proof = await key.proof({ htu: HTU, claims: { [claim]: undefined } })
      expect((await refusal(verifier.verify([proof], expected))).description).toMatch(/lacks jti, htm/)
    }
  })

  it('rule 4: refuses a JWT whose typ is not dpop+jwt', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    for (const typ of ['JWT', 'at+jwt', undefined]) {
      const proof = await key.proof({ htu: HTU, header: { typ } })
      expect((await refusal(verifier.verify([proof], expected))).description).toMatch(/typ/)
    }
  })

  it('rule 5: refuses alg none and MAC algorithms', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    const claims = { jti: 'j', htm: 'POST', htu: HTU, iat: clock.now() }
    // A signature segment that is there, so that the algorithm is what refuses it.
    const none = `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: key.jwk })}.${b64(claims)}.c2ln`
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.jwk })
      .sign(new TextEncoder().encode('a secret of thirty-two bytes!!!!'))
    expect((await refusal(verifier.verify([none], expected))).description).toMatch(/alg/)
    expect((await refusal(verifier.verify([hs256], expected))).description).toMatch(/alg/)
  })

  it('rule 6: refuses a signature made by another key than the embedded one', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    const other = await dpopKey('ES256', clock.now)
    const proof = await key.proof({ htu: HTU, header: { jwk: other.jwk } })
    expect((await refusal(verifier.verify([proof], expected))).description).toMatch(/signature/)
  })

  it('rule 7: refuses an embedded private key, or none', async () => {
    const { verifier, clock } = setup()
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const { exportJWK } = await import('jose')
    const privateJwk = await exportJWK(privateKey)
    const key = await dpopKey('ES256', clock.now)
    const leaked = await key.proof({ htu: HTU, header: { jwk: privateJwk } })
    const absent = await key.proof({ htu: HTU, header: { jwk: undefined } })
    expect((await refusal(verifier.verify([leaked], expected))).description).toMatch(/public key/)
    expect((await refusal(verifier.verify([absent], expected))).description).toMatch(/no jwk/)
  })

  it('rule 8: refuses another method', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    const proof = await key.proof({ htu: HTU, htm: 'GET' })
    expect((await refusal(verifier.verify([proof], expected))).description).toMatch(/htm/)
  })

  it('rule 9: compares htu normalized, ignoring its query and fragment', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    for (const htu of [
      `${HTU}?x=1#f`,
      'HTTPS://Auth.PipesHub.test:443/api/v1/oauth2/token',
      'https://auth.pipeshub.test/api/v1/oauth2/%74oken',
      'https://auth.pipeshub.test/api/v1/x/../oauth2/token',
    ]) {
      expect((await verifier.verify([await key.proof({ htu })], expected))?.jkt, htu).toBe(key.jkt)
    }
    for (const htu of [
      'https://auth.pipeshub.test/api/v1/oauth2/userinfo',
      'http://auth.pipeshub.test/api/v1/oauth2/token',
      'https://auth.pipeshub.test:8443/api/v1/oauth2/token',
      'https://evil.test/api/v1/oauth2/token',
      'urn:x:token',
    ]) {
      const proof = await key.proof({ htu })
      expect((await refusal(verifier.verify([proof], expected))).error, htu).toBe('invalid_dpop_proof')
    }
  })

  it('normalizes URIs as RFC 3986 §6.2.2 and §6.2.3 say', () => {
    expect(normalizeHtu('HTTPS://A.Example:443/%7euser/%2f?q#f')).toBe('https://a.example/~user/%2F')
    expect(normalizeHtu('http://a.example')).toBe('http://a.example/')
    expect(normalizeHtu('not a uri')).toBeUndefined()
  })

  it('rule 11: refuses a proof issued too long ago or ahead of the clock', async () => {
    const { verifier, clock } = setup({ proofLifetime: 300, clockSkew: 60 })
    const key = await dpopKey('ES256', clock.now)
    const t = clock.now()
    expect(await verifier.verify([await key.proof({ htu: HTU, iat: t - 299 })], expected)).toBeDefined()
    expect(await verifier.verify([await key.proof({ htu: HTU, iat: t + 60 })], expected)).toBeDefined()
    const old = await key.proof({ htu: HTU, iat: t - 300 })
    const future = await key.proof({ htu: HTU, iat: t + 61 })
    expect((await refusal(verifier.verify([old], expected))).description).toMatch(/too old/)
    expect((await refusal(verifier.verify([future], expected))).description).toMatch(/future/)
  })

  it('rule 12: with an access token, ath must be its hash', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    const withToken = { htm: 'GET', htu: HTU, accessToken: 'token-value' }
    const good = await key.proof({ htu: HTU, htm: 'GET', accessToken: 'token-value' })
    expect(await verifier.verify([good], withToken)).toBeDefined()
    const missing = await key.proof({ htu: HTU, htm: 'GET' })
    const other = await key.proof({ htu: HTU, htm: 'GET', accessToken: 'another-token' })
    expect((await refusal(verifier.verify([missing], withToken))).description).toMatch(/lacks ath/)
    expect((await refusal(verifier.verify([other], withToken))).description).toMatch(/ath does not match/)
    expect(accessTokenThumbprint('token-value')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('§11.1: refuses a jti used before with the same key, in any instance sharing the store', async () => {
    const { verifier, clock, store } = setup()
    const twin = createDPoPProofVerifier({ usedJwtIds: store.usedJwtIds, now: clock.now })
    const key = await dpopKey('ES256', clock.now)
    const other = await dpopKey('ES256', clock.now)
    const proof = await key.proof({ htu: HTU, jti: 'once' })
    expect(await verifier.verify([proof], expected)).toBeDefined()
    expect((await refusal(twin.verify([proof], expected))).description).toMatch(/already used/)
    // Another key's jti is its own.
    expect(await twin.verify([await other.proof({ htu: HTU, jti: 'once' })], expected)).toBeDefined()
  })

  it('does not record the jti of a refused proof', async () => {
    const { verifier, clock } = setup()
    const key = await dpopKey('ES256', clock.now)
    const wrong = await key.proof({ htu: HTU, htm: 'GET', jti: 'kept' })
    await refusal(verifier.verify([wrong], expected))
    expect(await verifier.verify([await key.proof({ htu: HTU, jti: 'kept' })], expected)).toBeDefined()
  })

  it('rule 10 and §8: asks for a nonce, accepts the current one from any instance, refuses a stale one', async () => {
    const clock = manualClock()
    const store = createMemoryStore()
    const secret = new TextEncoder().encode('a secret shared by every instance')
    const nonces = () => createDPoPNonces({ now: clock.now, period: 300, secrets: async () => [secret] })
    const verifier = createDPoPProofVerifier({
      usedJwtIds: store.usedJwtIds,
      now: clock.now,
      nonces: nonces(),
    })
    const twin = createDPoPProofVerifier({ usedJwtIds: store.usedJwtIds, now: clock.now, nonces: nonces() })
    const key = await dpopKey('ES256', clock.now)
    const asked = await refusal(verifier.verify([await key.proof({ htu: HTU })], expected))
    expect(asked.error).toBe('use_dpop_nonce')
    expect(asked.nonce).toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/)
    const nonce = asked.nonce ?? ''
    expect(await twin.verify([await key.proof({ htu: HTU, nonce })], expected)).toBeDefined()
    clock.advance(300)
    expect(await verifier.verify([await key.proof({ htu: HTU, nonce })], expected)).toBeDefined()
    clock.advance(300)
    const stale = await refusal(verifier.verify([await key.proof({ htu: HTU, nonce })], expected))
    expect(stale.error).toBe('use_dpop_nonce')
    expect(stale.nonce).not.toBe(nonce)
    const forged = await refusal(
      verifier.verify([await key.proof({ htu: HTU, nonce: `${nonce}x` })], expected),
    )
    expect(forged.error).toBe('use_dpop_nonce')
  })

  it('refuses a nonce made with another secret', async () => {
    const clock = manualClock()
    const mine = createDPoPNonces({ now: clock.now, secrets: async () => [new Uint8Array(32).fill(1)] })
    const theirs = createDPoPNonces({ now: clock.now, secrets: async () => [new Uint8Array(32).fill(2)] })
    expect(await mine.verify(await mine.current())).toBe(true)
    expect(await mine.verify(await theirs.current())).toBe(false)
    expect(await mine.verify('garbage')).toBe(false)
  })
})
