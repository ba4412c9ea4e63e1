import { randomUUID } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { accessTokenThumbprint } from '../dpop/proof.js'

export interface DPoPProofInput {
  htm?: string
  htu: string
  iat?: number
  jti?: string
  nonce?: string
  /** The access token the proof goes with: its `ath`. */
  accessToken?: string
  /** Replaces or removes (`undefined`) members of the protected header. */
  header?: Record<string, unknown>
  /** Replaces or removes (`undefined`) claims. */
  claims?: Record<string, unknown>
}

/** A DPoP key pair of a test client, making proofs as RFC 9449 §4.2 writes them. */
export interface TestDPoPKey {
  alg: string
  jwk: JWK
  /** RFC 7638 thumbprint: the `cnf.jkt` of tokens bound to it. */
  jkt: string
  proof(input: DPoPProofInput): Promise<string>
}

export async function dpopKey(alg = 'ES256', now: () => number = () => Math.floor(Date.now() / 1000)) {
  const { publicKey, privateKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {})
  const jwk = await exportJWK(publicKey)
  const key: TestDPoPKey = {
    alg,
    jwk,
    jkt: await calculateJwkThumbprint(jwk),
    async proof(input) {
      const claims: Record<string, unknown> = {
        jti: input.jti ?? randomUUID(),
        htm: input.htm ?? 'POST',
        htu: input.htu,
        iat: input.iat ?? now(),
        ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
        ...(input.accessToken === undefined ? {} : { ath: accessTokenThumbprint(input.accessToken) }),
        ...input.claims,
      }
      const header: Record<string, unknown> = { typ: 'dpop+jwt', alg, jwk, ...input.header }
      for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name]
      for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name]
      return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(privateKey)
    },
  }
  return key
}
