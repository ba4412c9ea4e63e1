import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorResponseCodec } from '@pipeshub/models'
import { type EndpointPaths, registerClient, type Store } from '@pipeshub/server'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { createTokenServer, testConfig } from './app.js'
import { DEVICE_VERIFICATION_PATH } from './interaction/device-verification.js'
import { openConfiguredStore } from './store.js'

const available = await postgresAvailable('the PostgreSQL HTTP fuzz test')
const folder = mkdtempSync(join(tmpdir(), 'pipeshub-fuzz-'))
const schema = uniqueSchema('token_server_fuzz')
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true })
  if (available) await dropSchema(schema)
})

const RUNS = 2000

const NAMES = [
  'grant_type',
  'client_id',
  'client_secret',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'token',
  'token_type_hint',
  'response_type',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'username',
  'password',
  'max_age',
  'prompt',
  'device_code',
  'user_code',
  'consent',
  'dpop_jkt',
  'dpop_bound_access_tokens',
  'jwks',
  'jwks_uri',
  'token_endpoint_auth_signing_alg',
  'redirect_uris',
  'token_endpoint_auth_method',
  'id_token_hint',
  'post_logout_redirect_uri',
  'logout_hint',
  'ui_locales',
  'logout',
  'csrf_token',
]
const VALUES = [
  'private_key_jwt',
  'https://rp.example/jwks.json',
  'urn:ietf:params:oauth:grant-type:device_code',
  'BCDF-GHJK',
  'http://127.0.0.1:9/bye',
  'confirm',
  'eyJhbGciOiJFUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJ1In0.c2ln',
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'code',
  'openid',
  'org:read',
  'S256',
  '',
  '\u0000',
  'a\u0000b',
  '\u0001\u007f',
  '%00',
  '%',
  '%FF',
  '\uD800',
  'x'.repeat(5000),
  "'; DROP TABLE oauth_clients; --",
]

/** Names and values from the vocabulary, the fixture's real client, or anything fast-check makes up. */
function pairs(clientId: string, secret: string) {
  const value = fc.oneof(
    fc.constantFrom(...VALUES, clientId, secret),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
  )
  return fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), value), {
    maxLength: 7,
  })
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
/** Compact JWS with DPoP-proof-like members, so the checks past the JWS shape are reached too. */
const jwsShaped = fc
  .tuple(
    fc.record({
      typ: fc.constantFrom('dpop+jwt', 'JWT', 7),
      alg: fc.constantFrom('ES256', 'none', 'HS256', 'RS256'),
      jwk: fc.oneof(
        fc.constant({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }),
        fc.constant({ kty: 'oct', k: 'AAAA' }),
        fc.string({ maxLength: 8 }),
      ),
    }),
    fc.record({
      jti: fc.string({ maxLength: 8 }),
      htm: fc.constantFrom('GET', 'POST', 1),
      htu: fc.constantFrom('http://127.0.0.1:9/api/v1/oauth2/token', '', 'x'),
      iat: fc.oneof(fc.integer(), fc.constant('now')),
      ath: fc.string({ maxLength: 8 }),
    }),
    fc.string({ maxLength: 10 }),
  )
  .map(
    ([header, claims, signature]) =>
      `${b64(header)}.${b64(claims)}.${Buffer.from(signature).toString('base64url')}`,
  )

function fuzzedRequest(paths: EndpointPaths, clientId: string, secret: string) {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  return fc.record({
    path: fc.constantFrom(
      paths.token,
      paths.revocation,
      paths.introspection,
      paths.authorization,
      paths.userinfo,
      paths.deviceAuthorization,
      paths.endSession,
      paths.personalAccessTokens,
      paths.consents,
      paths.registration,
      paths.oauthClients,
      DEVICE_VERIFICATION_PATH,
    ),
    method: fc.constantFrom('POST', 'POST', 'GET'),
    kind: fc.constantFrom('form', 'json', 'raw'),
    fields: pairs(clientId, secret),
    query: pairs(clientId, secret),
    raw: fc.string({ unit: 'binary', maxLength: 60 }),
    authorization: fc.oneof(
      fc.constant(undefined),
      fc.constant(basic(clientId, secret)),
      fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([u, p]) => basic(u, p)),
      fc
        .string({ unit: 'binary', maxLength: 20 })
        .map((token) => `Bearer ${Buffer.from(token).toString('base64url')}`),
      // RFC 9449 §7.1: the DPoP scheme, with a JWT-shaped or any token.
      fc.oneof(jwsShaped, fc.string({ maxLength: 20 })).map((token) => `DPoP ${token}`),
    ),
    dpop: fc.option(fc.oneof(jwsShaped, fc.string({ maxLength: 40 })), { nil: undefined }),
  })
}

