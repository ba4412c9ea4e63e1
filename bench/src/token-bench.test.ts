import { describe, expect, it } from 'vitest'
import { loadResult } from './test-support/fixtures.js'
import { oneShotAmount, roundFailure, summariseRounds } from './token-bench.js'

describe('roundFailure', () => {
  it('accepts a round where every request succeeded', () => {
    expect(roundFailure(loadResult())).toBeUndefined()
  })
  it('fails a round with any non-2xx answer, naming the status codes and the first failure', () => {
    const failure = roundFailure(
      loadResult({
        non2xx: 3,
        statusCodes: { '200': 997, '400': 3 },
        firstFailure: '{"error":"invalid_grant"}',
      }),
    )
    expect(failure).toContain('3 non-2xx')
    expect(failure).toContain('400x3')
    expect(failure).toContain('invalid_grant')
  })
  it('fails a round with socket errors or timeouts, or with no success at all', () => {
    expect(roundFailure(loadResult({ errors: 1 }))).toContain('1 errors')
    expect(roundFailure(loadResult({ timeouts: 2 }))).toContain('2 timeouts')
    expect(roundFailure(loadResult({ ok: 0 }))).toContain('no successful response')
  })
  it('fails a round with 2xx answers of the wrong form (a Bearer token where DPoP was asked)', () => {
    expect(roundFailure(loadResult({ invalid: 0 }))).toBeUndefined()
    expect(roundFailure(loadResult({ invalid: 4 }))).toContain('4 2xx of the wrong form')
  })
})

describe('summariseRounds', () => {
  it('takes the median of each measure across rounds independently', () => {
    const summary = summariseRounds([
      loadResult({ requestsPerSecond: 100, latencyP50Ms: 5, latencyP99Ms: 50 }),
      loadResult({ requestsPerSecond: 300, latencyP50Ms: 1, latencyP99Ms: 10 }),
      loadResult({ requestsPerSecond: 200, latencyP50Ms: 3, latencyP99Ms: 90 }),
    ])
    expect(summary).toEqual({ requestsPerSecond: 200, latencyP50Ms: 3, latencyP99Ms: 50 })
  })
})

describe('oneShotAmount', () => {
  it('issues enough one-time credentials for the round at the observed rate', () => {
    expect(oneShotAmount(2500, 10)).toBe(25_000)
  })
  it('stays within sane bounds', () => {
    expect(oneShotAmount(0, 10)).toBe(300)
    expect(oneShotAmount(1e9, 10)).toBe(200_000)
  })
})
