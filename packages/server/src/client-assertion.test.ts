import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from '@pipeshub/models'
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { ASSERTION_FAILED } from './client-assertion.js'
import { OAuthError } from './errors.js'
import { createMemoryStore } from './store/memory.js'
import type { Store } from './store/types.js'
import { basic, ISSUER, manualClock, rejectionOf, testServer } from './test-support/fixtures.js'

const TOKEN_ENDPOINT = `${ISSUER}/api/v1/oauth2/token`

async function keyPair(alg: string, kid: string, algMember = true) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', ...(algMember ? { alg } : {}) }
  return { privateKey, jwk, privateJwk: await exportJWK(privateKey) }
}

async function setUp(
  options: { alg?: string; pinned?: string; store?: Store; algMember?: boolean } = {},
  clock = manualClock(),
) {
  const { server, store } = testServer(options.store ?? createMemoryStore(), clock)
  const alg = options.alg ?? 'ES256'
  const first = await keyPair(alg, 'key-1', options.algMember)
  const second = await keyPair(alg, 'key-2', options.algMember)
  const { client, clientSecret } = await server.registerClient({
    name: 'service with keys',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read'],
    jwks: { keys: [first.jwk, second.jwk] as Array<Record<string, unknown>> },
    ...(options.pinned === undefined ? {} : { tokenEndpointAuthSigningAlg: options.pinned }),
  })
  const now = clock.now()
  const assertion = (
    claims: Record<string, unknown> = {},
    header: { alg?: string; kid?: string } = {},
    key = first.privateKey,
  ) =>
    new SignJWT({
      iss: client.clientId,
      sub: client.clientId,
      aud: ISSUER,
      exp: now + 60,
      iat: now,
      jti: crypto.randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg, kid: 'key-1', ...header })
      .sign(key)
  const token = async (clientAssertion: string, extra: Record<string, string> = {}) =>
    server.token(
      {
        grant_type: 'client_credentials',
        scope: 'kb:read',
        client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
        client_assertion: clientAssertion,
        ...extra,
      },
      {},
    )
  return { server, store, client, clientSecret, assertion, token, first, second, now, clock }
}

/** Every refusal of an assertion: 401 invalid_client with the one description. */
async function refusedAssertion(promise: Promise<unknown>) {
  const error = await rejectionOf(promise, OAuthError)
  expect(error.error).toBe('invalid_client')
  expect(error.status).toBe(401)
  expect(error.errorDescription).toBe(ASSERTION_FAILED)
}

