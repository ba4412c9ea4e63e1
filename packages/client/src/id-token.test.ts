import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { IdTokenValidationError, ResponseValidationError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { cannedFetch, json, type RecordedRequest } from './test-support/canned-fetch.js'

const issuer = 'https://as.example'
const metadata = {
  issuer,
  tokenEndpoint: `${issuer}/token`,
  jwksUri: `${issuer}/.well-known/jwks.json`,
  idTokenSigningAlgValuesSupported: ['ES256'],
}
const start = Date.parse('2026-11-27T12:00:00Z')
const nowSeconds = start / 1000
let now = start

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>
let signing: KeyPair
let other: KeyPair
let publicJwk: JWK

beforeAll(async () => {
  signing = await generateKeyPair('ES256', { extractable: true })
  other = await generateKeyPair('ES256')
  publicJwk = { ...(await exportJWK(signing.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
})

function sign(claims: JWTPayload, options: { kid?: string; key?: KeyPair } = {}) {
  return new SignJWT({
    iss: issuer,
    sub: 'user-1',
    aud: 'app',
    iat: nowSeconds - 10,
    exp: nowSeconds + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'k1' })
    .sign((options.key ?? signing).privateKey)
}

function clientServing(jwks: () => { keys: JWK[] }) {
  const canned = cannedFetch((request: RecordedRequest) =>
    request.url === metadata.jwksUri ? json(200, jwks())(request) : json(500, {})(request),
  )
  now = start
  const client = new OAuthClient({
    metadata,
    clientId: 'app',
    fetch: canned.fetch,
    now: () => now,
    retry: false,
  })
  return { client, requests: canned.requests }
}

async function rejection(promise: Promise<unknown>): Promise<IdTokenValidationError> {
  const error = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(IdTokenValidationError)
  return error as IdTokenValidationError
}

describe('ID token validation', () => {
  it('accepts a token signed by the issuer and returns camelCase claims', async () => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    const claims = await client.validateIdToken(await sign({ nonce: 'n1', auth_time: nowSeconds - 60 }), {
      nonce: 'n1',
      maxAgeSeconds: 3600,
    })
    expect(claims).toMatchObject({
      iss: issuer,
      sub: 'user-1',
      aud: 'app',
      nonce: 'n1',
      authTime: nowSeconds - 60,
    })
  })

  it('refuses a signature by another key with the same kid', async () => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    const error = await rejection(client.validateIdToken(await sign({}, { key: other })))
    expect(error.message).toMatch(/signature/)
  })

  it.each([
    ['iss', { iss: 'https://evil.example' }],
    ['aud', { aud: 'another-client' }],
    ['exp', { exp: nowSeconds - 3600 }],
    ['iat', { iat: nowSeconds + 3600 }],
    ['azp', { aud: ['app', 'api'] }],
    ['azp', { azp: 'another-client' }],
  ])('refuses a bad %s claim', async (claim, claims) => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    const error = await rejection(client.validateIdToken(await sign(claims)))
    expect(error.claim).toBe(claim)
  })

  it('accepts several audiences when azp names this client', async () => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    await expect(
      client.validateIdToken(await sign({ aud: ['app', 'api'], azp: 'app' })),
    ).resolves.toMatchObject({
      azp: 'app',
    })
  })

  it('allows clock skew within the tolerance', async () => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    await expect(
      client.validateIdToken(await sign({ exp: nowSeconds - 30, iat: nowSeconds + 30 })),
    ).resolves.toBeDefined()
  })

  it('refuses a missing or different nonce', async () => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    expect((await rejection(client.validateIdToken(await sign({}), { nonce: 'n1' }))).claim).toBe('nonce')
    expect(
      (await rejection(client.validateIdToken(await sign({ nonce: 'n2' }), { nonce: 'n1' }))).claim,
    ).toBe('nonce')
  })

  it('refuses an authentication older than max_age, or without auth_time', async () => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    const old = await sign({ auth_time: nowSeconds - 7200 })
    expect((await rejection(client.validateIdToken(old, { maxAgeSeconds: 3600 }))).claim).toBe('auth_time')
    expect((await rejection(client.validateIdToken(await sign({}), { maxAgeSeconds: 3600 }))).claim).toBe(
      'auth_time',
    )
  })

  it('refuses an algorithm the issuer does not use, and unsigned tokens', async () => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    const hs256 = await new SignJWT({
      iss: issuer,
      sub: 'u',
      aud: 'app',
      iat: nowSeconds,
      exp: nowSeconds + 60,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('the-client-secret-used-as-an-hmac-key'))
    expect((await rejection(client.validateIdToken(hs256))).claim).toBe('alg')
    const [header, payload] = (await sign({})).split('.')
    const none = `${btoa(JSON.stringify({ alg: 'none' })).replace(/=+$/, '')}.${payload}.`
    await rejection(client.validateIdToken(none))
    expect(header).toBeDefined()
  })

  it('refuses claims of the wrong shape, naming the claim', async () => {
    const { client } = clientServing(() => ({ keys: [publicJwk] }))
    const error = await rejection(client.validateIdToken(await sign({ email_verified: 'yes' })))
    expect(error.claim).toBe('email_verified')
  })

  it('fetches the JWKS once for many tokens, and again for a new kid after the cooldown (key rotation)', async () => {
    const rotated = await generateKeyPair('ES256')
    const rotatedJwk = { ...(await exportJWK(rotated.publicKey)), kid: 'k2', alg: 'ES256' }
    let published = [publicJwk]
    const { client, requests } = clientServing(() => ({ keys: published }))
    await client.validateIdToken(await sign({}))
    await client.validateIdToken(await sign({}))
    expect(requests).toHaveLength(1)
    published = [publicJwk, rotatedJwk]
    const signedWithNewKey = await sign({}, { kid: 'k2', key: rotated })
    // Within the 30 s cooldown an unknown kid does not refetch: random kids cannot flood the issuer.
    expect((await rejection(client.validateIdToken(signedWithNewKey))).claim).toBe('kid')
    expect(requests).toHaveLength(1)
    now += 31_000
    await client.validateIdToken(signedWithNewKey)
    expect(requests).toHaveLength(2)
  })

  it('fetches the JWKS again once the cached set is ten minutes old (retired keys go away)', async () => {
    const { client, requests } = clientServing(() => ({ keys: [publicJwk] }))
    const token = await sign({ exp: nowSeconds + 3600 })
    await client.validateIdToken(token)
    now += 9 * 60_000
    await client.validateIdToken(token)
    expect(requests).toHaveLength(1)
    now += 60_000
    await client.validateIdToken(token)
    expect(requests).toHaveLength(2)
  })

  it('refuses a JWKS document that publishes a private key', async () => {
    const leaked = { ...(await exportJWK(signing.privateKey)), kid: 'k1' }
    const { client } = clientServing(() => ({ keys: [leaked] }))
    const error = await client.validateIdToken(await sign({})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect((error as ResponseValidationError).issues[0]?.path).toBe('/keys/0/d')
  })
})

