#!/usr/bin/env node
// `pnpm check:packages`: packs every public @pipeshub package exactly as `pnpm publish` would and
// checks the tarball a user downloads, not the folder we develop in:
//   - publint --strict (exports, files, types conditions, module format)
//   - @arethetypeswrong/cli with the esm-only profile (types resolve under node16/nodenext and bundler)
//   - contents: only dist/, README, LICENSE, CHANGELOG and package.json; no tests, no sources, no
//     source maps pointing at files that are not shipped; no workspace: ranges left
// and prints the size of each tarball. Exits non-zero with one line per problem.
//
// Options: --no-build (skip `turbo run build`), --keep (leave the tarballs and print where),
// --root <dir> (check another workspace's packages/*).
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { publicPackages, run, tail, workspaceRoot } from './lib/workspace.mjs'

const argv = process.argv.slice(2)
const args = new Set(argv)
// --root <dir>: check the packages/* of another workspace (a fixture, a copy); default this one.
const rootIndex = argv.indexOf('--root')
const root = rootIndex >= 0 && argv[rootIndex + 1] ? argv[rootIndex + 1] : workspaceRoot
const bin = (name) => join(workspaceRoot, 'node_modules', '.bin', name)

/** What a published package may contain, relative to its root. */
const allowedTopLevel = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/, /^dist\//]
/** What must never ship, even inside dist/. */
const forbidden = [
  [/(^|\/)__tests__\//, 'a test folder'],
  [/\.(test|spec)(-d)?\.[cm]?[jt]sx?$/, 'a test file'],
  [/\.(test|spec)(-d)?\.d\.[cm]?ts$/, 'the types of a test file'],
  [/(^|\/)test-support\//, 'test support code'],
  [/\.tsbuildinfo$/, 'a TypeScript build cache'],
  [/(^|\/)src\//, 'source code (only dist/ ships)'],
  [/(?<!\.d)\.[cm]?tsx?$/, 'a TypeScript source file'],
  [/(^|\/)\.[^/]+$/, 'a dot file'],
]

async function checkPackage(pkg, packDir) {
  const problems = []
  const problem = (text) => problems.push(`${pkg.name}: ${text}`)

  if (!existsSync(join(pkg.dir, 'dist'))) {
    problem('has no dist/: build it first (pnpm turbo run build --filter=./packages/*)')
    return { problems }
  }
  for (const file of ['README.md', 'LICENSE']) {
    if (!existsSync(join(pkg.dir, file))) problem(`has no ${file}`)
  }

  const target = join(packDir, pkg.name.replace('@', '').replace('/', '-'))
  await run('pnpm', ['pack', '--pack-destination', target], { cwd: pkg.dir, timeoutMs: 120_000 })
  const tarballName = readdirSync(target).find((file) => file.endsWith('.tgz'))
  if (tarballName === undefined) {
    problem(`pnpm pack wrote no tarball into ${target}`)
    return { problems }
  }
  const tarball = join(target, tarballName)

  const { readTarball } = await import('./lib/workspace.mjs')
  const entries = readTarball(tarball)
  const paths = new Set(entries.map((entry) => entry.path))
  for (const { path, body } of entries) {
    if (!allowedTopLevel.some((pattern) => pattern.test(path))) {
      problem(`ships ${path}, which users do not need (allowed: dist/, README.md, LICENSE, CHANGELOG.md)`)
    }
    for (const [pattern, what] of forbidden) {
      if (pattern.test(path)) problem(`ships ${path}: ${what}`)
    }
    if (path.endsWith('.map')) {
      let map
      try {
        map = JSON.parse(body.toString('utf8'))
      } catch {
        problem(`ships ${path}, which is not valid JSON`)
        continue
      }
      const base = posix.dirname(path)
      for (const source of map.sources ?? []) {
        const shipped = posix.normalize(posix.join(base, map.sourceRoot ?? '', source))
        const embedded = Array.isArray(map.sourcesContent) && map.sourcesContent.length > 0
        if (!paths.has(shipped) && !embedded) {
          problem(`ships ${path}, a source map pointing at ${shipped}, which is not in the package`)
        }
      }
    }
  }
  for (const required of ['package.json', 'README.md', 'LICENSE']) {
    if (!paths.has(required) && existsSync(join(pkg.dir, required))) problem(`tarball has no ${required}`)
  }

  const manifestEntry = entries.find((entry) => entry.path === 'package.json')
  if (manifestEntry) {
    const manifest = JSON.parse(manifestEntry.body.toString('utf8'))
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith('workspace:')) {
          problem(`packed package.json still has ${field}.${name}: "${range}" (pack must rewrite it)`)
        }
      }
    }
    const readme = entries.find((entry) => entry.path === 'README.md')
    if (readme && !readme.body.toString('utf8').includes(`npm install ${pkg.name}`)) {
      problem(`README.md does not show \`npm install ${pkg.name}\``)
    }
  }

  try {
    await run(bin('publint'), ['run', tarball, '--strict'], { cwd: target, timeoutMs: 60_000 })
  } catch (error) {
    problem(`publint --strict failed:\n${tail(error.result?.stdout || error.message)}`)
  }
  // attw skips wildcard subpaths ("./schemas/*.json"): name every file they expose so each is checked.
  const attwArgs = [tarball, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color']
  const wildcardEntrypoints = manifestEntry
    ? expandWildcardExports(JSON.parse(manifestEntry.body.toString('utf8')).exports, paths)
    : []
  if (wildcardEntrypoints.length > 0) attwArgs.push('--include-entrypoints', ...wildcardEntrypoints)
  try {
    await run(bin('attw'), attwArgs, {
      cwd: target,
      timeoutMs: 120_000,
    })
  } catch (error) {
    problem(
      `@arethetypeswrong/cli --profile esm-only failed:\n${tail(error.result?.stdout || error.message)}`,
    )
  }

  return {
    problems,
    size: {
      name: pkg.name,
      tarball: tarballName,
      packed: statSync(tarball).size,
      unpacked: entries.reduce((sum, entry) => sum + entry.size, 0),
      files: entries.length,
    },
  }
}

/** The concrete subpaths that the wildcard keys of an exports map expose, given the shipped files. */
function expandWildcardExports(exportsField, paths) {
  if (exportsField === null || typeof exportsField !== 'object') return []
  const subpaths = []
  for (const [key, target] of Object.entries(exportsField)) {
    if (!key.includes('*')) continue
    const targetPattern = typeof target === 'string' ? target : (target?.default ?? target?.import)
    if (typeof targetPattern !== 'string') continue
    const [before, after] = targetPattern.replace(/^\.\//, '').split('*')
    for (const path of paths) {
      if (path.startsWith(before) && path.endsWith(after) && path.length >= before.length + after.length) {
        subpaths.push(key.replace('*', path.slice(before.length, path.length - after.length)))
      }
    }
  }
  return subpaths.sort()
}

function printSizes(sizes) {
  const rows = [
    ['package', 'packed bytes', 'unpacked bytes', 'files'],
    ...sizes.map((size) => [size.name, String(size.packed), String(size.unpacked), String(size.files)]),
  ]
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  for (const [index, row] of rows.entries()) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
        .join('  '),
    )
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  }
}

