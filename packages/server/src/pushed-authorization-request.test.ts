import { REQUEST_URI_URN_PREFIX } from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { AuthorizationRequestError } from './authorization-request.js'
import { OAuthError } from './errors.js'
import { createMemoryStore } from './store/memory.js'
import { dpopKey } from './test-support/dpop.js'
import {
  basic,
  manualClock,
  pkcePair,
  REDIRECT_URI,
  rejectionOf,
  testServer,
} from './test-support/fixtures.js'

async function setUp(options: Parameters<typeof testServer>[2] = {}, clientOptions = {}) {
  const { server, store, clock } = testServer(createMemoryStore(), manualClock(), options)
  const { client, clientSecret } = await server.registerClient({
    name: 'web app',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'kb:read'],
    ...clientOptions,
  })
  const { challenge } = pkcePair()
  const parameters = {
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid kb:read',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'state-1',
  }
  const credentials = { authorization: basic(client.clientId, clientSecret ?? '') }
  const push = (extra: Record<string, string | undefined> = {}) =>
    server.pushAuthorizationRequest({ ...parameters, ...extra }, credentials)
  return { server, store, clock, client, clientSecret, parameters, credentials, push }
}

const refused = (promise: Promise<unknown>) => rejectionOf(promise, OAuthError)

describe('pushed authorization request endpoint (RFC 9126 section 2)', () => {
  it('answers a request_uri in the urn:ietf:params:oauth:request_uri namespace and expires_in 60 (section 2.2)', async () => {
    const { push } = await setUp()
    const answer = await push()
    expect(answer.requestUri.startsWith(REQUEST_URI_URN_PREFIX)).toBe(true)
    expect(answer.requestUri.length).toBeGreaterThan(REQUEST_URI_URN_PREFIX.length + 40)
    expect(answer.expiresIn).toBe(60)
    expect((await push()).requestUri).not.toBe(answer.requestUri)
  })

  it('takes its lifetime from pushedAuthorizationRequestLifetime', async () => {
    const { push } = await setUp({ pushedAuthorizationRequestLifetime: 30 })
    expect((await push()).expiresIn).toBe(30)
    expect(() =>
      testServer(createMemoryStore(), manualClock(), { pushedAuthorizationRequestLifetime: 0 }),
    ).toThrow(RangeError)
  })

  it('authenticates the client as the token endpoint does: a wrong secret is invalid_client, 401 (section 2.1)', async () => {
    const { server, client, parameters } = await setUp()
    const error = await refused(
      server.pushAuthorizationRequest(parameters, {
        authorization: basic(client.clientId, 'wrong secret value'),
      }),
    )
    expect(error.error).toBe('invalid_client')
    expect(error.status).toBe(401)
    const none = await refused(server.pushAuthorizationRequest(parameters, {}))
    expect(none.error).toBe('invalid_client')
  })

  it('accepts a public client identified by client_id alone', async () => {
    const { server } = await setUp()
    const { client } = await server.registerClient({
      name: 'spa',
      public: true,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid'],
    })
    const answer = await server.pushAuthorizationRequest(
      {
        client_id: client.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      },
      {},
    )
    const request = await server.validateAuthorizationRequest({
      client_id: client.clientId,
      request_uri: answer.requestUri,
    })
    expect(request.clientId).toBe(client.clientId)
  })

  it('validates the request as the authorization endpoint does, answering the error directly (section 2.3)', async () => {
    const { push } = await setUp()
    const badRedirect = await refused(push({ redirect_uri: 'https://evil.example/cb' }))
    expect(badRedirect).not.toBeInstanceOf(AuthorizationRequestError)
    expect(badRedirect.error).toBe('invalid_request')
    const badScope = await refused(push({ scope: 'openid kb:admin-unknown' }))
    expect(badScope).not.toBeInstanceOf(AuthorizationRequestError)
    expect(badScope.error).toBe('invalid_scope')
    expect(badScope.status).toBe(400)
    expect((await refused(push({ response_type: 'token' }))).error).toBe('unsupported_response_type')
  })

  it('refuses request_uri inside a pushed request (section 2.1)', async () => {
    const { push } = await setUp()
    const error = await refused(push({ request_uri: `${REQUEST_URI_URN_PREFIX}x` }))
    expect(error.error).toBe('invalid_request')
    expect(error.errorDescription).toMatch(/request_uri/)
  })

  it('refuses a body client_id that differs from the authenticated client', async () => {
    const { push } = await setUp()
    expect((await refused(push({ client_id: 'someone-else' }))).error).toBe('invalid_request')
  })

  it('never stores the client secret with the pushed parameters', async () => {
    const { server, store, client, clientSecret, parameters } = await setUp()
    const answer = await server.pushAuthorizationRequest(
      { ...parameters, client_id: client.clientId, client_secret: clientSecret },
      {},
    )
    const { hashOpaqueToken } = await import('./secrets.js')
    const record = await store.pushedAuthorizationRequests.resolve(hashOpaqueToken(answer.requestUri), 0, 1)
    expect(record?.parameters).not.toHaveProperty('client_secret')
    expect(record?.parameters.client_id).toBe(client.clientId)
  })
})

