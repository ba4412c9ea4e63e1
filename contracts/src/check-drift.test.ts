import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

// The drift check runs against a throwaway git repository laid out like this one, so each outcome
// (committed, changed, new) is produced for real rather than assumed.

const script = fileURLToPath(new URL('../scripts/check-drift.mjs', import.meta.url))
const folders: string[] = []

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function repository(): { root: string; pact: string; run(): { status: number | null; output: string } } {
  const root = mkdtempSync(join(tmpdir(), 'pipeshub-drift-'))
  folders.push(root)
  mkdirSync(join(root, 'contracts/scripts'), { recursive: true })
  mkdirSync(join(root, 'contracts/pacts'), { recursive: true })
  cpSync(script, join(root, 'contracts/scripts/check-drift.mjs'))
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' })
  git('init', '--quiet')
  git('config', 'user.email', 'drift@example.com')
  git('config', 'user.name', 'Drift Check')
  git('config', 'commit.gpgsign', 'false')
  const pact = join(root, 'contracts/pacts/a-b.json')
  writeFileSync(pact, '{"interactions":[]}\n')
  git('add', '.')
  git('commit', '--quiet', '-m', 'pact')
  return {
    root,
    pact,
    run() {
      const result = spawnSync(process.execPath, ['contracts/scripts/check-drift.mjs'], {
        cwd: root,
        encoding: 'utf8',
      })
      return { status: result.status, output: `${result.stdout}${result.stderr}` }
    },
  }
}

describe('check-drift', () => {
  it('passes when the regenerated pacts are the committed ones', () => {
    const repo = repository()
    const result = repo.run()
    expect(result.output).toContain('1 committed pact(s) match')
    expect(result.status).toBe(0)
  })

  it('fails, showing the diff, when a regenerated pact differs from the committed one', () => {
    const repo = repository()
    writeFileSync(repo.pact, '{"interactions":[{"description":"new"}]}\n')
    const result = repo.run()
    expect(result.status).toBe(1)
    expect(result.output).toContain('differ from the committed ones')
    expect(result.output).toContain('"description":"new"')
  })

  it('fails and names the file when a pact is new and not committed', () => {
    const repo = repository()
    writeFileSync(join(repo.root, 'contracts/pacts/c-d.json'), '{}\n')
    const result = repo.run()
    expect(result.status).toBe(1)
    expect(result.output).toContain('new and not committed yet: contracts/pacts/c-d.json')
  })

  it('fails when a committed pact was not regenerated (deleted)', () => {
    const repo = repository()
    rmSync(repo.pact)
    const result = repo.run()
    expect(result.status).toBe(1)
    expect(result.output).toMatch(/differ from the committed ones|holds no pact/)
  })
})
