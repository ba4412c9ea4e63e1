import { describe, expect, it } from 'vitest'
import { HttpError, OAuthError, ResponseValidationError } from './errors.js'
import { OAuthClient, type OAuthClientOptions } from './oauth-client.js'
import { cannedFetch, json, type Reply, text } from './test-support/canned-fetch.js'

const metadata = {
  issuer: 'https://as.example',
  tokenEndpoint: 'https://as.example/api/v1/oauth2/token',
  revocationEndpoint: 'https://as.example/api/v1/oauth2/revoke',
  introspectionEndpoint: 'https://as.example/api/v1/oauth2/introspect',
  userinfoEndpoint: 'https://as.example/api/v1/oauth2/userinfo',
}
const wireTokens = {
  access_token: 'at-1',
  token_type: 'bearer',
  expires_in: 3600,
  scope: 'org:read',
  ext: 42,
}

function clientWith(replies: Reply[], options: Partial<OAuthClientOptions> = {}) {
  const canned = cannedFetch(...replies)
  const client = new OAuthClient({
    metadata,
    clientId: 'client 1',
    clientSecret: 'secret:1',
    fetch: canned.fetch,
    retry: false,
    ...options,
  })
  return { client, requests: canned.requests }
}

describe('token responses', () => {
  it('returns the camelCase model, with the wire JSON as non-enumerable raw', async () => {
    const { client } = clientWith([json(200, wireTokens)])
    const response = await client.clientCredentials({ scope: ['org:read'] })
    expect({ ...response }).toEqual({
      accessToken: 'at-1',
      tokenType: 'bearer',
      expiresIn: 3600,
      scope: 'org:read',
    })
    expect(JSON.parse(JSON.stringify(response))).toEqual({ ...response })
    expect(response.raw).toEqual(wireTokens)
  })

  it('posts a form with client_secret_basic by default', async () => {
    const { client, requests } = clientWith([json(200, wireTokens)])
    await client.clientCredentials({
      scope: 'org:read user:read',
      extraParameters: { resource: 'https://api' },
    })
    const [request] = requests
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe(metadata.tokenEndpoint)
    expect(request?.headers.get('content-type')).toBe('application/x-www-form-urlencoded')
    expect(request?.headers.get('authorization')).toBe(`Basic ${btoa('client+1:secret%3A1')}`)
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      resource: 'https://api',
      grant_type: 'client_credentials',
      scope: 'org:read user:read',
    })
  })

  it('sends the secret in the body with client_secret_post, and only client_id with none', async () => {
    const post = clientWith([json(200, wireTokens)], { clientAuthentication: 'client_secret_post' })
    await post.client.refresh({ refreshToken: 'rt' })
    expect(post.requests[0]?.headers.has('authorization')).toBe(false)
    expect(post.requests[0]?.form.get('client_secret')).toBe('secret:1')
    expect(post.requests[0]?.form.get('grant_type')).toBe('refresh_token')

    const pub = clientWith([json(200, wireTokens)], { clientSecret: undefined })
    expect(pub.client.clientAuthentication).toBe('none')
    await pub.client.refresh({ refreshToken: 'rt', scope: 'org:read' })
    expect(Object.fromEntries(pub.requests[0]?.form ?? [])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt',
      scope: 'org:read',
      client_id: 'client 1',
    })
  })

  it('refuses a secret-based method without a secret', () => {
    expect(
      () => new OAuthClient({ metadata, clientId: 'c', clientAuthentication: 'client_secret_basic' }),
    ).toThrow(TypeError)
  })

  it('names every bad field of an invalid token response', async () => {
    const { client } = clientWith([json(200, { token_type: 'Bearer', expires_in: '3600' })])
    const error = (await client.clientCredentials().catch((e: unknown) => e)) as ResponseValidationError
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect(error.messageName).toBe('OAuthTokenResponse')
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['/access_token', '/expires_in'])
    expect(error.status).toBe(200)
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('refuses a 200 whose body is not JSON', async () => {
    const { client } = clientWith([text(200, '<html>login</html>')])
    const error = (await client.clientCredentials().catch((e: unknown) => e)) as ResponseValidationError
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect(error.issues).toEqual([{ path: '', keyword: 'json', message: 'body is not valid JSON' }])
  })

  it('refuses a token type other than Bearer', async () => {
    const { client } = clientWith([json(200, { access_token: 'x', token_type: 'DPoP' })])
    const error = (await client.clientCredentials().catch((e: unknown) => e)) as ResponseValidationError
    expect(error.issues[0]?.path).toBe('/token_type')
  })
})

