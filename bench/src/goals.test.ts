import { describe, expect, it } from 'vitest'
import { evaluateGoals, targetsToProfile } from './goals.js'
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
  it('computes every ratio from the same run and judges it against the issue targets', () => {
    const goals = byId(
      evaluateGoals(
        [
          target('pipeshub-cc-es256', 9000),
          target('oidc-provider-cc', 4000),
          target('floor-crypto', 10000),
          target('pipeshub-refresh-sqlite', 5000),
          target('oidc-provider-refresh', 4000),
        ],
        client,
      ),
    )
    expect(goals['cc-vs-oidc-provider']).toMatchObject({ measured: 2.25, met: true })
    expect(goals['cc-vs-crypto-floor']).toMatchObject({ measured: 0.9, met: true })
    expect(goals['refresh-vs-oidc-provider']).toMatchObject({ measured: 1.25, met: false })
    expect(goals['decode-vs-zod']).toMatchObject({ measured: 12.5, met: true })
    expect(goals['cached-get-access-token']).toMatchObject({ measured: 2_000_000, met: true })
    expect(goals['expiry-single-flight']).toMatchObject({ measured: 1, met: true })
  })

  it('leaves a goal unjudged when a side failed, rather than calling a failure fast or slow', () => {
    const goals = byId(
      evaluateGoals([target('pipeshub-cc-es256', 'failed'), target('oidc-provider-cc', 4000)], undefined),
    )
    expect(goals['cc-vs-oidc-provider']?.met).toBeUndefined()
    expect(goals['cc-vs-oidc-provider']?.measured).toBeUndefined()
    expect(goals['decode-vs-zod']?.met).toBeUndefined()
  })

  it('counts more than one token request at expiry as missed', () => {
    const goals = byId(
      evaluateGoals([], {
        ...client,
        expiryStampede: { callers: 1000, tokenRequests: 3, allCallersServed: true },
      }),
    )
    expect(goals['expiry-single-flight']?.met).toBe(false)
  })

  it('judges the browser bundle in gzipped KB, at most 12', () => {
    const small = byId(evaluateGoals([], client, { status: 'ok', gzipBytes: 12 * 1024 }))
    expect(small['browser-bundle']).toMatchObject({ measured: 12, met: true })
    const large = byId(evaluateGoals([], client, { status: 'ok', gzipBytes: 19_900 }))
    expect(large['browser-bundle']).toMatchObject({ measured: 19.4, met: false })
    expect(byId(evaluateGoals([], client, { status: 'failed' }))['browser-bundle']?.met).toBeUndefined()
  })
})

describe('targetsToProfile', () => {
  it('profiles the PipesHub target behind each missed throughput goal, once', () => {
    const goals = evaluateGoals(
      [
        target('pipeshub-cc-es256', 1000),
        target('oidc-provider-cc', 4000),
        target('floor-crypto', 10000),
        target('pipeshub-refresh-sqlite', 9000),
        target('oidc-provider-refresh', 4000),
      ],
      client,
    )
    expect(targetsToProfile(goals)).toEqual(['pipeshub-cc-es256'])
  })
})
