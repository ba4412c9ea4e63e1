import { describe, expect, it } from 'vitest'
import {
  authorizationCodeTokenRequestCodec,
  clientCredentialsTokenRequestCodec,
  isResourceIndicator,
  refreshTokenRequestCodec,
  resourceList,
  resourceMember,
} from './index.js'

describe('RFC 8707 resource indicators', () => {
  it('accepts absolute URIs, with a query, without a fragment', () => {
    for (const value of [
      'https://mcp.example.com/mcp',
      'https://api.example.com/v1?tenant=a',
      'urn:example:api',
    ]) {
      expect(isResourceIndicator(value), value).toBe(true)
    }
  })

  it('refuses relative references, fragments, spaces and non-strings', () => {
    for (const value of [
      '/mcp',
      'mcp.example.com',
      'https://mcp.example.com/mcp#top',
      'https://mcp.example.com/a b',
      '',
      `https://example.com/${'a'.repeat(2048)}`,
      ['https://mcp.example.com/mcp'],
      7,
    ]) {
      expect(isResourceIndicator(value), String(value)).toBe(false)
    }
  })

  it('lists the wire member without duplicates and writes one as a string, several as an array', () => {
    expect(resourceList(undefined)).toEqual([])
    expect(resourceList('https://a.example')).toEqual(['https://a.example'])
    expect(resourceList(['https://a.example', 'https://b.example', 'https://a.example'])).toEqual([
      'https://a.example',
      'https://b.example',
    ])
    expect(resourceMember([])).toBeUndefined()
    expect(resourceMember(['https://a.example', 'https://a.example'])).toBe('https://a.example')
    expect(resourceMember(['https://a.example', 'https://b.example'])).toEqual([
      'https://a.example',
      'https://b.example',
    ])
  })

  it('is carried by every token request, one or several times', () => {
    const code = authorizationCodeTokenRequestCodec.decode({
      grant_type: 'authorization_code',
      code: 'SplxlOBeZQQYbYS6WxSbIA',
      resource: ['https://a.example/mcp', 'https://b.example/api'],
    })
    expect(code.resource).toEqual(['https://a.example/mcp', 'https://b.example/api'])
    expect(
      clientCredentialsTokenRequestCodec.decode({
        grant_type: 'client_credentials',
        resource: 'https://a.example',
      }).resource,
    ).toBe('https://a.example')
    expect(
      refreshTokenRequestCodec.encode({
        grantType: 'refresh_token',
        refreshToken: 'tGzv3JOkF0XG5Qx2TlKWIA',
        resource: ['https://a.example'],
      }),
    ).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'tGzv3JOkF0XG5Qx2TlKWIA',
      resource: ['https://a.example'],
    })
  })

  it('refuses a token request whose resource has a fragment or is an empty list', () => {
    const fragment = clientCredentialsTokenRequestCodec.validate({
      grant_type: 'client_credentials',
      resource: 'https://a.example/#x',
    })
    expect(fragment.map((issue) => issue.path)).toContain('/resource')
    expect(clientCredentialsTokenRequestCodec.check({ grant_type: 'client_credentials', resource: [] })).toBe(
      false,
    )
  })
})
