// Shared helpers of the release scripts: where the workspace is, which packages it publishes, how to
// run a command with a bounded time, and how to read a tarball without extracting it.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

export const workspaceRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)))

/** The packages a release publishes: every non-private package under packages/. */
export function publicPackages(root = workspaceRoot) {
  const dir = join(root, 'packages')
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const path = join(dir, entry.name)
      let manifest
      try {
        manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'))
      } catch {
        return undefined
      }
      return { dir: path, name: manifest.name, version: manifest.version, manifest }
    })
    .filter((pkg) => pkg !== undefined && pkg.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Every child `run` started and that has not exited yet: killed by `killAll` on any exit path. */
const runningChildren = new Set()

export function killAll() {
  for (const child of runningChildren) killGroup(child)
}

export class CommandError extends Error {
  constructor(message, result) {
    super(message)
    this.name = 'CommandError'
    this.result = result
  }
}

/**
 * Runs a command without a shell and resolves with its output. Rejects when it exits non-zero or
 * runs longer than `timeoutMs` (then its whole process group is killed, so no grandchild survives).
 */
export function run(command, args, { cwd, env, timeoutMs = 120_000, input, echo = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      detached: true,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    runningChildren.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      if (echo) process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      if (echo) process.stderr.write(chunk)
    })
    if (input !== undefined) {
      child.stdin.on('error', () => {}) // a child that exits without reading its input is not our failure
      child.stdin.end(input)
    }
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, timeoutMs)
    child.on('error', (error) => {
      runningChildren.delete(child)
      clearTimeout(timer)
      reject(new CommandError(`${command} could not start: ${error.message}`, { stdout, stderr, code: null }))
    })
    child.on('close', (code, signal) => {
      runningChildren.delete(child)
      clearTimeout(timer)
      const result = { stdout, stderr, code }
      const shown = `${command} ${args.join(' ')}`
      if (timedOut) {
        reject(new CommandError(`\`${shown}\` took longer than ${timeoutMs / 1000}s and was stopped`, result))
      } else if (code !== 0) {
        reject(
          new CommandError(
            `\`${shown}\` (in ${cwd ?? process.cwd()}) exited with ${code ?? signal}\n${tail(stderr || stdout)}`,
            result,
          ),
        )
      } else {
        resolvePromise(result)
      }
    })
  })
}

export function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}

export function tail(text, lines = 40) {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/** The entries of a .tgz (npm's tar: ustar headers, optional pax headers) with their sizes and bytes. */
export function readTarball(path) {
  const data = gunzipSync(readFileSync(path))
  const entries = []
  let offset = 0
  let paxPath
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const field = (start, length) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const size = Number.parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1) || '0'
    const prefix = field(345, 155)
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100)
    const body = data.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
    if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))
      paxPath = match?.[1]
      continue
    }
    if (type === '0' || type === '\0') {
      entries.push({ path: (paxPath ?? name).replace(/^package\//, ''), size, body })
    }
    paxPath = undefined
  }
  return entries
}
