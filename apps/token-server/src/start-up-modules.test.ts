import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from './config.js'

// What the built server loads before its first request, as `main.js` imports it: every module costs
// the ESM loader time at each start, so what only some requests or settings need loads on demand.
const entry = (file: string) => pathToFileURL(resolve(PACKAGE_ROOT, 'dist', file)).href

/** Every module URL Node loads while importing `file` of dist/. */
function modulesLoadedBy(file: string): string[] {
  const script = `
import { registerHooks } from 'node:module'
const loaded = []
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context) } })
await import(${JSON.stringify(entry(file))})
process.stdout.write(JSON.stringify(loaded))
`
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  expect(result.status, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as string[]
}

const ON_DEMAND = [
  '/typebox/build/compile/', // app-management bodies, at their first request
  '/ajv/', // Fastify's schema compilers, at a route's first request
  '/pino-pretty/', // PIPESHUB_LOG_FORMAT=pretty or a terminal
  '/ioredis/', // PIPESHUB_REDIS_URL
  '/node_modules/pg/', // a PostgreSQL store
]

describe('the token server at start-up', () => {
  it('loads neither TypeBox’s compiler nor what only some settings or requests need', () => {
    const loaded = modulesLoadedBy('index.js')
    // Sanity: the hook saw the server itself and the schemas' TypeBox.
    expect(loaded.some((url) => url.endsWith('/apps/token-server/dist/app.js'))).toBe(true)
    expect(loaded.some((url) => url.includes('/typebox/build/type/'))).toBe(true)
    for (const onDemand of ON_DEMAND) {
      expect(
        loaded.filter((url) => url.includes(onDemand)),
        onDemand,
      ).toEqual([])
    }
  })

  // main.js imports start.bundle.js, which shares its code with index.bundle.js (scripts/bundle.mjs).
  it('reads the bundled server from a handful of files, still nothing loaded on demand', () => {
    const loaded = modulesLoadedBy('index.bundle.js')
    const files = loaded.filter((url) => url.startsWith('file:'))
    expect(files.some((url) => /\/dist\/bundle-server-[\w-]+\.js$/.test(url))).toBe(true)
    // Unbundled, the same import reads about a thousand files (the test above).
    expect(files.length, files.join('\n')).toBeLessThanOrEqual(5)
    for (const onDemand of [...ON_DEMAND, '/dist/bundle-compile-', '/dist/bundle-rate-limit-store-']) {
      expect(
        loaded.filter((url) => url.includes(onDemand)),
        onDemand,
      ).toEqual([])
    }
  })
})
