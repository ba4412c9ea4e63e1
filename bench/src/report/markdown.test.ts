import { describe, expect, it } from 'vitest'
import { evaluateComparisons, evaluateGoals } from '../goals.js'
import { benchResults, target } from '../test-support/fixtures.js'
import { renderMarkdown } from './markdown.js'

function rowOf(markdown: string, label: string): string[] {
  const row = markdown.split('\n').find((line) => line.startsWith(`| ${label} |`))
  if (row === undefined) throw new Error(`no row for ${label}`)
  return row.split(' | ').map((part) => part.replace(/^\| ?| ?\|$/g, ''))
}

describe('renderMarkdown', () => {
  const targets = [
    target('floor-http', 20000),
    target('floor-crypto', 10000),
    target('pipeshub-cc-es256', 9000),
    target('pipeshub-refresh-sqlite', 6000),
    target('deployable-cc', 9000),
    target('deployable-refresh', 6000),
    target('oidc-provider-cc', 4000),
    target('oidc-provider-refresh', 3000),
    target('oauth2-server-cc', 'failed'),
    target('deployable-cc-dpop', 4500),
    target('oidc-provider-cc-dpop', 1500),
  ]
  const results = benchResults(targets)
  results.goals = evaluateGoals(targets, undefined)
  results.comparisons = evaluateComparisons(targets)
  const markdown = renderMarkdown(results)

  it('gives each target its ratios against node-oidc-provider with the same grant and the two floors', () => {
    const cc = rowOf(markdown, 'PipesHub client_credentials ES256')
    expect(cc).toContain('9,000')
    expect(cc).toContain('2.25x') // vs oidc-provider-cc
    expect(cc).toContain('0.90x') // vs crypto floor
    expect(cc).toContain('0.45x') // vs HTTP floor
    const refresh = rowOf(markdown, 'PipesHub refresh_token (SQLite)')
    expect(refresh).toContain('2.00x') // vs oidc-provider-refresh, not the cc one
  })

  it('takes a DPoP target against node-oidc-provider with DPoP, and shows the pair with no goal', () => {
    expect(rowOf(markdown, 'Token server client_credentials with DPoP (deployable)')).toContain('3.00x')
    expect(rowOf(markdown, 'node-oidc-provider client_credentials with DPoP')).toContain('1.00x')
    expect(markdown).toContain('## Side by side (no goal)')
    expect(
      rowOf(
        markdown,
        'token server client_credentials with DPoP vs node-oidc-provider client_credentials with DPoP (a fresh proof per request)',
      ),
    ).toContain('3.00x')
  })

  it('reports a failed target as failed, with its reason, never with a rate', () => {
    const failed = rowOf(markdown, '@node-oauth/oauth2-server client_credentials')
    expect(failed).toContain('**failed**')
    expect(markdown).toContain('`oauth2-server-cc` failed: oauth2-server-cc broke')
  })

  it('lists the goals with their verdicts', () => {
    expect(markdown).toMatch(
      /\| token server client_credentials ES256 vs node-oidc-provider client_credentials \| 2\.25x \| >= 2\.00x \| met \|/,
    )
    expect(markdown).toMatch(/\| token server refresh_token \(SQLite\) .* \| 2\.00x \| >= 2\.00x \| met \|/)
    expect(markdown).toMatch(
      /\| token server client_credentials ES256 vs the crypto floor \| 0\.90x \| >= 0\.85x \| met \|/,
    )
    expect(markdown).toMatch(/decodeTokenResponse .* \| – \| >= 10\.00x \| not measured \|/)
  })

  it('describes the machine and the commit measured', () => {
    expect(markdown).toContain('Test CPU, 2 cores')
    expect(markdown).toContain('commit `0123456789ab`')
    expect(markdown).toContain('![Token endpoint throughput](chart.svg)')
  })

  it('escapes table cells', () => {
    const odd = benchResults([{ ...target('floor-http', 1), label: 'a | b' }])
    expect(renderMarkdown(odd)).toContain('| a \\| b |')
  })

  it('adds the profile and what would move it when a goal was missed', () => {
    const profiled = benchResults(targets, {
      profiles: [
        {
          target: 'pipeshub-cc-es256',
          totalMs: 2500,
          categories: [{ name: 'node:crypto', share: 0.5 }],
          topFunctions: [{ name: 'sign', location: '(native)', selfShare: 0.4 }],
          levers: ['node:crypto (50%): the signature itself'],
        },
      ],
    })
    const text = renderMarkdown(profiled)
    expect(text).toContain('### `pipeshub-cc-es256`')
    expect(text).toContain('| node:crypto | 50.0% |')
    expect(text).toContain('- node:crypto (50%): the signature itself')
  })
})
