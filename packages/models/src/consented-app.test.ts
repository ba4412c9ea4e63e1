import { describe, expect, it } from 'vitest'
import { consentedAppListCodec } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'

const APP = {
  client_id: 'pipeshub-mcp',
  client_name: 'PipesHub MCP',
  logo_url: 'https://mcp.example/logo.png',
  homepage_url: 'https://mcp.example/',
  scope: 'openid kb:read',
  granted_at: 1_700_000_000,
}

describeRoundTrips(consentedAppListCodec)

describe('the consented-app list', () => {
  it('decodes to camelCase, the logo and home page only when present', () => {
    const { logo_url: _logo, homepage_url: _home, ...bare } = APP
    expect(consentedAppListCodec.decode({ consents: [APP, { ...bare, client_id: 'other' }] })).toEqual({
      consents: [
        {
          clientId: 'pipeshub-mcp',
          clientName: 'PipesHub MCP',
          logoUrl: 'https://mcp.example/logo.png',
          homepageUrl: 'https://mcp.example/',
          scope: 'openid kb:read',
          grantedAt: 1_700_000_000,
        },
        { clientId: 'other', clientName: 'PipesHub MCP', scope: 'openid kb:read', grantedAt: 1_700_000_000 },
      ],
    })
  })

  it('keeps the RFC 8707 resources of a consent, and leaves them out when none are sent', () => {
    const decoded = consentedAppListCodec.decode({
      consents: [{ ...APP, resources: ['https://mcp.example/mcp'] }, APP],
    })
    expect(decoded.consents.map((app) => app.resources)).toEqual([['https://mcp.example/mcp'], undefined])
    expect(consentedAppListCodec.encode(decoded).consents[0]?.resources).toEqual(['https://mcp.example/mcp'])
    expect(consentedAppListCodec.encode(decoded).consents[1]).not.toHaveProperty('resources')
  })

  it.each([
    ['an empty client_id', { client_id: '' }, '/consents/0/client_id'],
    ['an empty name', { client_name: '' }, '/consents/0/client_name'],
    ['a logo that is no URL', { logo_url: 'not a url' }, '/consents/0/logo_url'],
    ['a resource that is no URI', { resources: ['not a uri'] }, '/consents/0/resources/0'],
    ['a scope with a double space', { scope: 'openid  kb:read' }, '/consents/0/scope'],
    ['a negative time', { granted_at: -1 }, '/consents/0/granted_at'],
    ['a time as a string', { granted_at: '1700000000' }, '/consents/0/granted_at'],
  ])('refuses %s, naming the member', (_what, change, path) => {
    const decoded = consentedAppListCodec.safeDecode({ consents: [{ ...APP, ...change }] })
    expect(decoded.ok).toBe(false)
    if (!decoded.ok) expect(decoded.error.issues[0]?.path).toBe(path)
  })

  it('refuses a list that is not an array', () => {
    expect(consentedAppListCodec.safeDecode({ consents: APP }).ok).toBe(false)
    expect(consentedAppListCodec.safeDecode({}).ok).toBe(false)
  })
})
