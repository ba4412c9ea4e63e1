import { describe, expect, it } from 'vitest'
import { type CpuProfile, categorise, summariseCpuProfile } from './profile.js'

const frame = (id: number, functionName: string, url: string, lineNumber = 0) => ({
  id,
  callFrame: { functionName, url, lineNumber },
})

describe('summariseCpuProfile', () => {
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', ''),
      frame(2, '(idle)', ''),
      frame(3, 'sign', 'node:internal/crypto/sig', 10),
      frame(4, 'route', 'file:///x/node_modules/.pnpm/fastify@5.1.0/node_modules/fastify/lib/route.js', 41),
      frame(5, '(garbage collector)', ''),
      frame(6, 'token', 'file:///work/main/packages/server/dist/authorization-server.js', 99),
    ],
    // Sample ids with the time since the previous sample (µs).
    samples: [2, 3, 3, 4, 5, 6, 6, 2],
    timeDeltas: [1000, 300, 300, 200, 50, 100, 50, 5000],
  }
  const summary = summariseCpuProfile(profile, 'pipeshub-cc-es256')

  it('leaves idle time out of the shares', () => {
    expect(summary.totalMs).toBeCloseTo(1.0, 6)
    expect(summary.categories.reduce((sum, category) => sum + category.share, 0)).toBeCloseTo(1, 6)
  })

  it('ranks categories by self time', () => {
    expect(summary.categories.map((category) => category.name)).toEqual([
      'node:crypto',
      'Fastify',
      '@pipeshub/server',
      'garbage collection',
    ])
    expect(summary.categories[0]?.share).toBeCloseTo(0.6, 6)
  })

  it('names the heaviest functions with a short location', () => {
    expect(summary.topFunctions[0]).toEqual({
      name: 'sign',
      location: 'node:internal/crypto/sig:11',
      selfShare: 0.6,
    })
    expect(summary.topFunctions[1]?.location).toBe('fastify/lib/route.js:42')
    expect(summary.topFunctions[2]?.location).toBe('packages/server/dist/authorization-server.js:100')
  })

  it('says what would move the categories that take a large share', () => {
    expect(summary.levers.some((lever) => lever.startsWith('node:crypto (60%)'))).toBe(true)
    expect(summary.levers.some((lever) => lever.startsWith('Fastify (20%)'))).toBe(true)
  })
})

describe('native frames', () => {
  it('count for the JavaScript that called them', () => {
    const summary = summariseCpuProfile(
      {
        nodes: [
          { ...frame(1, '(root)', ''), children: [2] },
          { ...frame(2, 'get', 'file:///w/packages/server/dist/store/sqlite.js', 19), children: [3] },
          frame(3, 'run', ''),
        ],
        samples: [3, 3, 2],
        timeDeltas: [100, 100, 100],
      },
      't',
    )
    expect(summary.categories[0]).toEqual({ name: 'SQLite store (node:sqlite)', share: 1 })
    expect(summary.topFunctions[0]).toMatchObject({
      name: 'run',
      location: 'native, from packages/server/dist/store/sqlite.js:20',
    })
  })
})

describe('categorise', () => {
  it('attributes package frames to their package, pnpm layout or not', () => {
    expect(
      categorise('SignJWT', 'file:///a/node_modules/.pnpm/jose@6.2.18/node_modules/jose/dist/x.js'),
    ).toBe('jose')
    expect(categorise('query', 'file:///a/node_modules/pg/lib/client.js')).toBe('pg')
    expect(categorise('x', 'file:///a/node_modules/@fastify/cookie/plugin.js')).toBe('Fastify')
  })
  it('names the logging and the rate limiting of the deployable token server apart from Fastify', () => {
    expect(
      categorise('write', 'file:///a/node_modules/.pnpm/pino@10.4.0/node_modules/pino/lib/proto.js'),
    ).toBe('logging (pino)')
    expect(categorise('write', 'file:///a/node_modules/sonic-boom/index.js')).toBe('logging (pino)')
    expect(categorise('onRequest', 'file:///a/node_modules/@fastify/rate-limit/index.js')).toBe(
      'rate limiting',
    )
    expect(categorise('hook', 'file:///r/apps/token-server/dist/app.js')).toBe('@pipeshub/token-server')
  })
  it('knows the VM pseudo-frames', () => {
    expect(categorise('(program)', '')).toMatch(/^native/)
    expect(categorise('(garbage collector)', '')).toBe('garbage collection')
  })
})
