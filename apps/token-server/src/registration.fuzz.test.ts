import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clientRegistrationResponseCodec, errorResponseCodec } from '@pipeshub/models'
import type { Store } from '@pipeshub/server'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { createTokenServer, testConfig } from './app.js'
import { openConfiguredStore } from './store.js'

// Dynamic client registration (RFC 7591) and its management (RFC 7592) with arbitrary JSON metadata:
// every answer is a registration (201), a read or update (200), a deletion (204), or an error the RFCs
// define (RFC 7591 §3.2.2, RFC 6749 §5.2, RFC 6750 §3.1 for the registration access token); never a
// 5xx, on SQLite and PostgreSQL.

const available = await postgresAvailable('the PostgreSQL registration fuzz test')
const folder = mkdtempSync(join(tmpdir(), 'pipeshub-registration-fuzz-'))
const schema = uniqueSchema('token_server_registration_fuzz')
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true })
  if (available) await dropSchema(schema)
})

/** Registrations per store; each one is followed by up to four management requests (RFC 7592). */
const RUNS = 300
/** A bound on the wall time of one store's run, whatever the machine (fast-check stops early). */
const TIME_LIMIT_MS = 120_000

const ISSUER = 'http://127.0.0.1:9'

/** RFC 7591 §3.2.2 and the RFC 6749 §5.2 code a malformed request gets. */
const REGISTRATION_ERRORS = [
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  'invalid_request',
]

const URIS = [
  'https://rp.example/cb',
  'http://127.0.0.1:8080/cb',
  'http://localhost/cb',
  'http://[::1]/cb',
  'http://rp.example/cb',
  'https://rp.example/cb#fragment',
  'com.example.app:/cb',
  'javascript:alert(1)',
  '/relative',
  'https://',
  '',
  'https://rp.example/\u0000',
  `https://rp.example/${'a'.repeat(3000)}`,
]

const any = fc.jsonValue({ maxDepth: 2 })
const uri = fc.oneof(fc.constantFrom(...URIS), fc.webUrl(), fc.string({ maxLength: 20 }))
const list = <T>(item: fc.Arbitrary<T>) => fc.oneof(fc.array(item, { maxLength: 4 }), any)
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), any)

/** The RFC 7591 §2 members (and the extensions this server reads), server-assigned ones included. */
const MEMBERS = [
  'redirect_uris',
  'post_logout_redirect_uris',
  'token_endpoint_auth_method',
  'grant_types',
  'response_types',
  'client_name',
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'scope',
  'contacts',
  'software_id',
  'software_version',
  'software_statement',
  'jwks_uri',
  'jwks',
  'token_endpoint_auth_signing_alg',
  'id_token_signed_response_alg',
  'dpop_bound_access_tokens',
  'client_id',
  'client_secret',
  'registration_access_token',
  'registration_client_uri',
  'client_id_issued_at',
  'client_secret_expires_at',
]

const validUri = fc.constantFrom(
  'https://rp.example/cb',
  'http://127.0.0.1:8080/cb',
  'http://localhost/cb',
  'http://[::1]/cb',
)
const optional = { requiredKeys: ['redirect_uris'] as 'redirect_uris'[] }

/** Metadata a server would register: what a real client sends. */
const validMetadata = fc.record(
  {
    redirect_uris: fc.uniqueArray(validUri, { minLength: 1, maxLength: 3 }),
    post_logout_redirect_uris: fc.uniqueArray(validUri, { maxLength: 2 }),
    token_endpoint_auth_method: fc.constantFrom('client_secret_basic', 'client_secret_post', 'none'),
    grant_types: fc.constantFrom(
      ['authorization_code'],
      ['authorization_code', 'refresh_token'],
      ['authorization_code', 'refresh_token', 'client_credentials'],
    ),
    response_types: fc.constant(['code']),
    client_name: fc.string({ maxLength: 40 }),
    client_uri: fc.constant('https://rp.example'),
    logo_uri: fc.constant('https://rp.example/logo.png'),
    scope: fc.constantFrom('openid offline_access', 'openid kb:read', 'kb:read kb:write'),
    contacts: fc.array(fc.emailAddress(), { maxLength: 2 }),
    software_id: fc.uuid(),
    software_version: fc.constantFrom('1.0.0', '2'),
    dpop_bound_access_tokens: fc.boolean(),
  },
  optional,
)

/** Any member (from the vocabulary or made up) with a plausible or an arbitrary JSON value. */
const drift = fc.dictionary(
  fc.oneof(fc.constantFrom(...MEMBERS), fc.string({ maxLength: 12 })),
  fc.oneof(any, uri, text, list(uri), fc.constantFrom('private_key_jwt', 'ES256', 'none', 'implicit')),
  { maxKeys: 3 },
)

/** Valid metadata, the same with a few members changed to anything, or anything at all. */
const metadata: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: validMetadata },
  {
    weight: 5,
    arbitrary: fc.tuple(validMetadata, drift).map(([valid, changed]) => ({ ...valid, ...changed })),
  },
  { weight: 2, arbitrary: drift },
  { weight: 1, arbitrary: any },
)

type Operation =
  | { kind: 'read' | 'delete'; token: 'valid' | 'wrong' | 'none' }
  | { kind: 'update'; token: 'valid' | 'wrong' | 'none'; body: unknown; withClientId: boolean }

const token = fc.constantFrom('valid', 'valid', 'valid', 'wrong', 'none') as fc.Arbitrary<
  'valid' | 'wrong' | 'none'
>
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('read', 'delete') as fc.Arbitrary<'read' | 'delete'>, token }),
  fc.record({
    kind: fc.constant('update' as const),
    token,
    body: metadata,
    withClientId: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
  }),
)

