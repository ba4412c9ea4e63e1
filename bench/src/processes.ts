import { closeSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NodeChild } from './child.js'
import { DpopProofMaker } from './dpop-proof.js'
import { distEntry } from './paths.js'
import { type Pinning, pinRunningProcess } from './pinning.js'
import type {
  LoadCommand,
  LoadJob,
  LoadMessage,
  LoadResult,
  TargetCommand,
  TargetMessage,
} from './protocol.js'
import { renderBody, type Scenario } from './scenario.js'

const TARGET_ENTRY = distEntry('targets/serve.js')
const LOAD_ENTRY = distEntry('load/load-generator.js')

let nextRequestId = 1
let nextLogFile = 1

/** A server under test in its own process, pinned to the server core. */
export class TargetProcess {
  private constructor(
    readonly id: string,
    private readonly child: NodeChild<TargetCommand, TargetMessage>,
    readonly port: number,
    readonly scenario: Scenario,
    readonly notes: string,
  ) {}

  static async start(
    id: string,
    pinning: Pinning,
    options: {
      nodeArgs?: string[]
      timeoutMs?: number
      /** Start on any core (several targets start at once), then move onto the server core. */
      pinAfterReady?: boolean
    } = {},
  ): Promise<TargetProcess> {
    // The deployable token server logs to stdout, as in production: into a file, as `npm start > log` would.
    const logFile = id.startsWith('deployable-')
      ? join(tmpdir(), `pipeshub-bench-${id}-${process.pid}-${nextLogFile++}.log`)
      : undefined
    const stdout = logFile === undefined ? undefined : openSync(logFile, 'w')
    const child = new NodeChild<TargetCommand, TargetMessage>(TARGET_ENTRY, {
      pinning,
      ...(pinning.mode === 'taskset' && options.pinAfterReady !== true ? { cpu: pinning.serverCpu } : {}),
      args: [id],
      ...(options.nodeArgs === undefined ? {} : { nodeArgs: options.nodeArgs }),
      ...(stdout === undefined ? {} : { stdout }),
    })
    if (stdout !== undefined) closeSync(stdout)
    if (logFile !== undefined) child.process.once('exit', () => rmSync(logFile, { force: true }))
    try {
      const ready = await child.waitFor(
        (message): message is Extract<TargetMessage, { type: 'ready' }> => message.type === 'ready',
        options.timeoutMs ?? 30_000,
        `starting ${id}`,
      )
      if (options.pinAfterReady === true && pinning.mode === 'taskset' && child.process.pid !== undefined) {
        pinRunningProcess(pinning, child.process.pid, pinning.serverCpu)
      }
      return new TargetProcess(id, child, ready.port, ready.scenario, ready.notes)
    } catch (error) {
      await child.stop(undefined, 1000)
      throw error
    }
  }

  get spawnedAt(): number {
    return this.child.spawnedAt
  }

  get pid(): number | undefined {
    return this.child.process.pid
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async prepare(count: number, timeoutMs = 120_000): Promise<string[]> {
    if (this.scenario.kind === 'fixed' || this.scenario.kind === 'dpop' || count === 0) return []
    const id = nextRequestId++
    this.child.send({ type: 'prepare', id, count })
    const answer = await this.child.waitFor(
      (message): message is Extract<TargetMessage, { type: 'prepared' }> =>
        message.type === 'prepared' && message.id === id,
      timeoutMs,
      `${this.id}: issuing ${count} credentials`,
    )
    if (answer.credentials.length !== count) {
      throw new Error(`${this.id}: asked for ${count} credentials, got ${answer.credentials.length}`)
    }
    return answer.credentials
  }

  async memory(collect = false): Promise<{ rss: number; heapUsed: number }> {
    const id = nextRequestId++
    this.child.send({ type: 'rss', id, collect })
    const answer = await this.child.waitFor(
      (message): message is Extract<TargetMessage, { type: 'rss' }> =>
        message.type === 'rss' && message.id === id,
      10_000,
      `${this.id}: memory sample`,
    )
    return { rss: answer.rss, heapUsed: answer.heapUsed }
  }

  /** Starts V8's CPU profiler inside the server process. */
  async startProfile(intervalMicros = 500): Promise<void> {
    const id = nextRequestId++
    this.child.send({ type: 'profile-start', id, intervalMicros })
    await this.child.waitFor(
      (message): message is Extract<TargetMessage, { type: 'profiling' }> =>
        message.type === 'profiling' && message.id === id,
      10_000,
      `${this.id}: starting the profiler`,
    )
  }

  /** Stops the profiler; the server writes the `.cpuprofile` to `path`. */
  async stopProfile(path: string): Promise<void> {
    const id = nextRequestId++
    this.child.send({ type: 'profile-stop', id, path })
    await this.child.waitFor(
      (message): message is Extract<TargetMessage, { type: 'profiled' }> =>
        message.type === 'profiled' && message.id === id,
      60_000,
      `${this.id}: writing the profile`,
    )
  }

  /** Sends one request of the scenario and resolves when it succeeded (the smoke test, the start-up clock). */
  async requestOnce(timeoutMs = 10_000): Promise<{ status: number; body: string }> {
    const [credential] = await this.prepare(1)
    const { scenario } = this
    const body =
      scenario.kind === 'fixed' || scenario.kind === 'dpop'
        ? scenario.request.body
        : renderBody(scenario.body, credential ?? 'missing')
    const dpop = scenario.kind === 'dpop' ? { dpop: new DpopProofMaker(scenario.htu).next() } : {}
    const response = await fetch(`${this.url}${scenario.request.path}`, {
      method: scenario.request.method,
      headers: { ...scenario.request.headers, ...dpop },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await response.text()
    if (!response.ok)
      throw new Error(`${this.id}: first token request answered ${response.status}: ${text.slice(0, 300)}`)
    return { status: response.status, body: text }
  }

  stop(): Promise<void> {
    return this.child.stop({ type: 'stop' }, 10_000)
  }
}

/** The autocannon process, pinned to the load core; one per bench run. */
export class LoadGenerator {
  private constructor(private readonly child: NodeChild<LoadCommand, LoadMessage>) {}

  static async start(pinning: Pinning): Promise<LoadGenerator> {
    const child = new NodeChild<LoadCommand, LoadMessage>(LOAD_ENTRY, {
      pinning,
      ...(pinning.mode === 'taskset' ? { cpu: pinning.loadCpu } : {}),
    })
    await child.waitFor(
      (message): message is Extract<LoadMessage, { type: 'ready' }> => message.type === 'ready',
      30_000,
      'starting the load generator',
    )
    return new LoadGenerator(child)
  }

  async run(job: LoadJob): Promise<LoadResult> {
    const id = nextRequestId++
    this.child.send({ type: 'run', id, job })
    // A round is bounded by its duration (or amount) plus autocannon's 10 s request timeout.
    const bound = (job.amount === undefined ? job.durationSeconds : 600) * 1000 + 30_000
    const answer = await this.child.waitFor(
      (message): message is Extract<LoadMessage, { type: 'result' }> =>
        message.type === 'result' && message.id === id,
      bound,
      'load run',
    )
    return answer.result
  }

  stop(): Promise<void> {
    return this.child.stop({ type: 'stop' }, 5000)
  }
}