describe('ID tokens in token responses', () => {
  it('validates the ID token of a code exchange against the nonce and exposes its claims', async () => {
    now = start
    const idToken = await sign({ nonce: 'n1' })
    const canned = cannedFetch((request) =>
      request.url === metadata.jwksUri
        ? json(200, { keys: [publicJwk] })(request)
        : json(200, { access_token: 'at', token_type: 'Bearer', id_token: idToken, scope: 'openid' })(
            request,
          ),
    )
    const client = new OAuthClient({ metadata, clientId: 'app', fetch: canned.fetch, now: () => now })
    const parameters = { code: 'c', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43) }
    const response = await client.exchangeAuthorizationCode({ ...parameters, nonce: 'n1' })
    expect(response.idTokenClaims?.sub).toBe('user-1')
    expect(Object.keys(response)).not.toContain('idTokenClaims')
    await expect(client.exchangeAuthorizationCode({ ...parameters, nonce: 'other' })).rejects.toBeInstanceOf(
      IdTokenValidationError,
    )
  })

  it('validates an ID token returned by a refresh, and refuses a forged one', async () => {
    const forged = await sign({}, { key: other })
    const canned = cannedFetch((request) =>
      request.url === metadata.jwksUri
        ? json(200, { keys: [publicJwk] })(request)
        : json(200, { access_token: 'at', token_type: 'Bearer', id_token: forged })(request),
    )
    now = start
    const client = new OAuthClient({ metadata, clientId: 'app', fetch: canned.fetch, now: () => now })
    expect((await rejection(client.refresh({ refreshToken: 'rt' }))).message).toMatch(/signature/)
  })

  it('refuses a code exchange that granted openid but returned no ID token to check the nonce against', async () => {
    const canned = cannedFetch(
      json(200, { access_token: 'at', token_type: 'Bearer', scope: 'openid kb:read' }),
    )
    const client = new OAuthClient({ metadata, clientId: 'app', fetch: canned.fetch })
    const error = await rejection(
      client.exchangeAuthorizationCode({
        code: 'c',
        redirectUri: 'https://app.example/cb',
        codeVerifier: 'v'.repeat(43),
        nonce: 'n1',
      }),
    )
    expect(error.claim).toBe('id_token')
  })
})
