import { describe, expect, it } from 'vitest'
import { evaluateComparisons, evaluateGoals, targetsToProfile } from './goals.js'
import type { ClientResult } from './results.js'
import { target } from './test-support/fixtures.js'

const client: ClientResult = {
  status: 'ok',
  decode: {
    pipeshub: { id: 'a', label: 'a', opsPerSecond: 5_000_000, batches: [] },
    zod: { id: 'b', label: 'b', opsPerSecond: 400_000, batches: [] },
  },
  cachedGetAccessToken: { id: 'c', label: 'c', opsPerSecond: 2_000_000, batches: [] },
  expiryStampede: { callers: 1000, tokenRequests: 1, allCallersServed: true },
}

function byId(goals: ReturnType<typeof evaluateGoals>) {
  return Object.fromEntries(goals.map((goal) => [goal.id, goal]))
}

describe('evaluateGoals', () => {
  it('computes every ratio from the same run, on the deployable token server, against the issue targets', () => {
    const goals = byId(
      evaluateGoals(
        [
          target('deployable-cc', 9000),
          target('oidc-provider-cc', 4000),
          target('floor-crypto', 10000),
          target('deployable-refresh', 5000),
          target('oidc-provider-refresh', 4000),
          target('deployable-code', 8000),
          target('oidc-provider-code', 4000),
          target('pipeshub-refresh-postgres', 6000),
        ],
        {
          client,
          startup: [
            { target: 'deployable-cc', medianMs: 400, attemptsMs: [400], status: 'ok' },
            { target: 'oidc-provider-cc', medianMs: 500, attemptsMs: [500], status: 'ok' },
          ],
        },
      ),
    )
    expect(goals['deployable-cc-vs-oidc-provider']).toMatchObject({ measured: 2.25, met: true })
    expect(goals['deployable-cc-vs-crypto-floor']).toMatchObject({ measured: 0.9, met: true })
    expect(goals['deployable-refresh-vs-oidc-provider']).toMatchObject({ measured: 1.25, met: false })
    expect(goals['deployable-code-vs-oidc-provider']).toMatchObject({ measured: 2, met: true })
    expect(goals['refresh-postgres-vs-oidc-provider']).toMatchObject({ measured: 1.5, met: true })
    expect(goals['deployable-startup-vs-oidc-provider']).toMatchObject({ measured: 1.25, met: true })
    expect(goals['decode-vs-zod']).toMatchObject({ measured: 12.5, met: true })
    expect(goals['cached-get-access-token']).toMatchObject({ measured: 2_000_000, met: true })
    expect(goals['expiry-single-flight']).toMatchObject({ measured: 1, met: true })
  })

  it('leaves a goal unjudged when a side failed, rather than calling a failure fast or slow', () => {
    const goals = byId(evaluateGoals([target('deployable-cc', 'failed'), target('oidc-provider-cc', 4000)]))
    expect(goals['deployable-cc-vs-oidc-provider']?.met).toBeUndefined()
    expect(goals['deployable-cc-vs-oidc-provider']?.measured).toBeUndefined()
    expect(goals['decode-vs-zod']?.met).toBeUndefined()
    expect(goals['heap-flat']?.met).toBeUndefined()
  })

  it('counts more than one token request at expiry as missed', () => {
    const goals = byId(
      evaluateGoals([], {
        client: { ...client, expiryStampede: { callers: 1000, tokenRequests: 3, allCallersServed: true } },
      }),
    )
    expect(goals['expiry-single-flight']?.met).toBe(false)
  })

  it('judges the browser bundle in gzipped KB, at most 12', () => {
    const small = byId(evaluateGoals([], { browserBundle: { status: 'ok', gzipBytes: 12 * 1024 } }))
    expect(small['browser-bundle']).toMatchObject({ measured: 12, met: true })
    const large = byId(evaluateGoals([], { browserBundle: { status: 'ok', gzipBytes: 19_900 } }))
    expect(large['browser-bundle']).toMatchObject({ measured: 19.4, met: false })
    expect(
      byId(evaluateGoals([], { browserBundle: { status: 'failed' } }))['browser-bundle']?.met,
    ).toBeUndefined()
  })

  it('calls a live heap that grew by more than a tenth not flat', () => {
    const memory = (quarterBytes: number, endBytes: number) => ({
      target: 'deployable-cc',
      seconds: 60,
      samples: [],
      startBytes: 0,
      endBytes: 0,
      maxBytes: 0,
      slopeMbPerMinute: 0,
      heapAfterGc: { quarterBytes, endBytes },
      requestsPerSecond: 1000,
      failures: 0,
      status: 'ok' as const,
    })
    expect(byId(evaluateGoals([], { memory: memory(20e6, 21e6) }))['heap-flat']?.met).toBe(true)
    expect(byId(evaluateGoals([], { memory: memory(20e6, 30e6) }))['heap-flat']?.met).toBe(false)
  })
})

describe('evaluateComparisons', () => {
  it('gives the DPoP pair its ratio without a goal, and none when a side failed', () => {
    const [pair] = evaluateComparisons([
      target('deployable-cc-dpop', 3000),
      target('oidc-provider-cc-dpop', 1200),
    ])
    expect(pair).toEqual(
      expect.objectContaining({ id: 'deployable-cc-dpop-vs-oidc-provider-dpop', measured: 2.5 }),
    )
    expect(pair).not.toHaveProperty('goal')
    const [failed] = evaluateComparisons([
      target('deployable-cc-dpop', 3000),
      target('oidc-provider-cc-dpop', 'failed'),
    ])
    expect(failed).not.toHaveProperty('measured')
  })
})

describe('targetsToProfile', () => {
  it('profiles the PipesHub target behind each missed throughput goal, once', () => {
    const goals = evaluateGoals(
      [
        target('deployable-cc', 1000),
        target('oidc-provider-cc', 4000),
        target('floor-crypto', 10000),
        target('deployable-refresh', 9000),
        target('oidc-provider-refresh', 4000),
      ],
      { client },
    )
    expect(targetsToProfile(goals)).toEqual(['deployable-cc'])
  })
})
