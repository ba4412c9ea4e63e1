import {
  deviceAuthorizationResponseCodec,
  errorResponseCodec,
  pushedAuthorizationResponseCodec,
  tokenResponseCodec,
} from '@pipeshub/models'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { dpopKey } from '../test-support/dpop.js'
import { basic, ISSUER } from '../test-support/fixtures.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

let app: AuthorizationServerApp
let authorization: string
let clientId: string
let deviceClientId: string
/** A device code the fuzzed polls may hit (pending: its polls answer slow_down or authorization_pending). */
let deviceCode: string

beforeAll(async () => {
  app = await buildAuthorizationServerApp({ issuer: ISSUER, store: createMemoryStore(), bodyLimit: 4096 })
  const { client, clientSecret } = await app.authorizationServer.registerClient({
    name: 'fuzzed',
    redirectUris: ['https://app.pipeshub.test/cb'],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
  })
  clientId = client.clientId
  authorization = basic(client.clientId, clientSecret ?? '')
  const device = await app.authorizationServer.registerClient({
    name: 'fuzzed TV',
    public: true,
    redirectUris: [],
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
  })
  deviceClientId = device.client.clientId
  deviceCode = (
    await app.authorizationServer.deviceAuthorization.authorize(
      { client_id: deviceClientId, scope: 'openid' },
      {},
    )
  ).deviceCode
})
afterAll(async () => {
  await app.close()
})

const NAMES = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'client_id',
  'client_secret',
  'device_code',
  'resource',
  'client_assertion',
  'client_assertion_type',
  'response_type',
  'state',
  'code_challenge',
  'code_challenge_method',
  'request_uri',
  'x',
]
const VALUES = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
  '',
  'openid',
  'kb:read',
  '%',
  '%FF',
  '+',
  'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  // Shaped like a JWT, signed by nobody: decoding it must not be mistaken for verifying it.
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJ4Iiwic3ViIjoieCJ9.c2ln',
  'eyJhbGciOiJub25lIn0.e30.',
  'code',
  'S256',
  'urn:ietf:params:oauth:request_uri:x',
  'https://app.pipeshub.test/cb',
]

const pair = fc.tuple(
  fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 })),
  fc.oneof(
    fc.constantFrom(...VALUES),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
  ),
)
const rawBody = fc.oneof(
  fc.array(pair, { maxLength: 8 }).map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('&')),
  fc
    .array(pair, { maxLength: 8 })
    .map((pairs) => pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
)
const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/octet-stream',
)
const credentials = fc.constantFrom<'basic' | 'none' | 'garbage'>('basic', 'none', 'garbage')
/** The content type, and Basic credentials that are right, absent or malformed. */
function requestHeaders(type: string, auth: 'basic' | 'none' | 'garbage'): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': type }
  if (auth === 'basic') headers.authorization = authorization
  if (auth === 'garbage') headers.authorization = `Basic ${Buffer.from(`${clientId}:%zz`).toString('base64')}`
  return headers
}
/** Some bodies name the device client and its live device code, so the fuzz reaches the device grant. */
const withDevice = (body: string | Buffer, device: boolean) =>
  device && typeof body === 'string'
    ? `${body}&client_id=${deviceClientId}&device_code=${encodeURIComponent(deviceCode)}`
    : body

describe('pushed authorization request endpoint under arbitrary input (RFC 9126)', () => {
  it('answers only a 201 pushed authorization response or an RFC 6749 §5.2 error, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, credentials, async (body, type, auth) => {
        const headers = requestHeaders(type, auth)
        const res = await app.inject({ method: 'POST', url: '/api/v1/oauth2/par', headers, payload: body })
        expect(res.statusCode).toBeLessThan(500)
        expect(res.headers['cache-control']).toBe('no-store')
        const json = res.json()
        if (res.statusCode === 201) expect(pushedAuthorizationResponseCodec.check(json)).toBe(true)
        else expect(errorResponseCodec.check(json)).toBe(true)
      }),
      { numRuns: 200, seed: 20261202 },
    )
  })
})

