/**
 * The load generator process: autocannon driven over IPC, pinned by the harness to its own core so
 * that the server under test keeps a core to itself. One long-lived process serves every round.
 */
import autocannon from 'autocannon'
import { DpopProofMaker } from '../dpop-proof.js'
import type { LoadCommand, LoadJob, LoadMessage, LoadResult } from '../protocol.js'
import { renderBody } from '../scenario.js'
import { percentileOfSorted } from '../stats.js'

function send(message: LoadMessage): void {
  process.send?.(message)
}

/** Latencies of one run, in milliseconds, kept exactly (autocannon's histogram rounds to whole ms). */
class LatencyRecorder {
  private samples = new Float64Array(1 << 16)
  private count = 0

  record(milliseconds: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2)
      grown.set(this.samples)
      this.samples = grown
    }
    this.samples[this.count++] = milliseconds
  }

  sorted(): Float64Array {
    return this.samples.subarray(0, this.count).sort()
  }
}

/** What a run counts besides autocannon's own totals. */
interface RunCounters {
  /** 2xx answers of the wrong form. */
  invalid: number
  /** Milliseconds spent making DPoP proofs; undefined without DPoP. */
  proofMs?: number
}

function requestsFor(
  job: LoadJob,
  counters: RunCounters,
  onFailureBody: (body: string) => void,
): autocannon.Request[] {
  const { scenario } = job
  const base: autocannon.Request = {
    method: scenario.request.method,
    path: scenario.request.path,
    headers: { ...scenario.request.headers },
  }
  if (scenario.kind === 'fixed') {
    return [
      {
        ...base,
        ...(scenario.request.body === undefined ? {} : { body: scenario.request.body }),
        onResponse: (status, body) => {
          if (status < 200 || status > 299) onFailureBody(body)
        },
      },
    ]
  }
  if (scenario.kind === 'dpop') {
    // One key per run; a fresh proof per request, made here so that none is ever sent twice.
    const proofs = new DpopProofMaker(scenario.htu, scenario.request.method)
    counters.proofMs = 0
    return [
      {
        ...base,
        ...(scenario.request.body === undefined ? {} : { body: scenario.request.body }),
        setupRequest: (request) => {
          const started = performance.now()
          const dpop = proofs.next()
          counters.proofMs = (counters.proofMs ?? 0) + performance.now() - started
          return { ...request, headers: { ...request.headers, dpop } }
        },
        onResponse: (status, body) => {
          if (status < 200 || status > 299) {
            onFailureBody(body)
            return
          }
          // A server that ignored the proof would answer a Bearer token: that is not the DPoP flow.
          let tokenType: unknown
          try {
            tokenType = (JSON.parse(body) as { token_type?: unknown }).token_type
          } catch {}
          // Token types are case-insensitive (RFC 6749 §5.1).
          if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'dpop') {
            counters.invalid++
            onFailureBody(`token_type is not DPoP in a 2xx response: ${body.slice(0, 200)}`)
          }
        },
      },
    ]
  }
  const { body: template } = scenario
  // A LIFO pool: each credential is sent once; a rotated refresh token rejoins the pool.
  const pool = [...job.credentials].reverse()
  return [
    {
      ...base,
      setupRequest: (request) => {
        // An exhausted pool sends a value the server must refuse, so it shows up as a failure.
        const credential = pool.pop() ?? 'exhausted-credential-pool'
        return { ...request, body: renderBody(template, credential) }
      },
      onResponse: (status, body) => {
        if (status < 200 || status > 299) {
          onFailureBody(body)
          return
        }
        if (scenario.kind !== 'refresh-chain') return
        const rotated = (JSON.parse(body) as { refresh_token?: unknown }).refresh_token
        if (typeof rotated === 'string') pool.push(rotated)
        else onFailureBody(`no refresh_token in 2xx response: ${body.slice(0, 200)}`)
      },
    },
  ]
}

async function run(job: LoadJob): Promise<LoadResult> {
  const latencies = new LatencyRecorder()
  let firstFailure: string | undefined
  const counters: RunCounters = { invalid: 0 }
  const requests = requestsFor(job, counters, (body) => {
    firstFailure ??= body.slice(0, 500)
  })
  const options: autocannon.Options = {
    url: job.url,
    connections: job.connections,
    pipelining: 1,
    timeout: 10,
    requests,
    ...(job.amount === undefined ? { duration: job.durationSeconds } : { amount: job.amount }),
  }
  const cpuBefore = process.cpuUsage()
  const wallBefore = performance.now()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)))
    // autocannon 9 emits (client, statusCode, bytes, responseTimeMs); its typings predate the client.
    ;(instance as NodeJS.EventEmitter).on(
      'response',
      (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
        latencies.record(responseTime),
    )
  })
  const cpu = process.cpuUsage(cpuBefore)
  const wallMs = performance.now() - wallBefore
  const sorted = latencies.sorted()
  const ok = result['2xx']
  const statusCodes: Record<string, number> = {}
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stats.count ?? 0
  return {
    requests: sorted.length,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    requestsPerSecond: result.duration > 0 ? ok / result.duration : 0,
    latencyP50Ms: percentileOfSorted(sorted, 50),
    latencyP99Ms: percentileOfSorted(sorted, 99),
    statusCodes,
    invalid: counters.invalid,
    ...(counters.proofMs === undefined ? {} : { proofSeconds: counters.proofMs / 1000 }),
    loadCpuShare: wallMs > 0 ? (cpu.user + cpu.system) / 1000 / wallMs : 0,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  }
}

process.on('message', (command: LoadCommand) => {
  if (command.type === 'stop') {
    process.disconnect?.()
    return
  }
  run(command.job).then(
    (result) => send({ type: 'result', id: command.id, result }),
    (error: unknown) => send({ type: 'failed', id: command.id, message: String(error) }),
  )
})
// Without its harness (killed, Ctrl-C) nothing would read the results: stop at once.
process.on('disconnect', () => process.exit(0))
send({ type: 'ready' })
