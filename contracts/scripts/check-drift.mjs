#!/usr/bin/env node
// Fails when the pacts the consumer tests just wrote differ from the committed ones in contracts/pacts/.
// With no Pact Broker, the committed files are the contract the provider verifies in CI; a pact that
// changed without being committed would let the client and the server drift apart unnoticed.
//
//   node contracts/scripts/check-drift.mjs               compare the working copy with git
//   node contracts/scripts/check-drift.mjs --regenerate  run the consumer tests first, then compare
import { execFileSync, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const pactsDir = fileURLToPath(new URL('../pacts/', import.meta.url))
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

function git(...args) {
  return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' })
}

function fail(message) {
  console.error(`contract drift check FAILED: ${message}`)
  process.exit(1)
}

if (process.argv.includes('--regenerate')) {
  const run = spawnSync('pnpm', ['--filter', '@pipeshub/client', 'test:contract'], {
    cwd: repoRoot,
    stdio: 'inherit',
  })
  if (run.status !== 0) fail('the consumer contract tests failed, so the pacts could not be regenerated')
}

try {
  git('rev-parse', '--is-inside-work-tree')
} catch {
  fail(
    `${repoRoot} is not a git checkout: the committed pacts are what the regenerated ones are compared with`,
  )
}

// Pacts the consumer tests wrote that git does not know yet: a new consumer/provider pair.
const untracked = git('ls-files', '--others', '--exclude-standard', '--', pactsDir)
  .split('\n')
  .filter(Boolean)
const tracked = git('ls-files', '--', pactsDir).split('\n').filter(Boolean)
if (tracked.length === 0 && untracked.length === 0) {
  fail(
    'contracts/pacts/ holds no pact: the consumer tests (pnpm --filter @pipeshub/client test:contract) write them',
  )
}
if (untracked.length > 0) {
  fail(
    `these pacts are new and not committed yet: ${untracked.join(', ')}\n` +
      'Review them and commit them with the change that produced them.',
  )
}

// Compare the working copy (just regenerated) with the index/HEAD version of the committed pacts.
const diff = spawnSync('git', ['diff', '--exit-code', '--stat', '--patch', 'HEAD', '--', pactsDir], {
  cwd: repoRoot,
  encoding: 'utf8',
})
if (diff.status === 1) {
  console.error(diff.stdout)
  fail(
    'the regenerated pacts differ from the committed ones (diff above).\n' +
      'If the change to the contract is intended, commit contracts/pacts/ with it so the provider verifies\n' +
      'the new contract; if not, the client now sends or expects something different: fix the client.',
  )
}
if (diff.status !== 0) fail(`git diff failed: ${diff.stderr.trim()}`)

console.log(`contract drift check passed: ${tracked.length} committed pact(s) match the regenerated ones`)