/** Percent-encodes every UTF-8 byte (a lone surrogate becomes U+FFFD, as a browser would send it). */
const percent = (text: string) => Buffer.from(text, 'utf8').toString('hex').replace(/(..)/g, '%$1')

function encodeForm(fields: Array<[string, string]>): string {
  return fields.map(([name, value]) => `${percent(name)}=${percent(value)}`).join('&')
}

async function fuzz(store: Store): Promise<{ requests: number; statuses: Map<number, number> }> {
  const { client, clientSecret } = await registerClient(store, {
    name: 'Fuzzed',
    grantTypes: [
      'client_credentials',
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
    ],
    redirectUris: ['http://127.0.0.1:9/cb'],
    postLogoutRedirectUris: ['http://127.0.0.1:9/bye'],
  })
  // Open registration, so that RFC 7591 bodies are fuzzed too.
  const server = await createTokenServer({
    config: testConfig({ registration: true }),
    store,
    issuer: 'http://127.0.0.1:9',
  })
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  const statuses = new Map<number, number>()
  let requests = 0
  try {
    await fc.assert(
      fc.asyncProperty(fuzzedRequest(server.paths, client.clientId, clientSecret ?? ''), async (input) => {
        const headers: Record<string, string> = {}
        if (input.authorization !== undefined) headers.authorization = input.authorization
        if (input.dpop !== undefined) headers.dpop = input.dpop
        let body: string | undefined
        if (input.method === 'POST') {
          if (input.kind === 'json') {
            headers['content-type'] = 'application/json'
            body = JSON.stringify(Object.fromEntries(input.fields))
          } else {
            headers['content-type'] = 'application/x-www-form-urlencoded'
            body = input.kind === 'raw' ? input.raw : encodeForm(input.fields)
          }
        }
        const query = input.query.length === 0 ? '' : `?${encodeForm(input.query)}`
        const response = await fetch(`${baseUrl}${input.path}${query}`, {
          method: input.method,
          headers,
          ...(body === undefined ? {} : { body }),
          redirect: 'manual',
        })
        const text = await response.text()
        requests++
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        expect(response.status, `${input.method} ${input.path}: ${text}`).toBeLessThan(500)
        if (input.path === server.paths.token) expect(response.headers.get('cache-control')).toBe('no-store')
        if (input.path === DEVICE_VERIFICATION_PATH) {
          // The verification page answers people with HTML; what the HTTP layer refuses before any
          // route (a request line too long for the headers limit) is a JSON RFC 6749 §5.2 body.
          const type = response.headers.get('content-type') ?? ''
          if (type.startsWith('application/json'))
            expect(errorResponseCodec.validate(JSON.parse(text)), text).toEqual([])
          else expect(type).toMatch(/^text\/html/)
          return
        }
        if (response.status >= 400 && text !== '') {
          // Every error with a body is an RFC 6749 section 5.2 body (a 401 challenge alone has none).
          expect(errorResponseCodec.validate(JSON.parse(text)), text).toEqual([])
        }
        if (response.status >= 400 && text === '')
          expect(response.headers.get('www-authenticate')).not.toBeNull()
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
  } finally {
    await server.close()
  }
  return { requests, statuses }
}

describe('the token server over HTTP, fuzzed (fast-check)', () => {
  it('never answers 5xx on SQLite: every error an RFC 6749 section 5.2 body, every token response no-store', async () => {
    const store = await openConfiguredStore({ store: `sqlite:${join(folder, 'fuzz.db')}` })
    const { requests, statuses } = await fuzz(store)
    expect(requests).toBe(RUNS)
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true)
  })

  it.runIf(available)('never answers 5xx on PostgreSQL, NUL bytes included', async () => {
    const store = await openConfiguredStore({ store: `${TEST_DATABASE_URL}?schema=${schema}` })
    const { requests } = await fuzz(store)
    expect(requests).toBe(RUNS)
  })
})
