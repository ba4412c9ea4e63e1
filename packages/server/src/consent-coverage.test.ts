import { describe, expect, it } from 'vitest'
import { consentCovers, widenedConsent } from './consent-coverage.js'
import type { ConsentRecord } from './store/types.js'

const MCP = 'https://pipeshub.example/mcp'
const API = 'https://api.example/'

const consent = (scope: string[], resources: string[]): ConsentRecord => ({
  subject: 'user-1',
  clientId: 'app',
  scope,
  resources,
  grantedAt: 1_700_000_000,
})

describe('a remembered consent skips the consent page only for the scopes and resources it covers', () => {
  it('covers a request for the same or fewer scopes at the default audience', () => {
    const remembered = consent(['openid', 'kb:read'], [])
    expect(consentCovers(remembered, { scope: ['openid', 'kb:read'], resources: [] })).toBe(true)
    expect(consentCovers(remembered, { scope: ['kb:read'], resources: [] })).toBe(true)
  })

  it('does not cover a scope it was not given', () => {
    expect(consentCovers(consent(['openid'], []), { scope: ['openid', 'kb:write'], resources: [] })).toBe(
      false,
    )
  })

  it('does not cover a resource it was not given, even for scopes it covers (RFC 8707)', () => {
    expect(consentCovers(consent(['kb:read'], []), { scope: ['kb:read'], resources: [MCP] })).toBe(false)
    expect(consentCovers(consent(['kb:read'], [API]), { scope: ['kb:read'], resources: [MCP] })).toBe(false)
    expect(consentCovers(consent(['kb:read'], [API]), { scope: ['kb:read'], resources: [API, MCP] })).toBe(
      false,
    )
  })

  it('covers the resources it was given, and the default audience beside them', () => {
    const remembered = consent(['kb:read'], [API, MCP])
    expect(consentCovers(remembered, { scope: ['kb:read'], resources: [MCP] })).toBe(true)
    expect(consentCovers(remembered, { scope: ['kb:read'], resources: [MCP, API] })).toBe(true)
    expect(consentCovers(remembered, { scope: ['kb:read'], resources: [] })).toBe(true)
  })

  it('covers nothing when there is no consent', () => {
    expect(consentCovers(undefined, { scope: [], resources: [] })).toBe(false)
  })
})

describe('a new consent adds to the previous one', () => {
  it('keeps the scopes and resources allowed before and adds the new ones, once each', () => {
    expect(
      widenedConsent(consent(['openid', 'kb:read'], [API]), {
        subject: 'user-1',
        clientId: 'app',
        scope: ['kb:read', 'kb:write'],
        resources: [MCP, API],
        grantedAt: 1_700_000_100,
      }),
    ).toEqual({
      subject: 'user-1',
      clientId: 'app',
      scope: ['openid', 'kb:read', 'kb:write'],
      resources: [API, MCP],
      grantedAt: 1_700_000_100,
    })
  })

  it('is the request itself without a previous consent', () => {
    expect(
      widenedConsent(undefined, {
        subject: 's',
        clientId: 'c',
        scope: ['openid'],
        resources: [],
        grantedAt: 5,
      }),
    ).toEqual({ subject: 's', clientId: 'c', scope: ['openid'], resources: [], grantedAt: 5 })
  })
})
