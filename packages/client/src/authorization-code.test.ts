import { describe, expect, it } from 'vitest'
import { AuthorizationCallbackError, OAuthError, StateMismatchError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { codeChallengeS256 } from './pkce.js'

const metadata = {
  issuer: 'https://as.example',
  authorizationEndpoint: 'https://as.example/api/v1/oauth2/authorize?tenant=t1',
  tokenEndpoint: 'https://as.example/api/v1/oauth2/token',
}
const client = new OAuthClient({ metadata, clientId: 'app' })

describe('createAuthorizationRequest', () => {
  it('builds an RFC 6749 §4.1.1 URL with an S256 challenge, state and nonce', async () => {
    const request = await client.createAuthorizationRequest({
      redirectUri: 'https://app.example/callback',
      scope: ['openid', 'org:read'],
      extraParameters: { prompt: 'consent' },
    })
    const query = Object.fromEntries(request.url.searchParams)
    expect(request.url.origin + request.url.pathname).toBe('https://as.example/api/v1/oauth2/authorize')
    expect(query).toEqual({
      tenant: 't1',
      prompt: 'consent',
      response_type: 'code',
      client_id: 'app',
      redirect_uri: 'https://app.example/callback',
      scope: 'openid org:read',
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    })
    expect(request.codeChallenge).toBe(await codeChallengeS256(request.codeVerifier))
    expect(request.codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/)
    expect(request.state).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('draws fresh state, nonce and verifier for every request', async () => {
    const a = await client.createAuthorizationRequest({ redirectUri: 'https://app.example/cb' })
    const b = await client.createAuthorizationRequest({ redirectUri: 'https://app.example/cb' })
    expect(new Set([a.state, b.state, a.nonce, b.nonce, a.codeVerifier, b.codeVerifier]).size).toBe(6)
  })

  it('does not let extra parameters replace the protocol ones', async () => {
    const request = await client.createAuthorizationRequest({
      redirectUri: 'https://app.example/cb',
      extraParameters: { code_challenge_method: 'plain', state: 'attacker' },
    })
    expect(request.url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(request.url.searchParams.get('state')).toBe(request.state)
  })
})

describe('validateAuthorizationCallback', () => {
  const callback = (query: string) => `https://app.example/callback?${query}`

  it('returns code, state and iss of a good callback', () => {
    expect(
      client.validateAuthorizationCallback(callback('code=abc&state=s1&iss=https%3A%2F%2Fas.example'), {
        state: 's1',
      }),
    ).toEqual({
      code: 'abc',
      state: 's1',
      iss: 'https://as.example',
    })
    expect(
      client.validateAuthorizationCallback(new URLSearchParams('code=abc&state=s1'), { state: 's1' }).iss,
    ).toBeUndefined()
    expect(client.validateAuthorizationCallback('?code=abc&state=s1', { state: 's1' }).code).toBe('abc')
  })

  it("reads a path with its query, as Node's request.url gives it", () => {
    expect(
      client.validateAuthorizationCallback('/callback?code=abc&state=s1#ignored', { state: 's1' }),
    ).toEqual({ code: 'abc', state: 's1', iss: undefined })
    expect(() => client.validateAuthorizationCallback('/callback', { state: 's1' })).toThrow(
      StateMismatchError,
    )
  })

  it('refuses a state that is not the one sent', () => {
    expect(() =>
      client.validateAuthorizationCallback(callback('code=abc&state=other'), { state: 's1' }),
    ).toThrow(StateMismatchError)
    expect(() => client.validateAuthorizationCallback(callback('code=abc'), { state: 's1' })).toThrow(
      StateMismatchError,
    )
  })

  it('checks state before trusting an error response', () => {
    expect(() =>
      client.validateAuthorizationCallback(callback('error=access_denied&state=forged'), { state: 's1' }),
    ).toThrow(StateMismatchError)
  })

  it('turns an error response into an OAuthError without a status', () => {
    try {
      client.validateAuthorizationCallback(
        callback('error=access_denied&error_description=user+said+no&state=s1'),
        { state: 's1' },
      )
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(OAuthError)
      expect(error).toMatchObject({
        error: 'access_denied',
        errorDescription: 'user said no',
        status: undefined,
      })
    }
  })

  it('refuses a callback from another issuer (RFC 9207 mix-up defence)', () => {
    try {
      client.validateAuthorizationCallback(callback('code=abc&state=s1&iss=https%3A%2F%2Fevil.example'), {
        state: 's1',
      })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(AuthorizationCallbackError)
      expect((error as AuthorizationCallbackError).reason).toBe('issuer_mismatch')
    }
  })

  it('requires iss when the server advertises authorization_response_iss_parameter_supported', () => {
    const strict = new OAuthClient({
      metadata: { ...metadata, authorizationResponseIssParameterSupported: true },
      clientId: 'app',
    })
    expect(() =>
      strict.validateAuthorizationCallback(callback('code=abc&state=s1'), { state: 's1' }),
    ).toThrow(expect.objectContaining({ reason: 'missing_issuer' }))
  })

  it('refuses a callback without a code, or with a repeated parameter', () => {
    expect(() => client.validateAuthorizationCallback(callback('state=s1'), { state: 's1' })).toThrow(
      expect.objectContaining({ reason: 'missing_code' }),
    )
    expect(() =>
      client.validateAuthorizationCallback(callback('code=a&code=b&state=s1'), { state: 's1' }),
    ).toThrow(expect.objectContaining({ reason: 'duplicate_parameter' }))
  })
})
