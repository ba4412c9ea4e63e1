import { describe, expect, it } from 'vitest'
import { OAuthAppWire } from './index.js'
import {
  createOAuthAppRequestCodec,
  oauthAppCodec,
  oauthAppWithSecretCodec,
  scopeCatalogueCodec,
  updateOAuthAppRequestCodec,
} from './oauth-app-codecs.js'

const APP = {
  clientId: 'b0f2d9a4-3c1e-4f5a-9b8c-7d6e5f4a3b21',
  name: 'PipesHub MCP',
  redirectUris: ['https://mcp.example/callback'],
  webOrigins: [],
  allowedGrantTypes: ['authorization_code', 'refresh_token'],
  allowedScopes: ['openid', 'kb:read'],
  isConfidential: true,
  status: 'active',
  createdAt: '2026-12-01T00:00:00.000Z',
}

describe('app management codecs', () => {
  it('decode an app to the same camelCase shape, a copy', () => {
    const decoded = oauthAppCodec.decode(APP)
    expect(decoded).toEqual(APP)
    expect(decoded.redirectUris).not.toBe(APP.redirectUris)
    expect(oauthAppCodec.schema).toBe(OAuthAppWire)
  })

  it('name the member that is wrong, and refuse members the schema does not know', () => {
    const wrong = oauthAppCodec.safeDecode({ ...APP, status: 'paused' })
    expect(wrong.ok).toBe(false)
    if (!wrong.ok) expect(wrong.error.issues.map((issue) => issue.path)).toContain('/status')
    expect(oauthAppCodec.check({ ...APP, clientSecret: 'x'.repeat(16) })).toBe(false)
    expect(oauthAppWithSecretCodec.check({ ...APP, clientSecret: 'x'.repeat(32) })).toBe(true)
    expect(oauthAppWithSecretCodec.check({ ...APP, clientSecret: 'short' })).toBe(false)
  })

  it('check requests before they are sent: an update changes at least one member', () => {
    expect(createOAuthAppRequestCodec.encode({ name: 'App', allowedScopes: ['openid'] })).toEqual({
      name: 'App',
      allowedScopes: ['openid'],
    })
    expect(() => createOAuthAppRequestCodec.encode({ name: '', allowedScopes: [] })).toThrow(/\/name/)
    expect(updateOAuthAppRequestCodec.check({})).toBe(false)
    expect(updateOAuthAppRequestCodec.check({ description: null })).toBe(true)
  })

  it('decode the scope catalogue', () => {
    expect(scopeCatalogueCodec.check({ categories: [] })).toBe(true)
    expect(scopeCatalogueCodec.check({})).toBe(false)
  })
})
