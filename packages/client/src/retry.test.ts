import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RETRY,
  isRetryableStatus,
  parseRetryAfter,
  resolveRetryOptions,
  retryDelayMs,
} from './retry.js'

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
  })

  it('reads an HTTP-date relative to the clock, a past date as 0', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
  })

  it('ignores an absent or unparseable value', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
  })
})

describe('retryDelayMs', () => {
  it('draws full jitter from an exponentially growing window capped at maxDelayMs', () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 }
    const almostOne = () => 0.999_999
    expect(retryDelayMs(1, undefined, options, almostOne)).toBe(99)
    expect(retryDelayMs(2, undefined, options, almostOne)).toBe(199)
    expect(retryDelayMs(3, undefined, options, almostOne)).toBe(399)
    expect(retryDelayMs(10, undefined, options, almostOne)).toBe(999)
    expect(retryDelayMs(3, undefined, options, () => 0)).toBe(0)
  })

  it("follows the server's Retry-After, but gives up when it exceeds the cap", () => {
    const options = { ...DEFAULT_RETRY, maxRetryAfterMs: 2_000 }
    expect(retryDelayMs(1, 1_500, options)).toBe(1_500)
    expect(retryDelayMs(1, 2_001, options)).toBeUndefined()
  })
})

describe('retry policy', () => {
  it('retries 429 and 5xx only', () => {
    expect([429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true)
    expect([200, 301, 400, 401, 403, 404, 428, 600].some(isRetryableStatus)).toBe(false)
  })

  it('turns retry: false into a single attempt and refuses nonsense', () => {
    expect(resolveRetryOptions(false).maxAttempts).toBe(1)
    expect(() => resolveRetryOptions({ maxAttempts: 0 })).toThrow(RangeError)
    expect(() => resolveRetryOptions({ baseDelayMs: Number.NaN })).toThrow(RangeError)
  })
})
