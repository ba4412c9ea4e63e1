import { inCI } from '@pipeshub/test-support/ci'
import { postgresFailure } from '@pipeshub/test-support/postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Pinning } from '../pinning.js'
import { LoadGenerator, TargetProcess } from '../processes.js'
import { TARGETS } from './catalog.js'
import { benchDatabaseUrl } from './pipeshub.js'

// Unpinned: the test checks that every server works, not how fast.
const pinning: Pinning = { mode: 'none', reason: 'smoke test' }

// With CI=true an unreachable PostgreSQL fails its targets' tests instead of skipping them.
const skipPostgres = (await postgresFailure(benchDatabaseUrl())) !== undefined && !inCI()

describe('every target server process', () => {
  for (const definition of TARGETS) {
    const needsSkip = definition.needsPostgres === true && skipPostgres
    const name = needsSkip
      ? `${definition.id} (skipped: PostgreSQL unreachable at ${new URL(benchDatabaseUrl()).host}; CI=true fails instead)`
      : `${definition.id} starts on 127.0.0.1 port 0 and answers a token request with 200`
    it.skipIf(needsSkip)(name, { timeout: 120_000 }, async () => {
      // A busy machine (a parallel test run) slows the deployable token server's start the most: it loads
      // the whole app (pages, metrics, rate limits, OpenAPI) before it listens.
      const target = await TargetProcess.start(definition.id, pinning, { timeoutMs: 90_000 })
      try {
        expect(target.port).toBeGreaterThan(0)
        const { status, body } = await target.requestOnce()
        expect(status).toBe(200)
        const json = JSON.parse(body) as Record<string, unknown>
        expect(typeof json.access_token).toBe('string')
        // RFC 9449 §5: a token bound to the proof's key is of type DPoP, never Bearer.
        expect(String(json.token_type).toLowerCase()).toBe(definition.dpop === true ? 'dpop' : 'bearer')
        if (definition.grant !== 'client_credentials') expect(typeof json.refresh_token).toBe('string')
      } finally {
        await target.stop()
      }
    })
  }
})

describe('the load generator process', () => {
  let load: LoadGenerator
  beforeAll(async () => {
    load = await LoadGenerator.start(pinning)
  })
  afterAll(async () => {
    await load.stop()
  })

  it('sends exactly the requested amount and counts every success', async () => {
    const target = await TargetProcess.start('floor-http', pinning)
    try {
      const result = await load.run({
        url: target.url,
        scenario: target.scenario,
        connections: 4,
        durationSeconds: 5,
        amount: 200,
        credentials: [],
      })
      expect(result).toMatchObject({ ok: 200, non2xx: 0, errors: 0, timeouts: 0 })
      expect(result.latencyP99Ms).toBeGreaterThanOrEqual(result.latencyP50Ms)
    } finally {
      await target.stop()
    }
  })

  for (const id of ['deployable-cc-dpop', 'oidc-provider-cc-dpop']) {
    it(`makes a fresh DPoP proof per request, so ${id} (replays refused) answers every one with a DPoP token`, {
      timeout: 120_000,
    }, async () => {
      const target = await TargetProcess.start(id, pinning, { timeoutMs: 90_000 })
      try {
        const result = await load.run({
          url: target.url,
          scenario: target.scenario,
          connections: 4,
          durationSeconds: 5,
          amount: 300,
          credentials: [],
        })
        expect(result).toMatchObject({ ok: 300, non2xx: 0, errors: 0, timeouts: 0, invalid: 0 })
        expect(result.proofSeconds).toBeGreaterThan(0)
      } finally {
        await target.stop()
      }
    })
  }

  it('chains rotated refresh tokens: no token is sent twice, so every refresh succeeds', async () => {
    const target = await TargetProcess.start('oauth2-server-refresh', pinning)
    try {
      const result = await load.run({
        url: target.url,
        scenario: target.scenario,
        connections: 4,
        durationSeconds: 5,
        amount: 300,
        credentials: await target.prepare(8),
      })
      expect(result).toMatchObject({ ok: 300, non2xx: 0, errors: 0 })
    } finally {
      await target.stop()
    }
  })

  it('reports a reused one-time credential as a failure, not as speed', async () => {
    const target = await TargetProcess.start('oidc-provider-code', pinning)
    try {
      const [code] = await target.prepare(1)
      const result = await load.run({
        url: target.url,
        scenario: target.scenario,
        connections: 1,
        durationSeconds: 5,
        amount: 3,
        credentials: [code as string, code as string, code as string],
      })
      expect(result.ok).toBe(1)
      expect(result.non2xx).toBe(2)
      expect(result.firstFailure).toContain('invalid_grant')
    } finally {
      await target.stop()
    }
  })
})
