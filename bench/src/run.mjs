#!/usr/bin/env node
// Launcher of `pnpm bench`: makes sure the bench and the workspace packages it measures are built,
// then runs the compiled harness (dist/main.js). Usage: node src/run.mjs [--quick] (see --help).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)))
const entry = join(benchDir, 'dist', 'main.js')

function newestSource(dir) {
  let newest = 0
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name)
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: benchDir, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`bench: \`${command} ${args.join(' ')}\` failed`)
    process.exit(result.status ?? 1)
  }
}

// Under turbo (`pnpm bench`) every build already ran (dependsOn ^build, build); run by hand, build here.
if (process.env.TURBO_HASH === undefined) {
  const workspaceBuilt = ['models', 'server', 'client'].every((name) =>
    existsSync(join(benchDir, 'node_modules', '@pipeshub', name, 'dist', 'index.js')),
  )
  if (!workspaceBuilt) {
    run('pnpm', [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@pipeshub/bench^...',
      '--output-logs=errors-only',
    ])
  }
  if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource(join(benchDir, 'src'))) {
    run('pnpm', ['run', 'build'])
  }
}

const { main } = await import(entry)
process.exitCode = await main(process.argv.slice(2))
