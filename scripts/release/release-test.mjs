#!/usr/bin/env node
// `pnpm test:release`: proves a release by doing one, against a throwaway registry on loopback.
//
//  1. copies the workspace (tracked + untracked-not-ignored files) into a temp folder; the real
//     checkout is never written to (except Verdaccio's own install in scripts/release/registry)
//  2. starts Verdaccio on 127.0.0.1:<free port> with temp storage and a throwaway user
//  3. in the copy: `changeset version --snapshot release-test` (with a temp changeset if there is
//     none), then `pnpm run release --tag release-test --no-git-tag`, exactly the maintainers'
//     release script (turbo build, then changeset publish), with the copy's .npmrc pointing at
//     Verdaccio, provenance off (there is no CI identity to sign with here)
//  4. in blank projects outside the workspace, per package and per client (npm, pnpm): installs it
//     alone, imports it from ESM, type-checks a TypeScript consumer with moduleResolution nodenext
//     and bundler; then installs @pipeshub/server + @pipeshub/client together and gets a token:
//     the installed client from a token server started from the installed server package
//  5. asserts every published version is the same, workspace ranges were rewritten, and the Pact
//     file's consumer version is the client version this commit releases (see pactConsumerVersions)
//
// Bounded: every command has a timeout and the whole run a deadline (PIPESHUB_RELEASE_TEST_TIMEOUT_S,
// default 1200). Verdaccio and every child run in their own process group, killed on every exit path.
// Options: --keep (leave the temp folder), --build=packages (build only packages/* with pnpm instead of
// the release script's full turbo build: for working on this script while an app does not build).
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { consumerSources, tokenRoundTrip } from './lib/consumers.mjs'
import { addUser, ensureVerdaccio, packument, startVerdaccio } from './lib/registry.mjs'
import { killAll, killGroup, publicPackages, run, workspaceRoot } from './lib/workspace.mjs'

const args = process.argv.slice(2)
const keep = args.includes('--keep')
const buildPackagesOnly = args.includes('--build=packages')
const inCI = process.env.CI === 'true' || process.env.CI === '1'
const snapshotTag = 'release-test'
const tsc = join(workspaceRoot, 'node_modules', '.bin', 'tsc')
const started = performance.now()

const tmp = mkdtempSync(join(tmpdir(), 'pipeshub-release-test-'))
const children = new Set()
let cleanedUp = false

/** The packages a consumer's install brought in: npm's hidden lockfile, or pnpm's virtual store. */
function installedPackages(dir, client) {
  const names =
    client === 'npm'
      ? Object.keys(readJson(join(dir, 'node_modules', '.package-lock.json')).packages ?? {})
          .filter((path) => path !== '')
          .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
      : readdirSync(join(dir, 'node_modules', '.pnpm'))
          .filter((entry) => entry.includes('@', 1))
          .map((entry) => entry.slice(0, entry.indexOf('@', 1)).replace('+', '/'))
  return { count: names.length, names }
}

function cleanup() {
  if (cleanedUp) return
  cleanedUp = true
  for (const child of children) killGroup(child)
  killAll()
  if (keep) console.log(`release-test: kept ${tmp}`)
  else rmSync(tmp, { recursive: true, force: true })
}
process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`release-test: ${signal}, stopping`)
    cleanup()
    process.exit(130)
  })
}
const deadlineSeconds = Number(process.env.PIPESHUB_RELEASE_TEST_TIMEOUT_S ?? 1200)
const deadline = setTimeout(() => {
  console.error(`release-test: FAILED: did not finish within ${deadlineSeconds}s`)
  cleanup()
  process.exit(1)
}, deadlineSeconds * 1000)
deadline.unref()

