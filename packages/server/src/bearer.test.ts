import { describe, expect, it } from 'vitest'
import { bearerChallenge, bearerToken, invalidTokenError } from './bearer.js'

describe('Bearer challenges (RFC 6750 section 3)', () => {
  it('writes the RFC examples', () => {
    // RFC 6750 section 3: the examples of a request without authentication and with an expired token.
    expect(bearerChallenge({ realm: 'example' })).toBe('Bearer realm="example"')
    expect(
      bearerChallenge({
        realm: 'example',
        error: 'invalid_token',
        errorDescription: 'The access token expired',
      }),
    ).toBe('Bearer realm="example", error="invalid_token", error_description="The access token expired"')
  })

  it('puts resource_metadata first when there is no realm (RFC 9728 section 5.1)', () => {
    expect(
      bearerChallenge({
        resourceMetadata: 'https://resource.example.com/.well-known/oauth-protected-resource',
        error: 'insufficient_scope',
        scope: 'kb:read',
      }),
    ).toBe(
      'Bearer resource_metadata="https://resource.example.com/.well-known/oauth-protected-resource", error="insufficient_scope", scope="kb:read"',
    )
  })

  it('keeps every value a quoted-string: quotes, backslashes and controls become an apostrophe', () => {
    expect(bearerChallenge({ errorDescription: 'a "b" \\ c\r\n' })).toBe(
      `Bearer error_description="a 'b' ' c''"`,
    )
  })

  it('answers invalid_token with status 401 and the challenge naming it', () => {
    const error = invalidTokenError('the access token expired')
    expect(error.status).toBe(401)
    expect(error.wwwAuthenticate).toBe(
      'Bearer error="invalid_token", error_description="the access token expired"',
    )
  })

  it('reads the token of an Authorization header, the scheme in any case (RFC 6750 section 2.1)', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def')
    expect(bearerToken('bearer   abc ')).toBe('abc')
    expect(bearerToken('Basic abc')).toBeUndefined()
    expect(bearerToken('Bearer ')).toBeUndefined()
    expect(bearerToken(undefined)).toBeUndefined()
  })
})