describe('error responses', () => {
  it('turns an RFC 6749 §5.2 body into an OAuthError with every field', async () => {
    const { client } = clientWith([
      json(
        401,
        { error: 'invalid_client', error_description: 'bad secret', error_uri: 'https://as.example/e' },
        { 'www-authenticate': 'Basic realm="token"' },
      ),
    ])
    const error = (await client.clientCredentials().catch((e: unknown) => e)) as OAuthError
    expect(error).toBeInstanceOf(OAuthError)
    expect(error).toMatchObject({
      error: 'invalid_client',
      errorDescription: 'bad secret',
      errorUri: 'https://as.example/e',
      status: 401,
    })
    expect(error.wwwAuthenticate).toEqual([{ scheme: 'basic', parameters: { realm: 'token' } }])
    expect(error.response?.status).toBe(401)
    expect(error.message).toBe('invalid_client: bad secret')
  })

  it('turns a non-OAuth failure into an HttpError with status and body', async () => {
    const { client } = clientWith([text(404, 'Not Found')])
    const error = (await client.clientCredentials().catch((e: unknown) => e)) as HttpError
    expect(error).toBeInstanceOf(HttpError)
    expect(error.status).toBe(404)
    expect(error.body).toBe('Not Found')
  })

  it("does not take PipesHub's legacy {error:{code}} validation body for an OAuth error", async () => {
    const { client } = clientWith([json(400, { error: { code: 'VALIDATION_ERROR' } })])
    await expect(client.clientCredentials()).rejects.toBeInstanceOf(HttpError)
  })

  it('treats a redirect from the token endpoint as a failure (credentials are never forwarded)', async () => {
    const { client } = clientWith([text(307, '', { location: 'https://evil.example/' })])
    const error = (await client.clientCredentials().catch((e: unknown) => e)) as HttpError
    expect(error.status).toBe(307)
  })

  it('explains a missing endpoint', async () => {
    const client = new OAuthClient({ metadata: { issuer: 'https://as.example' }, clientId: 'c' })
    await expect(client.clientCredentials()).rejects.toThrow(
      'the server metadata has no token_endpoint (metadata.tokenEndpoint)',
    )
  })

  it('names a hand-written endpoint that is not an absolute URL', async () => {
    const client = new OAuthClient({
      metadata: { issuer: 'https://as.example', tokenEndpoint: '/api/v1/oauth2/token' },
      clientId: 'c',
    })
    await expect(client.clientCredentials()).rejects.toThrow(
      'metadata.tokenEndpoint (token_endpoint) is not an absolute URL: /api/v1/oauth2/token',
    )
  })

  it('refuses a client authentication method it does not implement, instead of sending no credentials', () => {
    const options = {
      metadata,
      clientId: 'c',
      clientSecret: 's',
      clientAuthentication: 'client_secret_jwt',
    } as unknown as OAuthClientOptions
    expect(() => new OAuthClient(options)).toThrow(
      'clientAuthentication must be client_secret_basic, client_secret_post, private_key_jwt, none; got client_secret_jwt',
    )
  })
})

describe('revocation', () => {
  it('posts token and hint with client authentication and resolves on 200', async () => {
    const { client, requests } = clientWith([text(200, '')])
    await client.revoke({ token: 'rt', tokenTypeHint: 'refresh_token' })
    expect(requests[0]?.url).toBe(metadata.revocationEndpoint)
    expect(requests[0]?.headers.get('authorization')).toMatch(/^Basic /)
    expect(Object.fromEntries(requests[0]?.form ?? [])).toEqual({
      token: 'rt',
      token_type_hint: 'refresh_token',
    })
  })

  it('reports unsupported_token_type as an OAuthError', async () => {
    const { client } = clientWith([json(400, { error: 'unsupported_token_type' })])
    await expect(client.revoke({ token: 't' })).rejects.toMatchObject({ error: 'unsupported_token_type' })
  })
})

describe('introspection', () => {
  it('returns an active token as the camelCase model', async () => {
    const wire = { active: true, scope: 'org:read', client_id: 'c', token_type: 'Bearer', exp: 10, sub: 'u' }
    const { client, requests } = clientWith([json(200, wire)])
    const result = await client.introspect({ token: 'at', tokenTypeHint: 'access_token' })
    expect({ ...result }).toEqual({
      active: true,
      scope: 'org:read',
      clientId: 'c',
      tokenType: 'Bearer',
      exp: 10,
      sub: 'u',
    })
    expect(result.raw).toEqual(wire)
    expect(requests[0]?.form.get('token_type_hint')).toBe('access_token')
  })

  it('returns an inactive token without throwing', async () => {
    const { client } = clientWith([json(200, { active: false })])
    await expect(client.introspect({ token: 'x' })).resolves.toEqual({ active: false })
  })

  it('refuses a body without active', async () => {
    const { client } = clientWith([json(200, { scope: 'a' })])
    const error = (await client
      .introspect({ token: 'x' })
      .catch((e: unknown) => e)) as ResponseValidationError
    expect(error.issues).toContainEqual(expect.objectContaining({ path: '/active' }))
  })
})

describe('userinfo', () => {
  it('sends the access token as a bearer token and returns the claims', async () => {
    const { client, requests } = clientWith([json(200, { sub: 'u1', email: 'a@b.c', email_verified: true })])
    const claims = await client.userinfo('at-1', { expectedSubject: 'u1' })
    expect(claims).toMatchObject({ sub: 'u1', email: 'a@b.c', emailVerified: true })
    expect(requests[0]?.method).toBe('GET')
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer at-1')
  })

  it('reads the RFC 6750 §3 error from WWW-Authenticate on a 401 with no body', async () => {
    const { client } = clientWith([
      text(401, '', { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' }),
    ])
    const error = (await client.userinfo('old').catch((e: unknown) => e)) as OAuthError
    expect(error).toBeInstanceOf(OAuthError)
    expect(error).toMatchObject({ error: 'invalid_token', errorDescription: 'expired', status: 401 })
  })

  it('refuses claims about another subject', async () => {
    const { client } = clientWith([json(200, { sub: 'someone-else' })])
    const error = (await client
      .userinfo('at', { expectedSubject: 'u1' })
      .catch((e: unknown) => e)) as ResponseValidationError
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect(error.issues[0]?.path).toBe('/sub')
  })
})