describe('authorization request with request_uri (RFC 9126 section 4)', () => {
  it('resolves client_id + request_uri to the pushed request, ignoring parameters sent beside them', async () => {
    const { server, client, push } = await setUp()
    const { requestUri } = await push()
    const request = await server.validateAuthorizationRequest({
      client_id: client.clientId,
      request_uri: requestUri,
      scope: 'kb:read',
      state: 'forged',
    })
    expect(request.scope).toEqual(['openid', 'kb:read'])
    expect(request.state).toBe('state-1')
    expect(request.redirectUri).toBe(REDIRECT_URI)
  })

  it('is single use: the code consumes it, a second code or a later resolution is invalid_request_uri', async () => {
    const { server, client, push } = await setUp()
    const { requestUri } = await push()
    const front = { client_id: client.clientId, request_uri: requestUri }
    const first = await server.validateAuthorizationRequest(front)
    // The login page re-posts the same parameters: still the same request until the code is issued.
    const again = await server.validateAuthorizationRequest(front)
    const location = new URL(
      await server.issueAuthorizationCode({ request: first, subject: 'u', authTime: 1 }),
    )
    expect(location.searchParams.get('state')).toBe('state-1')
    const second = await refused(server.issueAuthorizationCode({ request: again, subject: 'u', authTime: 1 }))
    expect(second.error).toBe('invalid_request_uri')
    const later = await rejectionOf(server.validateAuthorizationRequest(front), AuthorizationRequestError)
    expect(later.error).toBe('invalid_request_uri')
    expect(later.redirectTo()).toBeUndefined()
  })

  it('expires after expires_in when the user agent never brought it', async () => {
    const { server, client, clock, push } = await setUp()
    const { requestUri } = await push()
    clock.advance(60)
    const error = await rejectionOf(
      server.validateAuthorizationRequest({ client_id: client.clientId, request_uri: requestUri }),
      AuthorizationRequestError,
    )
    expect(error.error).toBe('invalid_request_uri')
  })

  it('once brought within expires_in, outlives it for the login (10 minutes), not longer', async () => {
    const { server, client, clock, push } = await setUp()
    const { requestUri } = await push()
    const front = { client_id: client.clientId, request_uri: requestUri }
    clock.advance(59)
    await server.validateAuthorizationRequest(front)
    clock.advance(300)
    const request = await server.validateAuthorizationRequest(front)
    expect(
      new URL(await server.issueAuthorizationCode({ request, subject: 'u', authTime: 1 })).searchParams.has(
        'code',
      ),
    ).toBe(true)

    const other = await push()
    await server.validateAuthorizationRequest({ client_id: client.clientId, request_uri: other.requestUri })
    clock.advance(600)
    const error = await rejectionOf(
      server.validateAuthorizationRequest({ client_id: client.clientId, request_uri: other.requestUri }),
      AuthorizationRequestError,
    )
    expect(error.error).toBe('invalid_request_uri')
  })

  it('refuses another client, an unknown URI and a URI outside the namespace alike, unredirected', async () => {
    const { server, push } = await setUp()
    const { client: other } = await server.registerClient({
      name: 'other',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid'],
    })
    const { requestUri } = await push()
    for (const params of [
      { client_id: other.clientId, request_uri: requestUri },
      { client_id: other.clientId, request_uri: `${REQUEST_URI_URN_PREFIX}unknown` },
      { client_id: other.clientId, request_uri: 'https://evil.example/request.jwt' },
    ]) {
      const error = await rejectionOf(server.validateAuthorizationRequest(params), AuthorizationRequestError)
      expect(error.error).toBe('invalid_request_uri')
      expect(error.redirectTo()).toBeUndefined()
    }
    const missing = await rejectionOf(
      server.validateAuthorizationRequest({ request_uri: requestUri }),
      AuthorizationRequestError,
    )
    expect(missing.error).toBe('invalid_request')
  })
})

