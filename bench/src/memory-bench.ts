import type { BenchOptions } from './options.js'
import type { Pinning } from './pinning.js'
import { type LoadGenerator, TargetProcess } from './processes.js'
import type { MemoryResult } from './results.js'
import { linearSlope } from './stats.js'
import { roundFailure } from './token-bench.js'

/** Fits RSS growth over the steady state (the first quarter of a run is JIT and heap warm-up). */
export function steadyStateSlopeMbPerMinute(samples: readonly { t: number; rssBytes: number }[]): number {
  if (samples.length < 2) return 0
  const end = samples[samples.length - 1]?.t ?? 0
  const steady = samples.filter((sample) => sample.t >= end / 4)
  return linearSlope(steady.map((sample) => ({ x: sample.t / 60, y: sample.rssBytes / 1024 / 1024 })))
}

/** A sustained client_credentials run against a fresh server process, RSS sampled every second. */
export async function runMemoryBench(
  id: string,
  options: BenchOptions,
  pinning: Pinning,
  load: LoadGenerator,
): Promise<MemoryResult> {
  const seconds = options.memorySeconds
  let target: TargetProcess | undefined
  try {
    // --expose-gc only for the two forced collections of the leak check, not during the sampling.
    target = await TargetProcess.start(id, pinning, { nodeArgs: ['--expose-gc'], timeoutMs: 60_000 })
    await target.requestOnce()
    const running = target
    const samples: { t: number; rssBytes: number }[] = [{ t: 0, rssBytes: (await running.memory()).rss }]
    let quarterHeap: number | undefined
    const started = performance.now()
    const run = load.run({
      url: running.url,
      scenario: running.scenario,
      connections: options.connections,
      durationSeconds: seconds,
      credentials: [],
    })
    let finished = false
    void run.finally(() => {
      finished = true
    })
    // One sample a second until the run ends; bounded by the run's own duration plus slack.
    for (let i = 0; i < seconds + 30 && !finished; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      if (finished) break
      const t = (performance.now() - started) / 1000
      samples.push({ t, rssBytes: (await running.memory()).rss })
      if (quarterHeap === undefined && t >= seconds / 4) quarterHeap = (await running.memory(true)).heapUsed
    }
    const result = await run
    samples.push({ t: (performance.now() - started) / 1000, rssBytes: (await running.memory()).rss })
    const endHeap = (await running.memory(true)).heapUsed
    const failure = roundFailure(result)
    const rss = samples.map((sample) => sample.rssBytes)
    return {
      target: id,
      seconds,
      samples,
      startBytes: rss[0] ?? 0,
      endBytes: rss[rss.length - 1] ?? 0,
      maxBytes: Math.max(...rss),
      slopeMbPerMinute: steadyStateSlopeMbPerMinute(samples),
      ...(quarterHeap === undefined ? {} : { heapAfterGc: { quarterBytes: quarterHeap, endBytes: endHeap } }),
      requestsPerSecond: result.requestsPerSecond,
      failures: result.non2xx + result.errors + result.timeouts,
      status: failure === undefined ? 'ok' : 'failed',
      ...(failure === undefined ? {} : { reason: failure }),
    }
  } catch (error) {
    return {
      target: id,
      seconds,
      samples: [],
      startBytes: 0,
      endBytes: 0,
      maxBytes: 0,
      slopeMbPerMinute: 0,
      requestsPerSecond: 0,
      failures: 0,
      status: 'unavailable',
      reason: (error as Error).message.split('\n')[0] ?? 'unknown',
    }
  } finally {
    await target?.stop()
  }
}