describe('token endpoint under arbitrary input', () => {
  it('answers only a valid token response or an RFC 6749 §5.2 error, never a 500, always no-store', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, credentials, fc.boolean(), async (body, type, auth, device) => {
        const headers = requestHeaders(type, auth)
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/oauth2/token',
          headers,
          payload: withDevice(body, device),
        })
        expect(res.statusCode).toBeLessThan(500)
        expect(res.headers['cache-control']).toBe('no-store')
        const json = res.json()
        if (res.statusCode === 200) expect(tokenResponseCodec.check(json)).toBe(true)
        else expect(errorResponseCodec.check(json)).toBe(true)
      }),
      { numRuns: 300, seed: 20261127 },
    )
  })

  it('answers JSON bodies of arbitrary members with an OAuth shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...NAMES), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
        async (body) => {
          const res = await app.inject({
            method: 'POST',
            url: '/api/v1/oauth2/token',
            headers: { 'content-type': 'application/json', authorization },
            payload: JSON.stringify(body),
          })
          expect(res.statusCode).toBeLessThan(500)
          const json = res.json()
          expect(
            res.statusCode === 200 ? tokenResponseCodec.check(json) : errorResponseCodec.check(json),
          ).toBe(true)
        },
      ),
      { numRuns: 200, seed: 7 },
    )
  })

  it('device authorization endpoint: a valid RFC 8628 §3.2 response or an RFC 6749 §5.2 error, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, credentials, fc.boolean(), async (body, type, auth, device) => {
        const headers = requestHeaders(type, auth)
        const payload = device && typeof body === 'string' ? `${body}&client_id=${deviceClientId}` : body
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/oauth2/device_authorization',
          headers,
          payload,
        })
        expect(res.statusCode).toBeLessThan(500)
        expect(res.headers['cache-control']).toBe('no-store')
        const json = res.json()
        if (res.statusCode === 200) expect(deviceAuthorizationResponseCodec.check(json)).toBe(true)
        else expect(errorResponseCodec.check(json)).toBe(true)
      }),
      { numRuns: 300, seed: 20261202 },
    )
  })

  it('DPoP header: arbitrary, JWT-shaped and mutated proofs answer a token or an RFC 6749 §5.2 error, never a 500', async () => {
    const key = await dpopKey()
    const htu = `${ISSUER}/api/v1/oauth2/token`
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 200,
    })
    const member = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom('dpop+jwt', 'ES256', 'none', 'POST', htu),
    )
    const jwtShaped = fc
      .tuple(
        fc.dictionary(fc.constantFrom('typ', 'alg', 'jwk', 'kid', 'crit'), member, { maxKeys: 4 }),
        fc.dictionary(fc.constantFrom('jti', 'htm', 'htu', 'iat', 'ath', 'nonce', 'exp'), member, {
          maxKeys: 6,
        }),
        fc.string({ maxLength: 20 }),
      )
      .map(
        ([header, claims, signature]) =>
          `${b64(header)}.${b64(claims)}.${Buffer.from(signature).toString('base64url')}`,
      )
    const mutated = fc
      .tuple(fc.nat(), fc.constantFrom('A', '_', '.', '-', ''))
      .map(([at, by]) => ({ at, by }))
    await fc.assert(
      fc.asyncProperty(fc.oneof(printable, jwtShaped, mutated), async (input) => {
        let value: string
        if (typeof input === 'string') value = input
        else {
          const proof = await key.proof({ htu })
          const at = input.at % proof.length
          value = `${proof.slice(0, at)}${input.by}${proof.slice(at + 1)}`
        }
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/oauth2/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization, dpop: value },
          payload: 'grant_type=client_credentials&scope=kb:read',
        })
        expect(res.statusCode).toBeLessThan(500)
        expect(res.headers['cache-control']).toBe('no-store')
        const json = res.json()
        if (res.statusCode === 200) expect(tokenResponseCodec.check(json)).toBe(true)
        else {
          expect(errorResponseCodec.check(json)).toBe(true)
          expect(['invalid_dpop_proof', 'invalid_request']).toContain((json as { error: string }).error)
        }
      }),
      { numRuns: 300, seed: 20261202 },
    )
  })
})
