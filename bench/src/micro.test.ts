import { describe, expect, it } from 'vitest'
import { measureInterleaved } from './micro.js'

describe('measureInterleaved', () => {
  it('answers one positive rate per batch for every benchmark, sync or async', async () => {
    let syncCalls = 0
    let asyncCalls = 0
    const rates = await measureInterleaved(
      {
        sync: (iterations) => {
          for (let i = 0; i < iterations; i++) syncCalls++
        },
        async: async (iterations) => {
          for (let i = 0; i < iterations; i++) {
            await undefined
            asyncCalls++
          }
        },
      },
      { warmupMs: 5, batchMs: 5, batches: 3 },
    )
    expect(Object.keys(rates)).toEqual(['sync', 'async'])
    expect(rates.sync).toHaveLength(3)
    expect(rates.async).toHaveLength(3)
    for (const rate of [...(rates.sync ?? []), ...(rates.async ?? [])]) expect(rate).toBeGreaterThan(0)
    expect(syncCalls).toBeGreaterThan(0)
    expect(asyncCalls).toBeGreaterThan(0)
  })
})
