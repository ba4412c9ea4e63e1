// A throwaway Verdaccio on loopback: storage in a temp folder, @pipeshub/* served only from what we
// publish (never proxied, so a name on the public registry cannot leak in), everything else proxied
// to the npm registry so typebox, jose, fastify... install as they would for a user.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { killGroup, run, tail, workspaceRoot } from './workspace.mjs'

const registryToolDir = join(workspaceRoot, 'scripts', 'release', 'registry')
const verdaccioBin = join(registryToolDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio')

/**
 * Installs Verdaccio from the npm registry (package-lock.json pins it) into scripts/release/registry.
 * npm, not pnpm: it needs an `overrides` entry that must not leak into the workspace's graph.
 */
export async function ensureVerdaccio(env) {
  if (existsSync(verdaccioBin)) return
  console.log('release-test: installing Verdaccio (npm ci in scripts/release/registry)')
  await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: registryToolDir,
    env,
    timeoutMs: 300_000,
  })
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolvePort(port))
    })
  })
}

function config({ storage, htpasswd, uplink }) {
  // YAML written by hand: the values are paths and URLs we made, quoted.
  return `storage: ${JSON.stringify(storage)}
auth:
  htpasswd:
    file: ${JSON.stringify(htpasswd)}
    max_users: 1
uplinks:
  npmjs:
    url: ${JSON.stringify(uplink)}
    timeout: 60s
    maxage: 30m
packages:
  '@pipeshub/*':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
web:
  enable: false
max_body_size: 50mb
log:
  type: stdout
  format: pretty
  level: warn
`
}

/** Starts Verdaccio and resolves once it answers; `stop()` kills it (idempotent, also synchronous). */
export async function startVerdaccio({ dir, env, uplink, onStart }) {
  mkdirSync(join(dir, 'storage'), { recursive: true })
  const configPath = join(dir, 'config.yaml')
  writeFileSync(
    configPath,
    config({ storage: join(dir, 'storage'), htpasswd: join(dir, 'htpasswd'), uplink }),
  )
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  let log = ''
  const child = spawn(
    process.execPath,
    [verdaccioBin, '--config', configPath, '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  onStart(child)
  child.stdout.on('data', (chunk) => {
    log += chunk
  })
  child.stderr.on('data', (chunk) => {
    log += chunk
  })
  const stop = () => killGroup(child)

  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited with ${child.exitCode}:\n${tail(log)}`)
    try {
      const response = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(2_000) })
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop()
      throw new Error(`Verdaccio did not answer on ${url} within 60s:\n${tail(log)}`)
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250))
  }
  return { url, port, stop, log: () => log }
}

/** Creates a throwaway user through the registry's adduser endpoint (what `npm adduser` calls). */
export async function addUser(url) {
  const name = 'release-test'
  const password = crypto.randomUUID()
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      _id: `org.couchdb.user:${name}`,
      name,
      password,
      email: 'release-test@example.invalid',
      type: 'user',
      roles: [],
      date: new Date().toISOString(),
    }),
    signal: AbortSignal.timeout(10_000),
  })
  const body = await response.json().catch(() => ({}))
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(`Verdaccio refused to create a user (${response.status}): ${JSON.stringify(body)}`)
  }
  return body.token
}

/** The registry document (the "packument") of one package. */
export async function packument(url, name) {
  const response = await fetch(new URL(name.replace('/', '%2f'), url), {
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok) throw new Error(`the registry has no ${name} (${response.status})`)
  return response.json()
}
