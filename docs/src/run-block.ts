import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { ReadmeBlock } from './readme-blocks.js'

/** Languages the docs test runs; any other block must be marked `no-run`. */
const LANGUAGES: Record<string, 'sh' | 'mjs' | 'mts'> = {
  sh: 'sh',
  bash: 'sh',
  shell: 'sh',
  js: 'mjs',
  mjs: 'mjs',
  javascript: 'mjs',
  ts: 'mts',
  typescript: 'mts',
}

export function runnableKind(block: ReadmeBlock): 'sh' | 'mjs' | 'mts' | undefined {
  return LANGUAGES[block.language]
}

export interface BlockRun {
  exitCode: number | null
  stdout: string
  stderr: string
}

/** Each placeholder of the README (example hosts, `<client_id>`) and what the test puts in its place. */
export type Substitutions = ReadonlyArray<readonly [placeholder: string, value: string]>

function substitute(text: string, substitutions: Substitutions): string {
  let result = text
  for (const [placeholder, value] of substitutions) result = result.split(placeholder).join(value)
  return result
}

/**
 * The module the block becomes: its setup, the block, its checks. With `expect-error`, the block runs
 * inside a `try` (its one-line imports hoisted out, as a module requires) and must throw that OAuth error.
 */
export function blockSource(block: ReadmeBlock, substitutions: Substitutions): string {
  const code = substitute(block.code, substitutions)
  const setup = block.setup.map((part) => substitute(part, substitutions))
  const after = block.after.map((part) => substitute(part, substitutions))
  if (runnableKind(block) === 'sh') return [...setup, code, ...after].join('\n')
  if (block.expectError === undefined) return [...setup, code, ...after].join('\n')
  const lines = code.split('\n')
  const imports = lines.filter((line) => /^import .* from '[^']+'$/.test(line))
  const body = lines.filter((line) => !imports.includes(line))
  const expected = JSON.stringify(block.expectError)
  return [
    ...imports,
    ...setup,
    'let docsTestError',
    'try {',
    ...body,
    '} catch (error) {',
    '  docsTestError = error',
    '}',
    `if (docsTestError?.error !== ${expected}) {`,
    `  throw new Error(\`expected the block to throw the OAuth error \${${expected}}, got \${docsTestError}\`, { cause: docsTestError })`,
    '}',
    ...after,
  ].join('\n')
}

export interface RunOptions {
  /** Folder for the block's file; JS/TS blocks also run there (it must resolve the workspace packages). */
  workDir: string
  /** Working directory of shell blocks. */
  shellCwd: string
  env: NodeJS.ProcessEnv
  substitutions: Substitutions
  timeoutMs: number
}

function writeBlock(
  block: ReadmeBlock,
  options: RunOptions,
): { command: string; args: string[]; cwd: string } {
  const kind = runnableKind(block)
  if (kind === undefined)
    throw new Error(`${block.file}:${block.line}: a ${block.language || 'plain'} block cannot run`)
  const name = `${basename(block.file.replace(/\/README\.md$/i, '') || 'root')}-${block.line}.${kind}`
  const path = join(options.workDir, name.replace(/[^\w.-]/g, '_'))
  writeFileSync(path, blockSource(block, options.substitutions))
  if (kind === 'sh') return { command: 'bash', args: ['-euo', 'pipefail', path], cwd: options.shellCwd }
  return { command: process.execPath, args: [path], cwd: options.workDir }
}

/** Runs a block to its end (killed after `timeoutMs`). */
export function runBlock(block: ReadmeBlock, options: RunOptions): Promise<BlockRun> {
  const { command, args, cwd } = writeBlock(block, options)
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(
          `${block.file}:${block.line} did not finish within ${options.timeoutMs} ms\n${stdout}\n${stderr}`,
        ),
      )
    }, options.timeoutMs)
    child.once('error', reject)
    child.once('close', (exitCode) => {
      clearTimeout(timer)
      resolve({ exitCode, stdout, stderr })
    })
  })
}

export interface Background {
  child: ChildProcess
  /** The line that made it ready. */
  line: string
  output: () => string
  stop: () => Promise<void>
}

/**
 * Starts a long-running process and resolves once a line of its standard output matches `ready`
 * (rejects when it exits first or `timeoutMs` passes).
 */
export function startBackground(
  command: string,
  args: string[],
  spawnOptions: { cwd: string; env: NodeJS.ProcessEnv },
  ready: RegExp,
  timeoutMs: number,
): Promise<Background> {
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  let stdout = ''
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    const forced = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(forced)
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`${args.join(' ')} was not ready within ${timeoutMs} ms:\n${output}`))
    }, timeoutMs)
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      output += chunk.toString('utf8')
      const line = stdout.split('\n').find((candidate) => ready.test(candidate))
      if (line === undefined) return
      clearTimeout(timer)
      resolve({ child, line, output: () => output, stop })
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`${args.join(' ')} exited before it was ready:\n${output}`))
    })
  })
}

/** A background block: started like `node <block>`, ready once it prints its `export NAME=value` line. */
export async function startBackgroundBlock(
  block: ReadmeBlock,
  options: RunOptions,
): Promise<{ background: Background; exported: Record<string, string> }> {
  const { command, args, cwd } = writeBlock(block, options)
  const background = await startBackground(
    command,
    args,
    { cwd, env: options.env },
    /^export \w+=/,
    options.timeoutMs,
  )
  const exported: Record<string, string> = {}
  for (const pair of background.line.slice('export '.length).trim().split(/\s+/)) {
    const eq = pair.indexOf('=')
    if (eq > 0) exported[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return { background, exported }
}
