import { type ChildProcess, spawn } from 'node:child_process'
import { type Pinning, pinnedCommand } from './pinning.js'

/** A node child process with an IPC channel, pinned to one core, answering request/response messages. */
export class NodeChild<Command extends { type: string }, Message extends { type: string }> {
  readonly process: ChildProcess
  readonly spawnedAt: number
  private readonly stderrTail: string[] = []
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
  private readonly listeners = new Set<(message: Message) => void>()

  constructor(
    script: string,
    options: {
      pinning: Pinning
      cpu?: number
      args?: string[]
      nodeArgs?: string[]
      /** A file descriptor for the child's stdout (default: discarded). */
      stdout?: number
    },
  ) {
    const { command, args } = pinnedCommand(options.pinning, options.cpu, [
      ...(options.nodeArgs ?? []),
      script,
      ...(options.args ?? []),
    ])
    this.spawnedAt = performance.now()
    this.process = spawn(command, args, {
      stdio: ['ignore', options.stdout ?? 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    })
    this.process.stderr?.setEncoding('utf8')
    this.process.stderr?.on('data', (chunk: string) => {
      this.stderrTail.push(chunk)
      if (this.stderrTail.length > 20) this.stderrTail.shift()
    })
    this.process.on('message', (message: Message) => {
      for (const listener of this.listeners) listener(message)
    })
    this.process.on('exit', (code, signal) => {
      this.exited = { code, signal }
    })
  }

  get stderr(): string {
    return this.stderrTail.join('').slice(-2000)
  }

  send(command: Command): void {
    this.process.send(command)
  }

  /** Resolves with the first message matching `accept`, rejects on exit or after `timeoutMs`. */
  waitFor<M extends Message>(
    accept: (message: Message) => message is M,
    timeoutMs: number,
    what: string,
  ): Promise<M> {
    return new Promise<M>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer)
        this.listeners.delete(onMessage)
        this.process.off('exit', onExit)
      }
      const onMessage = (message: Message) => {
        if (accept(message)) {
          cleanup()
          resolve(message)
        } else if (message.type === 'failed') {
          cleanup()
          reject(new Error(`${what}: ${(message as unknown as { message: string }).message}`))
        }
      }
      const onExit = () => {
        cleanup()
        reject(new Error(`${what}: process exited (${JSON.stringify(this.exited)})\n${this.stderr}`))
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`${what}: no answer within ${timeoutMs} ms\n${this.stderr}`))
      }, timeoutMs)
      if (this.exited !== undefined) {
        onExit()
        return
      }
      this.listeners.add(onMessage)
      this.process.on('exit', onExit)
    })
  }

  /** Asks the process to stop, then kills it if it has not exited within `graceMs`. */
  async stop(stopCommand: Command | undefined, graceMs = 5000): Promise<void> {
    if (this.exited !== undefined) return
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()))
    if (stopCommand !== undefined && this.process.connected) this.process.send(stopCommand)
    else this.process.kill('SIGTERM')
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
}
