#!/usr/bin/env node
// `pnpm check:versions`: fails when the packages of a changesets `fixed` group (.changeset/config.json)
// do not all carry the same version. Runs in `npm test` and first thing in `pnpm release`, so a
// mismatched group is never published.
//
//   node scripts/release/check-fixed-versions.mjs [--root <workspace>]
import { fixedGroupProblems } from './lib/fixed-versions.mjs'
import { workspaceRoot } from './lib/workspace.mjs'

const argv = process.argv.slice(2)
const rootIndex = argv.indexOf('--root')
const root = rootIndex >= 0 && argv[rootIndex + 1] ? argv[rootIndex + 1] : workspaceRoot

const { groups, problems } = await fixedGroupProblems(root)
if (problems.length > 0) {
  for (const problem of problems) console.error(`fixed versions check FAILED: ${problem}`)
  process.exit(1)
}
if (groups.length === 0) console.log('fixed versions check: .changeset/config.json has no fixed group')
for (const group of groups) {
  console.log(
    `fixed versions check passed: ${group.map((pkg) => pkg.name).join(', ')} are all at ${group[0]?.version}`,
  )
}
