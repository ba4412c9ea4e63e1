import { describe, expect, it } from 'vitest'
import { steadyStateSlopeMbPerMinute } from './memory-bench.js'

const MB = 1024 * 1024

describe('steadyStateSlopeMbPerMinute', () => {
  it('ignores the warm-up quarter, where the heap grows for JIT and caches', () => {
    const samples = Array.from({ length: 61 }, (_, t) => ({ t, rssBytes: (t < 15 ? 60 + t * 2 : 90) * MB }))
    expect(steadyStateSlopeMbPerMinute(samples)).toBeCloseTo(0, 6)
  })
  it('reports steady growth in MB per minute', () => {
    const samples = Array.from({ length: 61 }, (_, t) => ({ t, rssBytes: (100 + t / 6) * MB }))
    expect(steadyStateSlopeMbPerMinute(samples)).toBeCloseTo(10, 6)
  })
  it('is zero without enough samples', () => {
    expect(steadyStateSlopeMbPerMinute([{ t: 0, rssBytes: MB }])).toBe(0)
  })
})
