import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type ReadmeBlock, readmeBlocks } from './readme-blocks.js'
import { runBlock } from './run-block.js'

const workDir = mkdtempSync(join(tmpdir(), 'pipeshub-run-block-'))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

function block(markdown: string): ReadmeBlock {
  const [first] = readmeBlocks(markdown, 'README.md')
  if (first === undefined) throw new Error('no block')
  return first
}

const run = (markdown: string) =>
  runBlock(block(markdown), {
    workDir,
    shellCwd: workDir,
    env: { PATH: process.env.PATH ?? '' },
    substitutions: [['https://placeholder.example', 'replaced']],
    timeoutMs: 20_000,
  })

describe('runBlock', () => {
  it('runs TypeScript with its setup and checks, placeholders replaced', async () => {
    const result = await run(
      [
        '<!-- docs-test setup',
        "const host: string = 'https://placeholder.example'",
        '-->',
        '<!-- docs-test after',
        "if (seen !== 'replaced') throw new Error(seen)",
        '-->',
        '```ts',
        'const seen = host!',
        '```',
      ].join('\n'),
    )
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
  })

  it('passes an expect-error block only when it throws that OAuth error', async () => {
    const throwing = (code: string) =>
      [
        '```js expect-error=unsupported_grant_type',
        `throw Object.assign(new Error('x'), { error: '${code}' })`,
        '```',
      ].join('\n')
    expect((await run(throwing('unsupported_grant_type'))).exitCode).toBe(0)
    const other = await run(throwing('invalid_request'))
    expect(other.exitCode).not.toBe(0)
    expect(other.stderr).toContain('expected the block to throw the OAuth error unsupported_grant_type')
    expect((await run('```js expect-error=unsupported_grant_type\nconst fine = 1\n```')).exitCode).not.toBe(0)
  })

  it('runs shell blocks with errexit, so a failing command fails the block', async () => {
    expect((await run('```sh\ntrue\necho ok\n```')).exitCode).toBe(0)
    expect((await run('```sh\nfalse\necho not reached\n```')).exitCode).not.toBe(0)
  })
})
