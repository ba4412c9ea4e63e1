import { authorizationServerMetadataCodec } from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { AuthorizationRequestError, parsePrompt } from './authorization-request.js'
import { OAuthError } from './errors.js'
import { pkcePair, REDIRECT_URI, rejectionOf, testServer } from './test-support/fixtures.js'

const refusal = (promise: Promise<unknown>) => rejectionOf(promise, AuthorizationRequestError)

async function webApp(server = testServer().server) {
  const { client } = await server.registerClient({
    name: 'web app',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile', 'offline_access', 'kb:read'],
  })
  const { challenge } = pkcePair()
  const request = (extra: Record<string, string | undefined>) =>
    server.validateAuthorizationRequest({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'openid kb:read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'state-1',
      ...extra,
    })
  return { server, client, request }
}

describe('state (RFC 6749 section 4.1.1, RFC 9700 section 2.1.1)', () => {
  it('accepts a request without state when it carries an S256 code_challenge (RFC 9700 section 2.1.1)', async () => {
    const { request, server } = await webApp()
    const validated = await request({ state: undefined })
    expect(validated.state).toBeUndefined()
    const location = new URL(
      await server.issueAuthorizationCode({ request: validated, subject: 'u', authTime: 1 }),
    )
    expect(location.searchParams.has('code')).toBe(true)
    expect(location.searchParams.has('state')).toBe(false)
  })

  it('still requires state without PKCE, where state is the only CSRF protection', async () => {
    const { request } = await webApp()
    const error = await refusal(
      request({ state: undefined, code_challenge: undefined, code_challenge_method: undefined }),
    )
    expect(error.error).toBe('invalid_request')
    expect(error.errorDescription).toBe('state is required')
    expect(error.redirectTo()).toContain('error=invalid_request')
  })

  it('requires state always with the requireState option', async () => {
    const { request } = await webApp(testServer(undefined, undefined, { requireState: true }).server)
    const error = await refusal(request({ state: undefined }))
    expect(error.error).toBe('invalid_request')
    expect(error.errorDescription).toBe('state is required')
  })
})

describe('prompt (OpenID Connect Core section 3.1.2.1)', () => {
  it('refuses prompt=none combined with any other value with invalid_request', async () => {
    const { request } = await webApp()
    for (const prompt of ['none login', 'none consent', 'consent none', 'none select_account']) {
      const error = await refusal(request({ prompt }))
      expect(error.error).toBe('invalid_request')
      expect(new URL(error.redirectTo() ?? '').searchParams.get('error')).toBe('invalid_request')
    }
  })

  it('refuses an unknown prompt value with invalid_request', async () => {
    const { request } = await webApp()
    const error = await refusal(request({ prompt: 'login sometimes' }))
    expect(error.error).toBe('invalid_request')
    expect(error.errorDescription).toContain('sometimes')
  })

  it('parses the known values, space-delimited, without duplicates', async () => {
    const { request } = await webApp()
    expect((await request({ prompt: 'login consent login' })).prompt).toEqual(['login', 'consent'])
    expect((await request({})).prompt).toEqual([])
    expect(parsePrompt('none')).toEqual(['none'])
    expect(parsePrompt('select_account')).toEqual(['select_account'])
    expect(() => parsePrompt('none login')).toThrow(OAuthError)
  })
})

describe('request objects (OpenID Connect Core section 3.1.2.6, Discovery section 3)', () => {
  it('answers request_not_supported to a request parameter instead of ignoring it', async () => {
    const { request } = await webApp()
    const error = await refusal(request({ request: 'eyJhbGciOiJub25lIn0.e30.' }))
    expect(error.error).toBe('request_not_supported')
    expect(new URL(error.redirectTo() ?? '').searchParams.get('error')).toBe('request_not_supported')
  })

  it('answers invalid_request_uri, unredirected, to a request_uri it did not issue (RFC 9126 section 4)', async () => {
    const { request } = await webApp()
    const error = await refusal(request({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }))
    expect(error.error).toBe('invalid_request_uri')
    expect(error.redirectTo()).toBeUndefined()
    const remote = await refusal(request({ request_uri: 'https://client.example/request.jwt' }))
    expect(remote.error).toBe('invalid_request_uri')
  })

  it('publishes request_parameter_supported and request_uri_parameter_supported as false', () => {
    const metadata = testServer().server.metadata()
    expect(metadata.request_parameter_supported).toBe(false)
    // Discovery section 3: absent means true, so it must be published.
    expect(metadata.request_uri_parameter_supported).toBe(false)
    // ...as the models describe it, so a client reading the document sees it too.
    expect(authorizationServerMetadataCodec.decode(metadata)).toMatchObject({
      requestParameterSupported: false,
      requestUriParameterSupported: false,
    })
  })
})

describe('response_mode (OAuth 2.0 Multiple Response Type Encoding Practices section 2.1)', () => {
  it('refuses a response_mode other than query with invalid_request, never ignores it', async () => {
    const { request } = await webApp()
    expect((await request({ response_mode: 'query' })).redirectUri).toBe(REDIRECT_URI)
    for (const mode of ['fragment', 'form_post', 'jwt']) {
      const error = await refusal(request({ response_mode: mode }))
      expect(error.error).toBe('invalid_request')
      expect(error.errorDescription).toBe('response_mode must be query')
    }
  })
})