interface Answer {
  status: number
  text: string
  json: unknown
  wwwAuthenticate: string | null
}

async function call(url: string, method: string, body: unknown, authorization?: string): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (authorization !== undefined) headers.authorization = authorization
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, text, json, wwwAuthenticate: response.headers.get('www-authenticate') }
}

/** A 400 carrying one of the registration errors, as an RFC 6749 §5.2 body. */
function expectRegistrationError(answer: Answer, where: string): void {
  expect(answer.status, `${where}: ${answer.text}`).toBe(400)
  expect(errorResponseCodec.validate(answer.json), `${where}: ${answer.text}`).toEqual([])
  expect(REGISTRATION_ERRORS, `${where}: ${answer.text}`).toContain((answer.json as { error: string }).error)
}

/** RFC 6750 §3.1: a missing or bad registration access token is a 401 Bearer challenge. */
function expectInvalidToken(answer: Answer, where: string): void {
  expect(answer.status, `${where}: ${answer.text}`).toBe(401)
  expect(answer.wwwAuthenticate, where).toMatch(/^Bearer\b/i)
  if (answer.text !== '') expect(errorResponseCodec.validate(answer.json), answer.text).toEqual([])
}

function expectClient(answer: Answer, status: number, clientId: string | undefined, where: string): string {
  expect(answer.status, `${where}: ${answer.text}`).toBe(status)
  expect(clientRegistrationResponseCodec.validate(answer.json), `${where}: ${answer.text}`).toEqual([])
  const body = answer.json as { client_id: string }
  if (clientId !== undefined) expect(body.client_id).toBe(clientId)
  return body.client_id
}

async function fuzz(store: Store): Promise<Map<number, number>> {
  const server = await createTokenServer({
    config: testConfig({ registration: true, rateLimitRegistration: 1_000_000 }),
    store,
    issuer: ISSUER,
  })
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  const statuses = new Map<number, number>()
  const count = (answer: Answer) => statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
  try {
    await fc.assert(
      fc.asyncProperty(metadata, fc.array(operation, { maxLength: 4 }), async (body, operations) => {
        const registered = await call(`${baseUrl}${server.paths.registration}`, 'POST', body)
        count(registered)
        expect(registered.status, registered.text).toBeLessThan(500)
        if (registered.status !== 201) {
          expectRegistrationError(registered, 'POST register')
          return
        }
        const clientId = expectClient(registered, 201, undefined, 'POST register')
        const { registration_access_token: accessToken, registration_client_uri: clientUri } =
          registered.json as { registration_access_token?: string; registration_client_uri?: string }
        expect(accessToken, 'RFC 7592 §3: a registration access token').toBeTypeOf('string')
        expect(clientUri, 'RFC 7592 §3: the client configuration endpoint').toBeTypeOf('string')
        const url = `${baseUrl}${new URL(clientUri as string).pathname}`
        let deleted = false
        for (const op of operations) {
          const authorization =
            op.token === 'valid' ? `Bearer ${accessToken}` : op.token === 'wrong' ? 'Bearer wrong' : undefined
          const where = `${op.kind} (${op.token} token${deleted ? ', deleted' : ''})`
          const requestBody =
            op.kind !== 'update'
              ? undefined
              : op.withClientId && typeof op.body === 'object' && op.body !== null && !Array.isArray(op.body)
                ? { ...op.body, client_id: clientId }
                : op.body
          const method = op.kind === 'read' ? 'GET' : op.kind === 'update' ? 'PUT' : 'DELETE'
          const answer = await call(url, method, requestBody, authorization)
          count(answer)
          expect(answer.status, `${where}: ${answer.text}`).toBeLessThan(500)
          const isObject =
            typeof requestBody === 'object' && requestBody !== null && !Array.isArray(requestBody)
          if (op.kind === 'update' && !isObject && answer.status === 400) {
            // RFC 7591 §3.1: the body is a JSON object; a body that is none is refused before the token is read.
            expectRegistrationError(answer, where)
            continue
          }
          if (op.token !== 'valid' || deleted) {
            expectInvalidToken(answer, where)
            continue
          }
          if (op.kind === 'read') expectClient(answer, 200, clientId, where)
          else if (op.kind === 'delete') {
            expect(answer.status, `${where}: ${answer.text}`).toBe(204)
            deleted = true
          } else if (answer.status === 200) expectClient(answer, 200, clientId, where)
          else expectRegistrationError(answer, where)
        }
      }),
      { numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: TIME_LIMIT_MS },
    )
  } finally {
    await server.close()
  }
  return statuses
}

/** Every outcome was reached: the fuzzing did not stop at the registration endpoint's door. */
function expectEveryOutcome(statuses: Map<number, number>): void {
  for (const status of [201, 200, 204, 400, 401])
    expect(statuses.get(status), `no ${status} among ${[...statuses]}`).toBeGreaterThan(0)
  expect([...statuses.keys()].every((status) => status < 500)).toBe(true)
}

describe('dynamic client registration (RFC 7591/7592), fuzzed with arbitrary JSON metadata', () => {
  it('registers, reads, updates and deletes or answers an RFC error, never a 5xx, on SQLite', async () => {
    const store = await openConfiguredStore({ store: `sqlite:${join(folder, 'registration-fuzz.db')}` })
    expectEveryOutcome(await fuzz(store))
  }, 300_000)

  it.runIf(available)(
    'the same on PostgreSQL, NUL bytes included',
    async () => {
      const store = await openConfiguredStore({ store: `${TEST_DATABASE_URL}?schema=${schema}` })
      expectEveryOutcome(await fuzz(store))
    },
    300_000,
  )
})
