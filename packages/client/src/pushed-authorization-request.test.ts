import { describe, expect, it } from 'vitest'
import { DPoPKey } from './dpop.js'
import { OAuthError, ResponseValidationError } from './errors.js'
import { OAuthClient, type OAuthClientOptions } from './oauth-client.js'
import { cannedFetch, json, type Reply } from './test-support/canned-fetch.js'

const metadata = {
  issuer: 'https://as.example.com',
  authorizationEndpoint: 'https://as.example.com/authorize?tenant=a',
  tokenEndpoint: 'https://as.example.com/token',
  pushedAuthorizationRequestEndpoint: 'https://as.example.com/as/par',
}
const pushed = json(201, {
  request_uri: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c',
  expires_in: 60,
})

function clientWith(replies: Reply[], options: Partial<OAuthClientOptions> = {}) {
  const canned = cannedFetch(...replies)
  const client = new OAuthClient({
    metadata,
    clientId: 'CLIENT1234',
    clientSecret: '7Fjfp0ZBr1KtDRbnfVdmIw',
    fetch: canned.fetch,
    ...options,
  })
  return { client, requests: canned.requests }
}

describe('pushAuthorizationRequest (RFC 9126)', () => {
  it('posts the authorization request with client authentication (§2.1), and the URL carries only client_id and request_uri (§4)', async () => {
    const { client, requests } = clientWith([pushed])
    const request = await client.pushAuthorizationRequest({
      redirectUri: 'https://client.example.org/cb',
      scope: 'account-information',
      resource: 'https://rs.example.com/',
    })
    const [post] = requests
    expect(post?.url).toBe(metadata.pushedAuthorizationRequestEndpoint)
    expect(post?.method).toBe('POST')
    expect(post?.headers.get('authorization')).toMatch(/^Basic /)
    expect(Object.fromEntries(post?.form ?? [])).toEqual({
      response_type: 'code',
      client_id: 'CLIENT1234',
      redirect_uri: 'https://client.example.org/cb',
      scope: 'account-information',
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
      resource: 'https://rs.example.com/',
    })
    expect(request).toMatchObject({
      requestUri: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c',
      expiresIn: 60,
      redirectUri: 'https://client.example.org/cb',
      resource: ['https://rs.example.com/'],
    })
    expect([...request.url.searchParams]).toEqual([
      ['tenant', 'a'],
      ['client_id', 'CLIENT1234'],
      ['request_uri', 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c'],
    ])
  })

  it('never pushes a request_uri itself (RFC 9126 §2.1)', async () => {
    const { client, requests } = clientWith([pushed])
    await client.pushAuthorizationRequest({
      redirectUri: 'https://client.example.org/cb',
      extraParameters: { request_uri: 'urn:x' },
    })
    expect(requests[0]?.form.has('request_uri')).toBe(false)
  })

  it('sends a DPoP proof with the push, binding the code to the key (RFC 9449 §10.1)', async () => {
    const dpop = await DPoPKey.generate()
    const { client, requests } = clientWith([pushed], { dpop })
    await client.pushAuthorizationRequest({ redirectUri: 'https://client.example.org/cb' })
    expect(requests[0]?.headers.get('dpop')).toMatch(/^ey/)
    expect(requests[0]?.form.has('dpop_jkt')).toBe(false)
  })

  it('refuses a success other than 201 Created, and a response without its members', async () => {
    const ok = clientWith([json(200, { request_uri: 'urn:x:1', expires_in: 60 })])
    const wrongStatus = await ok.client
      .pushAuthorizationRequest({ redirectUri: 'https://c/cb' })
      .catch((e: unknown) => e)
    expect(wrongStatus).toBeInstanceOf(ResponseValidationError)
    expect((wrongStatus as ResponseValidationError).issues[0]?.message).toMatch(/201/)
    const missing = clientWith([json(201, { request_uri: 'urn:x:1' })])
    const error = await missing.client
      .pushAuthorizationRequest({ redirectUri: 'https://c/cb' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect((error as ResponseValidationError).issues).toContainEqual(
      expect.objectContaining({ path: '/expires_in' }),
    )
  })

  it('reports an RFC 9126 §2.3 error as an OAuthError', async () => {
    const { client } = clientWith([
      json(400, { error: 'invalid_request', error_description: 'bad redirect_uri' }),
    ])
    await expect(client.pushAuthorizationRequest({ redirectUri: 'https://c/cb' })).rejects.toMatchObject({
      constructor: OAuthError,
      error: 'invalid_request',
      status: 400,
    })
  })

  it('needs the server to have a PAR endpoint, and createAuthorizationRequest refuses a server that requires PAR', async () => {
    const { pushedAuthorizationRequestEndpoint: _none, ...withoutPar } = metadata
    const noPar = new OAuthClient({ metadata: withoutPar, clientId: 'c' })
    await expect(noPar.pushAuthorizationRequest({ redirectUri: 'https://c/cb' })).rejects.toThrow(
      'pushed_authorization_request_endpoint',
    )
    const required = new OAuthClient({
      metadata: { ...metadata, requirePushedAuthorizationRequests: true },
      clientId: 'c',
    })
    await expect(required.createAuthorizationRequest({ redirectUri: 'https://c/cb' })).rejects.toThrow(
      'use pushAuthorizationRequest',
    )
  })
})
