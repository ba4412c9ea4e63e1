import { describe, expect, it } from 'vitest'
import { ReadmeMarkError, readmeBlocks } from './readme-blocks.js'

const fence = '```'

describe('readmeBlocks', () => {
  it('reads each block with its language, marks and line', () => {
    const markdown = [
      '# Title',
      `${fence}sh no-run (installs from the registry)`,
      'npm install x',
      fence,
      '',
      `${fence}ts expect-error=unsupported_grant_type`,
      'await client.grant("urn:x")',
      fence,
      `${fence}js background`,
      'console.log(1)',
      fence,
      fence,
      'plain output',
      fence,
    ].join('\n')
    const blocks = readmeBlocks(markdown, 'README.md')
    expect(
      blocks.map(({ line, language, noRun, background, expectError }) => ({
        line,
        language,
        noRun,
        background,
        expectError,
      })),
    ).toEqual([
      {
        line: 2,
        language: 'sh',
        noRun: '(installs from the registry)',
        background: false,
        expectError: undefined,
      },
      { line: 6, language: 'ts', noRun: undefined, background: false, expectError: 'unsupported_grant_type' },
      { line: 9, language: 'js', noRun: undefined, background: true, expectError: undefined },
      { line: 12, language: '', noRun: undefined, background: false, expectError: undefined },
    ])
    expect(blocks[1]?.code).toBe('await client.grant("urn:x")\n')
  })

  it('gives a block the setup, after and fixture comments right before it, and only that block', () => {
    const markdown = [
      '<!-- docs-test setup: a client',
      "const client = 'c'",
      '-->',
      '<!-- docs-test after',
      'check()',
      '-->',
      '<!-- docs-test fixture consent alice -->',
      `${fence}ts`,
      'use(client)',
      fence,
      '<!-- docs-test setup',
      'lost()',
      '-->',
      'A paragraph between the comment and the block.',
      '',
      `${fence}ts`,
      'alone()',
      fence,
    ].join('\n')
    const [first, second] = readmeBlocks(markdown, 'README.md')
    expect(first).toMatchObject({
      setup: ["const client = 'c'"],
      after: ['check()'],
      fixtures: [['consent', 'alice']],
    })
    expect(second).toMatchObject({ setup: [], after: [], fixtures: [] })
  })

  it('refuses a mark it does not know, no-run without a reason and an unclosed block', () => {
    expect(() => readmeBlocks(`${fence}sh norun\nx\n${fence}\n`, 'R.md')).toThrow(ReadmeMarkError)
    expect(() => readmeBlocks(`${fence}sh no-run\nx\n${fence}\n`, 'R.md')).toThrow(/no-run needs a reason/)
    expect(() => readmeBlocks(`${fence}sh\nx\n`, 'R.md')).toThrow(/never closed/)
    expect(() => readmeBlocks('<!-- docs-test setpu x -->\n', 'R.md')).toThrow(/unknown docs-test comment/)
  })
})
