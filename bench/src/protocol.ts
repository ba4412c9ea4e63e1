import type { Scenario } from './scenario.js'

/** Messages a target server process sends to the harness over its IPC channel. */
export type TargetMessage =
  | { readonly type: 'ready'; readonly port: number; readonly scenario: Scenario; readonly notes: string }
  | { readonly type: 'prepared'; readonly id: number; readonly credentials: string[] }
  | { readonly type: 'rss'; readonly id: number; readonly rss: number; readonly heapUsed: number }
  | { readonly type: 'profiling'; readonly id: number }
  | { readonly type: 'profiled'; readonly id: number; readonly path: string }
  | { readonly type: 'failed'; readonly id?: number; readonly message: string }

/** Messages the harness sends to a target server process. */
export type TargetCommand =
  /** Issue `count` credentials for the scenario (refresh tokens, authorization codes) through the server's own API. */
  | { readonly type: 'prepare'; readonly id: number; readonly count: number }
  /** Memory sample; with `collect`, after a full garbage collection (needs `--expose-gc`). */
  | { readonly type: 'rss'; readonly id: number; readonly collect?: boolean }
  /** Starts V8's sampling CPU profiler (what `node --cpu-prof` uses) for the measured round only. */
  | { readonly type: 'profile-start'; readonly id: number; readonly intervalMicros: number }
  /** Stops it and writes the `.cpuprofile` JSON to `path`. */
  | { readonly type: 'profile-stop'; readonly id: number; readonly path: string }
  | { readonly type: 'stop' }

/** One load run, as the harness asks the load generator process for it. */
export interface LoadJob {
  readonly url: string
  readonly scenario: Scenario
  readonly connections: number
  /** Run for this many seconds... */
  readonly durationSeconds: number
  /** ...or, for one-shot credentials, stop after this many requests (each credential once). */
  readonly amount?: number
  readonly credentials: readonly string[]
}

/** What the load generator reports for one run. */
export interface LoadResult {
  readonly requests: number
  readonly ok: number
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
  readonly seconds: number
  readonly requestsPerSecond: number
  readonly latencyP50Ms: number
  readonly latencyP99Ms: number
  readonly statusCodes: Readonly<Record<string, number>>
  /** 2xx answers of the wrong form (a DPoP target answering `token_type` other than DPoP): failures too. */
  readonly invalid?: number
  /** Seconds the load generator spent making DPoP proofs (DPoP targets only). */
  readonly proofSeconds?: number
  /** CPU time of the load generator process over the run's wall time: near 1.0, it was the bottleneck. */
  readonly loadCpuShare?: number
  /** The first non-2xx body seen, to explain a failed target. */
  readonly firstFailure?: string
}

export type LoadMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }

export type LoadCommand =
  | { readonly type: 'run'; readonly id: number; readonly job: LoadJob }
  | { readonly type: 'stop' }
