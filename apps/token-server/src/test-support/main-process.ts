import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { PACKAGE_ROOT } from '../config.js'

/** The built server, as `npm start` runs it. */
export const MAIN = resolve(PACKAGE_ROOT, 'dist/main.js')

export interface StartedMain {
  child: ChildProcessWithoutNullStreams
  output: () => string
  /** Standard output alone: the JSON log stream. */
  stdout: () => string
  issuer: string
  /** Resolves when the output contains `text` (or rejects when the process exits first). */
  waitFor: (text: string) => Promise<void>
  exited: Promise<number | null>
}

const running = new Set<ChildProcessWithoutNullStreams>()

/** SIGKILLs every process `startMain` started that is still running (for `afterEach`/`afterAll`). */
export function killStartedMains(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  running.clear()
}

/** Starts `node dist/main.js` from an unrelated working directory and waits until it is ready. */
export async function startMain(env: Record<string, string>, args: string[] = []): Promise<StartedMain> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', PIPESHUB_PORT: '0', PIPESHUB_LOG_LEVEL: 'info', ...env },
  })
  running.add(child)
  let output = ''
  let stdout = ''
  let ended = false
  const waiters: Array<{ text: string; resolve: () => void; reject: (error: Error) => void }> = []
  const check = () => {
    for (const waiter of [...waiters]) {
      if (output.includes(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  }
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    output += chunk.toString('utf8')
    check()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
    check()
  })
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => {
      running.delete(child)
      resolveExit(code)
    }),
  )
  void exited.then(() => {
    ended = true
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`process exited; output:\n${output}`))
  })
  const waitFor = (text: string) =>
    new Promise<void>((resolveWait, reject) => {
      waiters.push({ text, resolve: resolveWait, reject })
      check()
      if (ended && waiters.some((waiter) => waiter.resolve === resolveWait)) {
        waiters.splice(
          waiters.findIndex((waiter) => waiter.resolve === resolveWait),
          1,
        )
        reject(new Error(`process exited; output:\n${output}`))
      }
    })
  await waitFor('"msg":"token server ready"')
  const ready = output.split('\n').find((line) => line.includes('"msg":"token server ready"')) ?? '{}'
  const issuer = (JSON.parse(ready) as { issuer: string }).issuer
  return { child, output: () => output, stdout: () => stdout, issuer, waitFor, exited }
}
