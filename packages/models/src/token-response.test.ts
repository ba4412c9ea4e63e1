import { describe, expect, it } from 'vitest'
import { decodeTokenResponse, encodeTokenResponse, WireValidationError } from './index.js'

describe('decodeTokenResponse', () => {
  it('maps a full RFC 6749 §5.1 response to the camelCase model', () => {
    expect(
      decodeTokenResponse({
        access_token: 'at',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt',
        scope: 'openid kb:read',
        id_token: 'a.b.c',
      }),
    ).toEqual({
      accessToken: 'at',
      tokenType: 'Bearer',
      expiresIn: 3600,
      refreshToken: 'rt',
      scope: 'openid kb:read',
      idToken: 'a.b.c',
    })
  })

  it('names every failing field and what it expected', () => {
    try {
      decodeTokenResponse({ expires_in: '3600' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(WireValidationError)
      expect((error as WireValidationError).issues.map((issue) => issue.path)).toEqual([
        '/access_token',
        '/token_type',
        '/expires_in',
      ])
    }
  })

  it('round-trips through encodeTokenResponse', () => {
    const model = { accessToken: 'at', tokenType: 'bearer', expiresIn: 0 }
    expect(decodeTokenResponse(encodeTokenResponse(model))).toEqual(model)
  })
})