/** The environment of every child: ours, minus what `pnpm run` injected about the outer project. */
function cleanEnv(extra = {}) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_(config|package|lifecycle)_/i.test(key) || key === 'INIT_CWD') continue
    env[key] = value
  }
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? ''}`
  env.TURBO_TELEMETRY_DISABLED = '1'
  env.DO_NOT_TRACK = '1'
  return { ...env, ...extra }
}

/** Something another part of the project has not delivered yet: skipped loudly locally, fails in CI. */
class NotReady extends Error {}

const results = []
/** A step the next ones depend on: its failure ends the run. */
async function step(name, action) {
  const stepStart = performance.now()
  process.stdout.write(`release-test: ${name} ... `)
  try {
    const outcome = await action()
    const detail = typeof outcome === 'string' ? outcome : ''
    const seconds = ((performance.now() - stepStart) / 1000).toFixed(1)
    console.log(`ok (${seconds}s)${detail ? ` ${detail}` : ''}`)
    results.push({ name, status: 'passed' })
  } catch (error) {
    if (error instanceof NotReady && !inCI) {
      console.log(`SKIPPED: ${error.message} (fails with CI=true)`)
      results.push({ name, status: 'skipped', reason: error.message })
      return
    }
    console.log('FAILED')
    results.push({ name, status: 'failed', error })
    throw error
  }
}
/** A check whose failure is reported at the end while the independent checks after it still run. */
async function check(name, action) {
  try {
    await step(name, action)
    return true
  } catch (error) {
    console.error(`  ${error.message.replaceAll('\n', '\n  ')}`)
    return false
  }
}

/** The registry this machine installs from (a mirror, if one is configured): Verdaccio's uplink. */
async function upstreamRegistry() {
  const { stdout } = await run('npm', ['config', 'get', 'registry'], { cwd: tmp, env: cleanEnv() })
  const url = stdout.trim()
  return /^https?:\/\//.test(url) ? url : 'https://registry.npmjs.org/'
}

/** Tracked and untracked-not-ignored files: what a fresh clone of this commit plus local work has. */
async function copyWorkspace(target) {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: workspaceRoot,
  })
  let copied = 0
  for (const file of new Set(stdout.split('\0').filter(Boolean))) {
    const source = join(workspaceRoot, file)
    if (!existsSync(source)) continue // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(target, file)), { recursive: true })
    cpSync(source, join(target, file), { verbatimSymlinks: true })
    copied++
  }
  return copied
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'))
}

/**
 * The consumer version the committed Pact files carry. The consumer tests write the client's
 * package.json version at generation time, so on a commit being released it must equal the version
 * `pnpm release` publishes from that commit: the client package.json version of the checkout. A
 * snapshot (0.0.0-release-test-...) can never equal it, so the check compares the pacts against the
 * pre-snapshot client version, and separately that the snapshot published all packages at one version.
 */
function pactConsumerVersions(root) {
  const dir = join(root, 'contracts', 'pacts')
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.json')) : []
  // Only the pacts @pipeshub/client's tests write carry its version; the pipeshub-sdk consumer's pact
  // describes PipesHub's own SDK, which this repository does not release.
  return files
    .map((file) => ({ file, pact: readJson(join(dir, file)) }))
    .filter(({ pact }) => pact.consumer?.name === 'pipeshub-client')
    .map(({ file, pact }) => ({ file, version: findConsumerVersion(pact) }))
}
function findConsumerVersion(pact) {
  if (typeof pact.consumer?.version === 'string') return pact.consumer.version
  const stack = [pact.metadata ?? {}]
  while (stack.length > 0) {
    const node = stack.pop()
    for (const [key, value] of Object.entries(node)) {
      if (/^consumer[-_]?version$/i.test(key) && typeof value === 'string') return value
      if (value !== null && typeof value === 'object') stack.push(value)
    }
  }
  return undefined
}

async function main() {
  const packages = publicPackages()
  const names = packages.map((pkg) => pkg.name)
  const releasedClientVersion = packages.find((pkg) => pkg.name === '@pipeshub/client')?.version
  const copy = join(tmp, 'workspace')
  const consumersDir = join(tmp, 'consumers')
  console.log(`release-test: ${names.join(', ')} in ${tmp}`)

  await step('copy the workspace', async () => `${await copyWorkspace(copy)} files`)
  await step('install the copy (pnpm install --frozen-lockfile --prefer-offline)', () =>
    run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], {
      cwd: copy,
      env: cleanEnv({ CI: 'true' }),
      timeoutMs: 300_000,
    }),
  )

  let registry
  await step('start Verdaccio on loopback', async () => {
    await ensureVerdaccio(cleanEnv())
    registry = await startVerdaccio({
      dir: join(tmp, 'verdaccio'),
      env: cleanEnv(),
      uplink: await upstreamRegistry(),
      onStart: (child) => children.add(child),
    })
    return registry.url
  })
  const host = registry.url.replace(/^http:/, '')
  const token = await addUser(registry.url)
  // The copy's project .npmrc: read by pnpm publish (auth stays in .npmrc in pnpm 11+) and npm.
  writeFileSync(
    join(copy, '.npmrc'),
    `registry=${registry.url}\n${host}:_authToken=${token}\nprovenance=false\n`,
  )

  const changesetDir = join(copy, '.changeset')
  const pending = readdirSync(changesetDir).filter((file) => file.endsWith('.md') && file !== 'README.md')
  if (pending.length === 0) {
    writeFileSync(
      join(changesetDir, 'release-test.md'),
      `---\n${names.map((name) => `"${name}": patch`).join('\n')}\n---\n\nRelease test snapshot.\n`,
    )
  }

  let version
  await step(`changeset version --snapshot ${snapshotTag}`, async () => {
    await run('pnpm', ['exec', 'changeset', 'version', '--snapshot', snapshotTag], {
      cwd: copy,
      env: cleanEnv(),
      timeoutMs: 120_000,
    })
    const versions = publicPackages(copy).map((pkg) => `${pkg.name}@${pkg.version}`)
    const distinct = new Set(publicPackages(copy).map((pkg) => pkg.version))
    if (distinct.size !== 1) throw new Error(`the fixed group got different versions: ${versions.join(', ')}`)
    version = [...distinct][0]
    if (!version.includes(snapshotTag)) throw new Error(`not a snapshot version: ${version}`)
    return version
  })

  // Provenance needs a CI identity (OIDC); locally it is switched off for the copy only.
  for (const pkg of publicPackages(copy)) {
    const manifestPath = join(pkg.dir, 'package.json')
    const manifest = readJson(manifestPath)
    if (manifest.publishConfig?.provenance) {
      manifest.publishConfig.provenance = false
      writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
    }
  }

  await step(
    buildPackagesOnly
      ? 'build packages/* and changeset publish (--build=packages)'
      : `pnpm run release --tag ${snapshotTag} --no-git-tag`,
    async () => {
      const env = cleanEnv({ npm_config_registry: registry.url, CI: 'true' })
      if (buildPackagesOnly) {
        await run('pnpm', ['--filter', './packages/*', 'run', 'build'], {
          cwd: copy,
          env,
          timeoutMs: 600_000,
        })
        await run('pnpm', ['exec', 'changeset', 'publish', '--tag', snapshotTag, '--no-git-tag'], {
          cwd: copy,
          env,
          timeoutMs: 300_000,
        })
      } else {
        await run('pnpm', ['run', 'release', '--tag', snapshotTag, '--no-git-tag'], {
          cwd: copy,
          env,
          timeoutMs: 900_000,
        })
      }
    },
  )

  await step('registry has every package at one version, internal ranges rewritten', async () => {
    for (const name of names) {
      const document = await packument(registry.url, name)
      const published = document.versions?.[version]
      if (!published)
        throw new Error(`${name}@${version} was not published (has: ${Object.keys(document.versions ?? {})})`)
      if (document['dist-tags']?.[snapshotTag] !== version) {
        throw new Error(
          `${name}: dist-tag ${snapshotTag} is ${document['dist-tags']?.[snapshotTag]}, not ${version}`,
        )
      }
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [dependency, range] of Object.entries(published[field] ?? {})) {
          if (range.startsWith('workspace:'))
            throw new Error(`${name} was published with ${dependency}: ${range}`)
          if (names.includes(dependency) && range !== `^${version}` && range !== version) {
            throw new Error(`${name} depends on ${dependency}@${range}, not on the version released with it`)
          }
        }
      }
    }
    return `${names.length} x ${version}`
  })

  const pnpmBin = 'pnpm'
  for (const pkg of packages) {
    for (const client of ['npm', 'pnpm']) {
      const dir = join(consumersDir, `${pkg.name.split('/')[1]}-${client}`)
      mkdirSync(dir, { recursive: true })
      writeFileSync(
        join(dir, 'package.json'),
        `${JSON.stringify({ name: 'consumer', private: true, type: 'module' })}\n`,
      )
      writeFileSync(join(dir, '.npmrc'), `registry=${registry.url}\n`)
      const env = cleanEnv()
      const installed = await check(`${client}: install ${pkg.name}@${version} alone`, async () => {
        if (client === 'npm') {
          await run(
            'npm',
            ['install', '--no-audit', '--no-fund', '--loglevel=error', `${pkg.name}@${version}`],
            {
              cwd: dir,
              env,
              timeoutMs: 300_000,
            },
          )
        } else {
          await run(pnpmBin, ['add', `${pkg.name}@${version}`, '--reporter=append-only'], {
            cwd: dir,
            env,
            timeoutMs: 300_000,
          })
        }
        const manifest = readJson(join(dir, 'node_modules', ...pkg.name.split('/'), 'package.json'))
        if (manifest.version !== version) throw new Error(`installed ${manifest.version}, not ${version}`)
      })
      if (!installed) continue
      await check(`${client}: import ${pkg.name} from ESM`, async () => {
        const { stdout } = await run(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const m = await import(${JSON.stringify(pkg.name)}); console.log(Object.keys(m).length)`,
          ],
          { cwd: dir, env, timeoutMs: 60_000 },
        )
        const count = Number(stdout.trim())
        if (!(count > 0)) throw new Error(`${pkg.name} exports nothing`)
        return `${count} exports`
      })
      if (pkg.name === '@pipeshub/server') {
        // The stores' drivers are optional: a SQLite user installs no PostgreSQL driver.
        await check(`${client}: @pipeshub/server alone installs no database driver`, async () => {
          const { count, names } = installedPackages(dir, client)
          const drivers = names.filter((name) => name === 'pg' || name.startsWith('pg-'))
          if (drivers.length > 0) throw new Error(`installed ${drivers.join(', ')}`)
          return `${count} packages`
        })
        await check(`${client}: @pipeshub/server/postgres without pg says to install pg`, async () => {
          const { stdout } = await run(
            process.execPath,
            [
              '--input-type=module',
              '-e',
              "const { openPostgresStore } = await import('@pipeshub/server/postgres'); await openPostgresStore({ connectionString: 'postgres://127.0.0.1:1/none' }).then(() => console.log('opened'), (error) => console.log(error.name + ': ' + error.message))",
            ],
            { cwd: dir, env, timeoutMs: 60_000 },
          )
          if (!stdout.includes('StorageError') || !stdout.includes('npm install pg'))
            throw new Error(stdout.trim())
          return stdout.trim()
        })
      }
      const sources = consumerSources(pkg.name)
      writeFileSync(join(dir, 'consumer.ts'), sources.typescript)
      if (sources.needsNodeTypes) {
        // A Node server's types name node's; its users install @types/node as they would for any.
        await check(`${client}: add @types/node to the ${pkg.name} consumer`, () =>
          run(
            client,
            client === 'npm'
              ? ['install', '--no-audit', '--no-fund', '--loglevel=error', '-D', '@types/node@24']
              : ['add', '-D', '@types/node@24', '--reporter=append-only'],
            { cwd: dir, env, timeoutMs: 300_000 },
          ),
        )
      }
      for (const resolution of ['nodenext', 'bundler']) {
        await check(
          `${client}: type-check a consumer of ${pkg.name} (moduleResolution ${resolution})`,
          async () => {
            const tsconfig = {
              compilerOptions: {
                target: 'es2023',
                lib: ['es2023', 'dom'],
                module: resolution === 'nodenext' ? 'nodenext' : 'preserve',
                moduleResolution: resolution,
                strict: true,
                exactOptionalPropertyTypes: true,
                noEmit: true,
                // nodenext checks every shipped .d.ts against the dependencies users really get (a type
                // imported from a devDependency fails here); bundler repeats resolution and API use only,
                // since checking lib.dom and the dependencies' declarations twice costs ~15s per run.
                skipLibCheck: resolution !== 'nodenext',
                types: sources.needsNodeTypes ? ['node'] : [],
              },
              files: ['consumer.ts'],
            }
            writeFileSync(join(dir, `tsconfig.${resolution}.json`), `${JSON.stringify(tsconfig, null, 2)}\n`)
            await run(tsc, ['-p', `tsconfig.${resolution}.json`], { cwd: dir, env, timeoutMs: 120_000 })
          },
        )
      }
    }
  }

  for (const client of ['npm', 'pnpm']) {
    const dir = join(consumersDir, `token-round-trip-${client}`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'app', private: true, type: 'module' })}\n`,
    )
    writeFileSync(join(dir, '.npmrc'), `registry=${registry.url}\n`)
    const specs = ['@pipeshub/server', '@pipeshub/client'].map((name) => `${name}@${version}`)
    const name = `${client}: installed @pipeshub/client gets a token (client_credentials) from an installed @pipeshub/server`
    const installed = await check(`${client}: install ${specs.join(' ')} into an app`, () =>
      run(
        client,
        client === 'npm'
          ? ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs]
          : ['add', ...specs, '--reporter=append-only'],
        { cwd: dir, env: cleanEnv(), timeoutMs: 300_000 },
      ),
    )
    if (!installed) continue
    await check(name, async () => {
      const outcome = await tokenRoundTrip(dir, cleanEnv())
      if (outcome.notReady) throw new NotReady(outcome.notReady)
      return outcome.detail
    })
  }

  const pacts = pactConsumerVersions(copy)
  await check(
    `Pact consumer version equals the released client version (${releasedClientVersion})`,
    async () => {
      if (pacts.length === 0) {
        throw new NotReady(
          'contracts/pacts/ has no Pact file: run the client contract tests and commit the pacts',
        )
      }
      for (const { file, version: pactVersion } of pacts) {
        if (pactVersion === undefined) {
          throw new Error(`contracts/pacts/${file} carries no consumer version (metadata.consumerVersion)`)
        }
        if (pactVersion !== releasedClientVersion) {
          throw new Error(
            `contracts/pacts/${file} was generated by client ${pactVersion}, but this commit releases ${releasedClientVersion}: regenerate the pacts after \`pnpm version-packages\``,
          )
        }
      }
      return `${pacts.length} pact file(s)`
    },
  )
}

main()
  .catch((error) => {
    console.error(`release-test: FAILED: ${error.message}`)
    if (error.result?.stdout && !error.message.includes(error.result.stdout.trim().slice(-200))) {
      console.error(error.result.stdout.trimEnd().split('\n').slice(-30).join('\n'))
    }
    process.exitCode = 1
  })
  .finally(() => {
    clearTimeout(deadline)
    const passed = results.filter((result) => result.status === 'passed').length
    const failed = results.filter((result) => result.status === 'failed').length
    const skipped = results.filter((result) => result.status === 'skipped')
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    console.log(`\nrelease-test: ${seconds}s`)
    for (const result of skipped) console.log(`release-test: SKIPPED ${result.name}: ${result.reason}`)
    if (failed > 0) {
      process.exitCode = 1
      for (const result of results.filter((r) => r.status === 'failed'))
        console.log(`release-test: FAILED ${result.name}`)
    }
    console.log(
      `release-test: ${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`,
    )
    cleanup()
  })
