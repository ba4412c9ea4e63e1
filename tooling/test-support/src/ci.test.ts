import { afterEach, describe, expect, it, vi } from 'vitest'
import { inCI, serviceAvailable } from './ci.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('CI detection', () => {
  it('reads CI=true and CI=1 as CI, anything else as a local run', () => {
    expect([inCI({ CI: 'true' }), inCI({ CI: '1' })]).toEqual([true, true])
    expect([inCI({}), inCI({ CI: 'false' }), inCI({ CI: '0' }), inCI({ CI: '' })]).toEqual([
      false,
      false,
      false,
      false,
    ])
  })
})

describe('a service the tests need', () => {
  it('runs them when it answers, in CI or not', () => {
    expect(serviceAvailable('Redis', undefined, 'the Redis tests', { CI: 'true' })).toBe(true)
    expect(serviceAvailable('Redis', undefined, 'the Redis tests', {})).toBe(true)
  })

  it('fails them in CI when it does not answer: they never skip there', () => {
    expect(() => serviceAvailable('Redis at x', 'ECONNREFUSED', 'the Redis tests', { CI: 'true' })).toThrow(
      'Redis at x is required in CI: ECONNREFUSED',
    )
  })

  it('skips them elsewhere, saying why', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(serviceAvailable('Redis at x', 'ECONNREFUSED', 'the Redis tests', {})).toBe(false)
    expect(warn).toHaveBeenCalledWith('skipping the Redis tests: Redis at x: ECONNREFUSED')
  })
})