describe('require_pushed_authorization_requests (RFC 9126 sections 5 and 6)', () => {
  it('globally: a front-channel request is refused with invalid_request, a pushed one works, discovery says so', async () => {
    const { server, client, parameters, push } = await setUp({ requirePushedAuthorizationRequests: true })
    expect(server.metadata().require_pushed_authorization_requests).toBe(true)
    const error = await rejectionOf(
      server.validateAuthorizationRequest({ ...parameters, client_id: client.clientId }),
      AuthorizationRequestError,
    )
    expect(error.error).toBe('invalid_request')
    expect(new URL(error.redirectTo() ?? '').searchParams.get('error')).toBe('invalid_request')
    const { requestUri } = await push()
    expect(
      (await server.validateAuthorizationRequest({ client_id: client.clientId, request_uri: requestUri }))
        .clientId,
    ).toBe(client.clientId)
  })

  it('per client: only that client must push', async () => {
    const { server, client, parameters } = await setUp({}, { requirePushedAuthorizationRequests: true })
    expect(server.metadata().require_pushed_authorization_requests).toBe(false)
    const error = await rejectionOf(
      server.validateAuthorizationRequest({ ...parameters, client_id: client.clientId }),
      AuthorizationRequestError,
    )
    expect(error.error).toBe('invalid_request')
    const { client: other } = await server.registerClient({
      name: 'other',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'kb:read'],
    })
    expect(
      (await server.validateAuthorizationRequest({ ...parameters, client_id: other.clientId })).clientId,
    ).toBe(other.clientId)
  })

  it('publishes pushed_authorization_request_endpoint in discovery', async () => {
    const { server } = await setUp()
    expect(server.metadata().pushed_authorization_request_endpoint).toBe(
      'https://auth.pipeshub.test/api/v1/oauth2/par',
    )
  })
})

describe('DPoP on the pushed authorization request (RFC 9449 section 10.1)', () => {
  const PAR_URL = 'https://auth.pipeshub.test/api/v1/oauth2/par'

  it('binds the code to the key of the proof sent with the push', async () => {
    const { server, client, clock, parameters, credentials } = await setUp()
    const key = await dpopKey('ES256', clock.now)
    const { requestUri } = await server.pushAuthorizationRequest(parameters, {
      ...credentials,
      dpop: [await key.proof({ htu: PAR_URL })],
    })
    const request = await server.validateAuthorizationRequest({
      client_id: client.clientId,
      request_uri: requestUri,
    })
    expect(request.dpopJkt).toBe(key.jkt)
  })

  it('refuses a dpop_jkt that is not the key of the proof, and a proof for another endpoint', async () => {
    const { server, clock, parameters, credentials } = await setUp()
    const key = await dpopKey('ES256', clock.now)
    const other = await dpopKey('ES256', clock.now)
    const mismatch = await refused(
      server.pushAuthorizationRequest(
        { ...parameters, dpop_jkt: other.jkt },
        { ...credentials, dpop: [await key.proof({ htu: PAR_URL })] },
      ),
    )
    expect(mismatch.error).toBe('invalid_dpop_proof')
    const elsewhere = await refused(
      server.pushAuthorizationRequest(parameters, {
        ...credentials,
        dpop: [await key.proof({ htu: 'https://auth.pipeshub.test/api/v1/oauth2/token' })],
      }),
    )
    expect(elsewhere.error).toBe('invalid_dpop_proof')
  })
})
