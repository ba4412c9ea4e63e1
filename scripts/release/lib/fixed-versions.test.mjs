// node --test: the fixed-group version check against small throwaway workspaces.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, test } from 'node:test'
import { fixedGroupProblems } from './fixed-versions.mjs'

const folders = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** A pnpm workspace with these packages (`{ name: version }`) under packages/ and this `fixed` config. */
function workspace(versions, fixed) {
  const root = mkdtempSync(join(tmpdir(), 'pipeshub-fixed-versions-'))
  folders.push(root)
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'root', private: true }))
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n')
  mkdirSync(join(root, '.changeset'))
  writeFileSync(join(root, '.changeset', 'config.json'), JSON.stringify({ fixed }))
  for (const [name, version] of Object.entries(versions)) {
    const dir = join(root, 'packages', name.split('/').pop())
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version }))
  }
  return root
}

test('a fixed group whose packages share one version passes', async () => {
  const root = workspace({ '@x/a': '1.2.0', '@x/b': '1.2.0', '@x/c': '0.1.0' }, [['@x/a', '@x/b']])
  const { groups, problems } = await fixedGroupProblems(root)
  assert.deepEqual(problems, [])
  assert.deepEqual(groups, [
    [
      { name: '@x/a', version: '1.2.0' },
      { name: '@x/b', version: '1.2.0' },
    ],
  ])
})

test('one package of a fixed group bumped alone fails, naming every version', async () => {
  const root = workspace({ '@x/a': '1.2.0', '@x/b': '1.3.0' }, [['@x/a', '@x/b']])
  const { problems } = await fixedGroupProblems(root)
  assert.equal(problems.length, 1)
  assert.match(problems[0], /@x\/a@1\.2\.0, @x\/b@1\.3\.0/)
})

test('globs in a fixed group are expanded as changesets expands them', async () => {
  const root = workspace({ '@x/a': '1.0.0', '@x/b': '2.0.0', '@y/c': '3.0.0' }, [['@x/*']])
  const { problems } = await fixedGroupProblems(root)
  assert.equal(problems.length, 1)
  assert.match(problems[0], /@x\/a@1\.0\.0, @x\/b@2\.0\.0/)
  assert.doesNotMatch(problems[0], /@y\/c/)
})

test('a fixed group naming a package the workspace does not have is a config error', async () => {
  const root = workspace({ '@x/a': '1.0.0' }, [['@x/a', '@x/missing']])
  const { problems } = await fixedGroupProblems(root)
  assert.equal(problems.length, 1)
  assert.match(problems[0], /^\.changeset\/config\.json: .*@x\/missing/)
})
