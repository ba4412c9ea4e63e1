import type { BenchOptions } from './options.js'
import type { Pinning } from './pinning.js'
import { type LoadGenerator, TargetProcess } from './processes.js'
import type { LoadJob, LoadResult } from './protocol.js'
import type { TargetResult } from './results.js'
import { median } from './stats.js'
import type { TargetDefinition } from './targets/catalog.js'

/** A round with any non-2xx answer, socket error or timeout does not count as fast: it fails the target. */
export function roundFailure(result: LoadResult): string | undefined {
  const invalid = result.invalid ?? 0
  if (result.non2xx === 0 && invalid === 0 && result.errors === 0 && result.timeouts === 0 && result.ok > 0)
    return undefined
  const parts = [`${result.non2xx} non-2xx`, `${result.errors} errors`, `${result.timeouts} timeouts`]
  if (invalid > 0) parts.push(`${invalid} 2xx of the wrong form`)
  if (result.ok === 0) parts.push('no successful response')
  const codes = Object.entries(result.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${code}x${count}`)
  return `${parts.join(', ')}${codes.length > 0 ? ` (${codes.join(' ')})` : ''}${
    result.firstFailure === undefined ? '' : `; first failure: ${result.firstFailure}`
  }`
}

export function summariseRounds(rounds: readonly LoadResult[]): NonNullable<TargetResult['median']> {
  return {
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    latencyP50Ms: median(rounds.map((round) => round.latencyP50Ms)),
    latencyP99Ms: median(rounds.map((round) => round.latencyP99Ms)),
  }
}

/** One-time credentials per round: enough for `seconds` at the observed rate, within sane bounds. */
export function oneShotAmount(rate: number, seconds: number): number {
  return Math.min(200_000, Math.max(300, Math.ceil(rate * seconds)))
}

interface Running {
  readonly definition: TargetDefinition
  readonly result: TargetResult
  readonly process: TargetProcess
  /** Observed req/s, to size one-shot credential batches. */
  rate: number
}

async function job(running: Running, options: BenchOptions, seconds: number): Promise<LoadJob> {
  const { process } = running
  const base = {
    url: process.url,
    scenario: process.scenario,
    connections: options.connections,
    durationSeconds: seconds,
  }
  switch (process.scenario.kind) {
    case 'fixed':
    case 'dpop':
      return { ...base, credentials: [] }
    case 'refresh-chain':
      // Fresh chains each round; each connection holds one token in flight, the rest wait in the pool.
      return { ...base, credentials: await process.prepare(options.connections * 2) }
    case 'one-shot': {
      const amount = oneShotAmount(running.rate, seconds)
      return { ...base, amount, credentials: await process.prepare(amount) }
    }
  }
}

export interface TokenBenchRun {
  readonly results: TargetResult[]
  /** Processes still running, for the caller to stop. */
  stopAll(): Promise<void>
}

function formatRound(result: LoadResult): string {
  const load =
    result.loadCpuShare === undefined ? '' : `  load generator CPU ${(result.loadCpuShare * 100).toFixed(0)}%`
  const proofs =
    result.proofSeconds === undefined
      ? ''
      : ` (proofs ${((result.proofSeconds / result.seconds) * 100).toFixed(0)}%)`
  return `${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${result.latencyP50Ms.toFixed(2)} ms  p99 ${result.latencyP99Ms.toFixed(2)} ms${load}${proofs}`
}

/**
 * Starts every target, warms each up, then runs interleaved rounds (A B C A B C ...) so that a
 * slow phase of a shared machine hits every target alike; reports medians over the rounds.
 */
export async function runTokenBench(
  definitions: readonly TargetDefinition[],
  options: BenchOptions,
  pinning: Pinning,
  load: LoadGenerator,
  log: (line: string) => void,
): Promise<TargetResult[]> {
  const running: Running[] = []
  const results: TargetResult[] = []
  const width = Math.max(...definitions.map((definition) => definition.id.length))
  try {
    // Started together: start-up time is measured on its own, one process at a time (startup.ts).
    const started = await Promise.all(
      definitions.map(async (definition) => {
        const result: TargetResult = {
          id: definition.id,
          label: definition.label,
          group: definition.group,
          server: definition.server,
          grant: definition.grant,
          store: definition.store,
          ...(definition.peer === undefined ? {} : { peer: definition.peer }),
          notes: '',
          status: 'ok',
          rounds: [],
        }
        let process: TargetProcess | undefined
        try {
          process = await TargetProcess.start(definition.id, pinning, {
            timeoutMs: 60_000,
            pinAfterReady: true,
          })
          result.notes = process.notes
          await process.requestOnce()
          return { definition, result, process }
        } catch (error) {
          result.status = 'unavailable'
          result.reason = (error as Error).message.split('\n').slice(0, 3).join(' ')
          await process?.stop()
          return { definition, result, process: undefined }
        }
      }),
    )
    for (const { definition, result, process } of started) {
      results.push(result)
      if (process === undefined) {
        log(`  UNAVAILABLE ${definition.id}: ${result.reason}`)
      } else {
        // A first guess for sizing one-shot batches; the warm-up measures the real rate.
        running.push({ definition, result, process, rate: 300 })
      }
    }
    log(`  ${running.length} of ${definitions.length} targets answered their first token request`)

    log(`warm-up: ${options.warmupSeconds} s per target`)
    for (const target of running) {
      const warm = await load.run(await job(target, options, options.warmupSeconds))
      if (warm.requestsPerSecond > 0) target.rate = warm.requestsPerSecond
      const failure = roundFailure(warm)
      if (failure !== undefined) {
        target.result.status = 'failed'
        target.result.reason = `warm-up: ${failure}`
        log(`  FAILED ${target.definition.id}: ${target.result.reason}`)
      }
    }

    for (let round = 1; round <= options.rounds; round++) {
      log(`round ${round}/${options.rounds}: ${options.roundSeconds} s per target`)
      for (const target of running) {
        if (target.result.status !== 'ok') continue
        const preparing = performance.now()
        const roundJob = await job(target, options, options.roundSeconds)
        const running = performance.now()
        const result = await load.run(roundJob)
        if (process.env.PIPESHUB_BENCH_DEBUG !== undefined) {
          log(
            `    prepare ${(running - preparing).toFixed(0)} ms, run ${(performance.now() - running).toFixed(0)} ms`,
          )
        }
        target.result.rounds.push(result)
        if (result.requestsPerSecond > 0)
          target.rate = median(target.result.rounds.map((r) => r.requestsPerSecond))
        const failure = roundFailure(result)
        if (failure !== undefined) {
          target.result.status = 'failed'
          target.result.reason = `round ${round}: ${failure}`
          log(`  FAILED ${target.definition.id.padEnd(width)}  ${target.result.reason}`)
        } else {
          log(`  ${target.definition.id.padEnd(width)}  ${formatRound(result)}`)
        }
      }
    }
    for (const target of running) {
      if (target.result.status === 'ok' && target.result.rounds.length > 0) {
        target.result.median = summariseRounds(target.result.rounds)
      }
    }
  } finally {
    await Promise.all(running.map((target) => target.process.stop()))
  }
  return results
}