describe('private_key_jwt client authentication (RFC 7523 section 2.2 and 3, OIDC Core section 9)', () => {
  it('registers the client without a secret and issues a token for a valid assertion', async () => {
    const { clientSecret, assertion, token } = await setUp()
    expect(clientSecret).toBeUndefined()
    const tokens = await token(await assertion())
    expect(tokens.scope).toBe('kb:read')
  })

  it('accepts the issuer and the token endpoint URL as aud (3.3), and refuses any other audience', async () => {
    const { assertion, token } = await setUp()
    await token(await assertion({ aud: TOKEN_ENDPOINT }))
    await token(await assertion({ aud: ['https://elsewhere.example', ISSUER] }))
    await token(await assertion({ aud: `${ISSUER}/api/v1/oauth2/par` }))
    await refusedAssertion(token(await assertion({ aud: 'https://other-as.example' })))
    await refusedAssertion(token(await assertion({ aud: undefined })))
  })

  it('requires iss and sub to be the client id (3.1, 3.2)', async () => {
    const { assertion, token, server } = await setUp()
    const { client: other } = await server.registerClient({
      name: 'other',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    await refusedAssertion(token(await assertion({ sub: other.clientId })))
    await refusedAssertion(token(await assertion({ iss: other.clientId })))
    await refusedAssertion(token(await assertion({ sub: undefined })))
    // client_id beside the assertion must name the same client (RFC 7521 section 4.2).
    await refusedAssertion(token(await assertion(), { client_id: other.clientId }))
  })

  it('requires exp, refuses an expired one and one more than 5 minutes ahead (3.4)', async () => {
    const { assertion, token, now } = await setUp()
    await refusedAssertion(token(await assertion({ exp: undefined })))
    await refusedAssertion(token(await assertion({ exp: now - 31 })))
    await refusedAssertion(token(await assertion({ exp: now + 3600 })))
    await token(await assertion({ exp: now + 300 }))
  })

  it('refuses nbf or iat in the future (3.5, 3.6)', async () => {
    const { assertion, token, now } = await setUp()
    await refusedAssertion(token(await assertion({ nbf: now + 120 })))
    await refusedAssertion(token(await assertion({ iat: now + 120 })))
  })

  it('requires a jti and accepts it once, on every instance sharing the store (3.7)', async () => {
    const store = createMemoryStore()
    const { assertion, token, clock } = await setUp({ store })
    await refusedAssertion(token(await assertion({ jti: undefined })))
    const once = await assertion()
    await token(once)
    await refusedAssertion(token(once))
    const other = testServer(store, clock).server
    await refusedAssertion(
      other.token(
        {
          grant_type: 'client_credentials',
          client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
          client_assertion: once,
        },
        {},
      ),
    )
  })

  it('chooses the key by kid and refuses an unknown kid or another key (3.8)', async () => {
    const { assertion, token, second } = await setUp()
    await token(await assertion({}, { kid: 'key-2' }, second.privateKey))
    await refusedAssertion(token(await assertion({}, { kid: 'key-1' }, second.privateKey)))
    await refusedAssertion(token(await assertion({}, { kid: 'key-3' })))
    const stranger = await keyPair('ES256', 'key-1')
    await refusedAssertion(token(await assertion({}, {}, stranger.privateKey)))
  })

  it('pins the algorithm: none, HS256 keyed with the public key, and an unregistered alg are refused', async () => {
    // The registered keys name no alg: only the pinned token_endpoint_auth_signing_alg decides.
    const { assertion, token, first, client } = await setUp({
      alg: 'RS256',
      pinned: 'RS256',
      algMember: false,
    })
    await token(await assertion())
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'key-1' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({
        iss: client.clientId,
        sub: client.clientId,
        aud: ISSUER,
        exp: 1_800_000_060,
        jti: 'n',
      }),
    ).toString('base64url')}.`
    await refusedAssertion(token(unsigned))
    const hmac = await new SignJWT({
      iss: client.clientId,
      sub: client.clientId,
      aud: ISSUER,
      exp: 1_800_000_060,
      jti: 'h',
    })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(new TextEncoder().encode(JSON.stringify(first.jwk)))
    await refusedAssertion(token(hmac))
    // PS256 with the same RSA key: a valid signature, but not the registered algorithm.
    const pss = await importJWK(first.privateJwk, 'PS256')
    await refusedAssertion(token(await assertion({}, { alg: 'PS256' }, pss as CryptoKey)))
  })

  it('refuses a disabled client after checking its assertion', async () => {
    const { assertion, token, server, client } = await setUp()
    await server.disableClient(client.clientId)
    const error = await rejectionOf(token(await assertion()), OAuthError)
    expect(error.error).toBe('invalid_client')
  })

  it('refuses two methods at once, a lone assertion parameter and another assertion type (invalid_request)', async () => {
    const { server, assertion, client } = await setUp()
    const signed = await assertion()
    const base = { grant_type: 'client_credentials', client_assertion: signed }
    for (const [params, credentials] of [
      [
        { ...base, client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_secret: 'x'.repeat(20) },
        {},
      ],
      [
        { ...base, client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE },
        { authorization: basic(client.clientId, 'x'.repeat(20)) },
      ],
      [base, {}],
      [{ ...base, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }, {}],
    ] as const) {
      const error = await rejectionOf(server.token(params, credentials), OAuthError)
      expect(error.error).toBe('invalid_request')
    }
  })

  it('does not let a client with keys authenticate as a public client by client_id alone', async () => {
    const { server, client } = await setUp()
    const error = await rejectionOf(
      server.token({ grant_type: 'client_credentials', client_id: client.clientId }, {}),
      OAuthError,
    )
    expect(error.error).toBe('invalid_client')
  })

  it('refuses an assertion for a client registered without keys', async () => {
    const { server, assertion } = await setUp()
    const { client: secretClient } = await server.registerClient({
      name: 'secret client',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    await refusedAssertion(
      server.token(
        {
          grant_type: 'client_credentials',
          client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
          client_assertion: await assertion({ iss: secretClient.clientId, sub: secretClient.clientId }),
        },
        {},
      ),
    )
  })

  it('publishes private_key_jwt and the asymmetric algorithms, never none or HS*', async () => {
    const { server } = await setUp()
    const metadata = server.metadata()
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt')
    const algs = metadata.token_endpoint_auth_signing_alg_values_supported as string[]
    expect(algs).toEqual(expect.arrayContaining(['ES256', 'RS256', 'PS256', 'EdDSA']))
    expect(algs.some((alg) => alg === 'none' || alg.startsWith('HS'))).toBe(false)
  })
})

describe('registering a client with a JWKS', () => {
  it('refuses private or symmetric keys, an empty set, a public client and a secret with keys', async () => {
    const { server, first } = await setUp()
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const privateJwk = await exportJWK(privateKey)
    for (const input of [
      { jwks: { keys: [privateJwk] } },
      { jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
      { jwks: { keys: [] } },
      { jwks: { keys: [first.jwk, first.jwk] } },
      { jwks: { keys: [first.jwk] }, public: true },
      { jwks: { keys: [first.jwk] }, clientSecret: 's'.repeat(32) },
      { jwks: { keys: [first.jwk] }, tokenEndpointAuthSigningAlg: 'HS256' },
      { jwks: { keys: [first.jwk] }, tokenEndpointAuthSigningAlg: 'none' },
    ]) {
      const error = await rejectionOf(
        server.registerClient({
          name: 'x',
          grantTypes: ['client_credentials'],
          ...(input as Record<string, unknown>),
        }),
        OAuthError,
      )
      expect(error.error).toBe('invalid_client_metadata')
    }
  })
})
