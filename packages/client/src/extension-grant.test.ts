import { describe, expect, it } from 'vitest'
import { HttpError, NetworkError, OAuthError, ResponseValidationError } from './errors.js'
import type { ExtensionGrantParameters } from './extension-grant.js'
import { OAuthClient, type OAuthClientOptions } from './oauth-client.js'
import { cannedFetch, json, networkFailure, type Reply, text } from './test-support/canned-fetch.js'

const metadata = { issuer: 'https://as.example', tokenEndpoint: 'https://as.example/api/v1/oauth2/token' }
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const wireTokens = { access_token: 'at-1', token_type: 'Bearer', expires_in: 600, issued_token_type: 'x' }

function clientWith(replies: Reply[], options: Partial<OAuthClientOptions> = {}) {
  const canned = cannedFetch(...replies)
  const client = new OAuthClient({
    metadata,
    clientId: 'client 1',
    clientSecret: 'secret:1',
    fetch: canned.fetch,
    // Retries on, with no waiting: what is asserted is whether a request is sent again.
    retry: { maxAttempts: 3, baseDelayMs: 0 },
    ...options,
  })
  return { client, requests: canned.requests }
}

describe('extension grants (RFC 6749 §4.5)', () => {
  it('posts the grant type and its parameters with client authentication, and returns the checked model', async () => {
    const { client, requests } = clientWith([json(200, wireTokens)])
    const tokens = await client.grant(TOKEN_EXCHANGE, {
      subject_token: 'st',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      resource: ['https://a.example', 'https://b.example'],
    })
    expect({ ...tokens }).toEqual({ accessToken: 'at-1', tokenType: 'Bearer', expiresIn: 600 })
    expect(tokens.raw).toEqual(wireTokens)
    const [request] = requests
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe(metadata.tokenEndpoint)
    expect(request?.headers.get('content-type')).toBe('application/x-www-form-urlencoded')
    expect(request?.headers.get('authorization')).toBe(`Basic ${btoa('client+1:secret%3A1')}`)
    expect([...(request?.form ?? [])]).toEqual([
      ['grant_type', TOKEN_EXCHANGE],
      ['subject_token', 'st'],
      ['subject_token_type', 'urn:ietf:params:oauth:token-type:access_token'],
      ['resource', 'https://a.example'],
      ['resource', 'https://b.example'],
    ])
  })

  it('authenticates in the body with client_secret_post', async () => {
    const { client, requests } = clientWith([json(200, wireTokens)], {
      clientAuthentication: 'client_secret_post',
    })
    await client.grant(JWT_BEARER, { assertion: 'a.b.c' })
    expect(requests[0]?.headers.has('authorization')).toBe(false)
    expect(Object.fromEntries(requests[0]?.form ?? [])).toEqual({
      grant_type: JWT_BEARER,
      assertion: 'a.b.c',
      client_id: 'client 1',
      client_secret: 'secret:1',
    })
  })

  it('surfaces unsupported_grant_type as an OAuthError', async () => {
    const { client, requests } = clientWith([
      json(400, { error: 'unsupported_grant_type', error_description: 'no such grant' }),
    ])
    const error = (await client.grant('urn:example:unsupported').catch((e: unknown) => e)) as OAuthError
    expect(error).toBeInstanceOf(OAuthError)
    expect(error).toMatchObject({ error: 'unsupported_grant_type', status: 400 })
    expect(requests).toHaveLength(1)
  })

  it('names every bad field of an invalid token response', async () => {
    const { client } = clientWith([json(200, { token_type: 'Bearer', expires_in: '600' })])
    const error = (await client.grant(JWT_BEARER, { assertion: 'a' }).catch((e: unknown) => e)) as
      | ResponseValidationError
      | undefined
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect(error?.issues.map((issue) => issue.path).sort()).toEqual(['/access_token', '/expires_in'])
  })

  it('never re-sends a grant that is not declared idempotent after a 5xx or a network error', async () => {
    const unavailable = clientWith([text(503, 'down', { 'retry-after': '0' }), json(200, wireTokens)])
    const error = await unavailable.client.grant(JWT_BEARER, { assertion: 'a' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect(unavailable.requests).toHaveLength(1)

    const broken = clientWith([networkFailure(), json(200, wireTokens)])
    await expect(broken.client.grant(JWT_BEARER, { assertion: 'a' })).rejects.toBeInstanceOf(NetworkError)
    expect(broken.requests).toHaveLength(1)
  })

  it('re-sends a grant that is not declared idempotent after a 429 (the server did not process it)', async () => {
    const { client, requests } = clientWith([json(429, {}, { 'retry-after': '0' }), json(200, wireTokens)])
    await expect(client.grant(JWT_BEARER, { assertion: 'a' })).resolves.toMatchObject({ accessToken: 'at-1' })
    expect(requests).toHaveLength(2)
  })

  it('retries an idempotent grant after 503 and network errors, with the same body', async () => {
    const { client, requests } = clientWith([
      networkFailure(),
      text(503, 'down', { 'retry-after': '0' }),
      json(200, wireTokens),
    ])
    const tokens = await client.grant(TOKEN_EXCHANGE, { subject_token: 'st' }, { idempotent: true })
    expect(tokens.accessToken).toBe('at-1')
    expect(requests).toHaveLength(3)
    expect(new Set(requests.map((request) => request.body)).size).toBe(1)
  })

  it('does not retry an OAuth error even for an idempotent grant', async () => {
    const { client, requests } = clientWith([json(400, { error: 'invalid_grant' }), json(200, wireTokens)])
    await expect(
      client.grant(TOKEN_EXCHANGE, { subject_token: 'st' }, { idempotent: true }),
    ).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(requests).toHaveLength(1)
  })

  it('refuses a grant type that is neither an absolute URI nor a grant name, before any request', async () => {
    const { client, requests } = clientWith([json(200, wireTokens)])
    for (const grantType of ['', 'jwt bearer', 'urn:example:with space', '/relative', 'a/b']) {
      await expect(client.grant(grantType)).rejects.toThrow(/^grantType must be an absolute URI/)
    }
    expect(requests).toHaveLength(0)
  })

  it('points the grants with their own method to it, so their checks cannot be skipped', async () => {
    const { client } = clientWith([json(200, wireTokens)])
    await expect(client.grant('authorization_code', { code: 'c' })).rejects.toThrow(
      'grantType authorization_code: use exchangeAuthorizationCode()',
    )
    await expect(client.grant('refresh_token')).rejects.toThrow('use refresh()')
    await expect(client.grant('client_credentials')).rejects.toThrow('use clientCredentials()')
  })

  it('refuses parameters the client sets itself, and values that are not strings, naming them', async () => {
    const { client, requests } = clientWith([json(200, wireTokens)])
    await expect(client.grant(JWT_BEARER, { grant_type: 'x' })).rejects.toThrow(
      'parameters.grant_type: the grant type is the first argument of grant()',
    )
    await expect(client.grant(JWT_BEARER, { client_secret: 's' })).rejects.toThrow(
      /^parameters\.client_secret: client authentication is added by the client/,
    )
    await expect(client.grant(JWT_BEARER, { client_id: 'c' })).rejects.toThrow(/^parameters\.client_id/)
    const numeric = { assertion: 42 } as unknown as ExtensionGrantParameters
    await expect(client.grant(JWT_BEARER, numeric)).rejects.toThrow(
      'parameters.assertion must be a string or an array of strings',
    )
    const mixed = { resource: ['https://a', 1] } as unknown as ExtensionGrantParameters
    await expect(client.grant(JWT_BEARER, mixed)).rejects.toThrow(/^parameters\.resource/)
    expect(requests).toHaveLength(0)
  })
})