async function main() {
  const packages = publicPackages(root)
  if (packages.length === 0) throw new Error('no public package found under packages/')
  if (!args.has('--no-build')) {
    console.log(`check:packages: building ${packages.map((pkg) => pkg.name).join(', ')}`)
    await run('pnpm', ['turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], {
      cwd: root,
      timeoutMs: 600_000,
    })
  }
  const packDir = mkdtempSync(join(tmpdir(), 'pipeshub-pack-'))
  try {
    const results = []
    for (const pkg of packages) results.push(await checkPackage(pkg, packDir))
    const problems = results.flatMap((result) => result.problems)
    const sizes = results.flatMap((result) => (result.size ? [result.size] : []))
    console.log('')
    printSizes(sizes)
    console.log('')
    if (problems.length > 0) {
      console.error(`check:packages: ${problems.length} problem(s)`)
      for (const text of problems) console.error(`  - ${text.replaceAll('\n', '\n    ')}`)
      process.exitCode = 1
    } else {
      console.log(
        `check:packages: ${packages.length} packages clean (publint --strict, attw --profile esm-only, contents)`,
      )
    }
  } finally {
    if (args.has('--keep')) console.log(`tarballs kept in ${packDir}`)
    else rmSync(packDir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(`check:packages failed: ${error.message}`)
  process.exitCode = 1
})
