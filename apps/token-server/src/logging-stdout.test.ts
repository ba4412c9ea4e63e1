import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from './config.js'

// The built logger, in a process of its own whose stdout is a pipe, as under a container runtime.
const LOGGING = pathToFileURL(resolve(PACKAGE_ROOT, 'dist/logging.js')).href
const children: ChildProcessWithoutNullStreams[] = []

function run(body: string): {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  exited: Promise<number | null>
} {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', `import { createLogger } from ${JSON.stringify(LOGGING)}\n${body}`],
    { env: { PATH: process.env.PATH ?? '' } },
  )
  children.push(child)
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
  })
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)))
  return { child, stdout: () => stdout, exited }
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

describe('log lines on standard output', () => {
  it('reach stdout while the process runs, though they do not fill the write buffer', async () => {
    const started = run(`
      createLogger({ level: 'info', format: 'json' }).info({ n: 1 }, 'the only line')
      setInterval(() => {}, 1000)
    `)
    // Bounded only by the test timeout: without the periodic flush this line would wait for 8 KB more.
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (started.stdout().includes('the only line')) {
          clearInterval(poll)
          done()
        }
      }, 20)
    })
    expect(started.child.exitCode).toBeNull()
    expect(JSON.parse(started.stdout().trim())).toMatchObject({ n: 1, msg: 'the only line' })
  })

  it('are all written, in order, when the process exits at once or on an uncaught exception', async () => {
    const exiting = run(`
      const log = createLogger({ level: 'info', format: 'json' })
      for (let n = 0; n < 3000; n++) log.info({ n }, 'numbered')
      process.exit(0)
    `)
    expect(await exiting.exited).toBe(0)
    const numbers = exiting
      .stdout()
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { n: number }).n)
    expect(numbers).toEqual(Array.from({ length: 3000 }, (_, n) => n))

    const crashing = run(`
      createLogger({ level: 'info', format: 'json' }).error({ n: 7 }, 'before the crash')
      setTimeout(() => { throw new Error('boom') }, 0)
    `)
    expect(await crashing.exited).not.toBe(0)
    expect(JSON.parse(crashing.stdout().trim())).toMatchObject({ n: 7, msg: 'before the crash' })
  })
})
