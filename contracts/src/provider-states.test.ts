import { describe, expect, it } from 'vitest'
import { basicAuthorization, EXAMPLE } from './examples.js'
import { INJECTED, injected, providerStateParams, STATES } from './provider-states.js'

describe('provider states', () => {
  it('have distinct names, since the provider dispatches on them', () => {
    const names = Object.values(STATES)
    expect(new Set(names).size).toBe(names.length)
  })

  it('write injected values as Pact provider-state expressions', () => {
    expect(injected(INJECTED.refreshToken)).toBe(['$', '{refreshToken}'].join(''))
  })
})

describe('basicAuthorization', () => {
  it('encodes the client credentials as RFC 6749 §2.3.1 asks', () => {
    expect(basicAuthorization('a b', 'c:d')).toBe(`Basic ${btoa('a+b:c%3Ad')}`)
    expect(atob(basicAuthorization(EXAMPLE.clientId, EXAMPLE.clientSecret).slice(6))).toBe(
      `${EXAMPLE.clientId}:${EXAMPLE.clientSecret}`,
    )
  })
})

describe('providerStateParams', () => {
  it('returns parameters that match the state', () => {
    const params = { clientId: 'c', subject: 's', scope: 'offline_access' }
    expect(providerStateParams(STATES.refreshTokenIssued, params)).toEqual(params)
  })

  it('names every member that does not', () => {
    expect(() => providerStateParams(STATES.refreshTokenIssued, { clientId: 'c', scope: 1 })).toThrow(
      /provider state "a refresh token was issued to the client".*\/scope/,
    )
  })
})
