import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createMemoryStore } from '@pipeshub/server'
import { afterAll, describe, expect, it } from 'vitest'
import { createTokenServer, testConfig } from './app.js'
import { PACKAGE_ROOT } from './config.js'

const REDOCLY = resolve(PACKAGE_ROOT, 'node_modules/.bin/redocly')
const folder = mkdtempSync(join(tmpdir(), 'pipeshub-openapi-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

interface RedoclyProblem {
  ruleId: string
  severity: string
  message: string
  location: Array<{ pointer?: string }>
}

describe('the OpenAPI document under Redocly', () => {
  it("has no error and no warning under Redocly's recommended rules", async () => {
    const server = await createTokenServer({
      config: testConfig(),
      store: createMemoryStore(),
      issuer: 'https://auth.pipeshub.test',
    })
    const document = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).body
    await server.close()
    const file = join(folder, 'openapi.json')
    writeFileSync(file, document)
    const result = spawnSync(
      REDOCLY,
      ['lint', file, '--config', resolve(PACKAGE_ROOT, 'redocly.yaml'), '--format', 'json'],
      {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    )
    const report = JSON.parse(result.stdout) as { problems: RedoclyProblem[] }
    const problems = report.problems.map(
      (problem) =>
        `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer ?? ''}: ${problem.message}`,
    )
    expect(problems).toEqual([])
    expect(result.status).toBe(0)
  }, 150_000)
})
