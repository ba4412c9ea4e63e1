import { describe, expect, it } from 'vitest'
import { protectedResourceMetadataCodec, protectedResourceMetadataUrl } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'

// RFC 9728 §3.2's example response.
const EXAMPLE = {
  resource: 'https://resource.example.com',
  authorization_servers: ['https://as1.example.com', 'https://as2.example.net'],
  bearer_methods_supported: ['header', 'body'],
  scopes_supported: ['profile', 'email', 'phone'],
  resource_documentation: 'https://resource.example.com/resource_documentation.html',
}

describe('ProtectedResourceMetadata (RFC 9728)', () => {
  it('decodes the RFC 9728 §3.2 example to the camelCase model, ignoring extensions', () => {
    expect(protectedResourceMetadataCodec.decode({ ...EXAMPLE, ext: 1 })).toEqual({
      resource: 'https://resource.example.com',
      authorizationServers: ['https://as1.example.com', 'https://as2.example.net'],
      bearerMethodsSupported: ['header', 'body'],
      scopesSupported: ['profile', 'email', 'phone'],
      resourceDocumentation: 'https://resource.example.com/resource_documentation.html',
    })
  })

  it('requires resource, an absolute URI without fragment, and knows only the RFC 6750 bearer methods', () => {
    const paths = (value: unknown) =>
      protectedResourceMetadataCodec.validate(value).map((issue) => issue.path)
    expect(paths({ authorization_servers: [] })).toEqual(['/resource'])
    expect(paths({ resource: 'https://r.example/#f' })).toContain('/resource')
    expect(paths({ resource: 'https://r.example', bearer_methods_supported: ['cookie'] })).toContain(
      '/bearer_methods_supported/0',
    )
    expect(
      paths({ resource: 'https://r.example', authorization_servers: ['https://as.example/?q'] }),
    ).toContain('/authorization_servers/0')
  })

  it('places the well-known suffix between the host and the path (RFC 9728 §3.1)', () => {
    expect(protectedResourceMetadataUrl('https://resource.example.com')).toBe(
      'https://resource.example.com/.well-known/oauth-protected-resource',
    )
    expect(protectedResourceMetadataUrl('https://api.example.com/mcp')).toBe(
      'https://api.example.com/.well-known/oauth-protected-resource/mcp',
    )
    expect(protectedResourceMetadataUrl('http://127.0.0.1:8080/a/b/?x=1')).toBe(
      'http://127.0.0.1:8080/.well-known/oauth-protected-resource/a/b?x=1',
    )
  })
})

describeRoundTrips(protectedResourceMetadataCodec)
