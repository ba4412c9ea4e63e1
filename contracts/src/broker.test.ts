import { describe, expect, it } from 'vitest'
import { brokerFromEnvironment } from './broker.js'

describe('brokerFromEnvironment', () => {
  it('is off unless PACT_BROKER_BASE_URL is set', () => {
    expect(brokerFromEnvironment({})).toBeUndefined()
    expect(brokerFromEnvironment({ PACT_BROKER_BASE_URL: '' })).toBeUndefined()
  })

  it('reports the git SHA and branch, authenticating with a token', () => {
    const settings = brokerFromEnvironment({
      PACT_BROKER_BASE_URL: 'https://broker.example/',
      GITHUB_SHA: '0123abc',
      GITHUB_REF_NAME: 'main',
      PACT_BROKER_TOKEN: 't0ken',
    })
    expect(settings).toMatchObject({
      baseUrl: 'https://broker.example',
      version: '0123abc',
      branch: 'main',
      headers: { authorization: 'Bearer t0ken' },
    })
  })

  it('falls back to basic authentication and the checked-out commit', () => {
    const settings = brokerFromEnvironment({
      PACT_BROKER_BASE_URL: 'https://broker.example',
      PACT_BRANCH: 'feature/x',
      PACT_BROKER_USERNAME: 'ci',
      PACT_BROKER_PASSWORD: 'pw',
    })
    expect(settings?.version).toMatch(/^[0-9a-f]{40}$/)
    expect(settings?.branch).toBe('feature/x')
    expect(settings?.headers.authorization).toBe(`Basic ${btoa('ci:pw')}`)
  })
})
