import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from './config.js'

// What the built server loads before its first request, as `main.js` imports it: every module costs
// the ESM loader time at each start, so what only some requests or settings need loads on demand.
const ENTRY = pathToFileURL(resolve(PACKAGE_ROOT, 'dist/index.js')).href
const LOADED = `
import { registerHooks } from 'node:module'
const loaded = []
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context) } })
await import(${JSON.stringify(ENTRY)})
process.stdout.write(JSON.stringify(loaded))
`

describe('the token server at start-up', () => {
  it('loads neither TypeBox’s compiler nor what only some settings or requests need', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', LOADED], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status, result.stderr).toBe(0)
    const loaded = JSON.parse(result.stdout) as string[]
    // Sanity: the hook saw the server itself and the schemas' TypeBox.
    expect(loaded.some((url) => url.endsWith('/apps/token-server/dist/app.js'))).toBe(true)
    expect(loaded.some((url) => url.includes('/typebox/build/type/'))).toBe(true)
    for (const onDemand of [
      '/typebox/build/compile/', // app-management bodies, at their first request
      '/ajv/', // Fastify's schema compilers, at a route's first request
      '/pino-pretty/', // PIPESHUB_LOG_FORMAT=pretty or a terminal
      '/ioredis/', // PIPESHUB_REDIS_URL
      '/node_modules/pg/', // a PostgreSQL store
    ]) {
      expect(
        loaded.filter((url) => url.includes(onDemand)),
        onDemand,
      ).toEqual([])
    }
  })
})
