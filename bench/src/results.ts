import type { MachineDescription } from './machine.js'
import type { LoadResult } from './protocol.js'
import type { Grant, TargetGroup } from './targets/catalog.js'

export type TargetStatus = 'ok' | 'failed' | 'unavailable'

export interface TargetResult {
  readonly id: string
  readonly label: string
  readonly group: TargetGroup
  readonly server: string
  readonly grant: Grant
  readonly store: string
  /** The target the "vs node-oidc-provider" ratio is taken against, when not the one of its grant. */
  readonly peer?: string
  notes: string
  status: TargetStatus
  /** Why the target failed or could not run. */
  reason?: string
  readonly rounds: LoadResult[]
  median?: { requestsPerSecond: number; latencyP50Ms: number; latencyP99Ms: number }
}

/** From process spawn to the first served token, each target started alone on an idle server core. */
export interface StartupResult {
  readonly target: string
  /** Median over the attempts, ms. */
  readonly medianMs?: number
  readonly attemptsMs: number[]
  readonly status: TargetStatus
  readonly reason?: string
}

export interface MemoryResult {
  readonly target: string
  readonly seconds: number
  readonly samples: { t: number; rssBytes: number }[]
  readonly startBytes: number
  readonly endBytes: number
  readonly maxBytes: number
  /** Least-squares slope of RSS over the run, MB per minute (≈0 means no growth). */
  readonly slopeMbPerMinute: number
  /** Live heap after a full GC, a quarter into the run and at its end: the leak check RSS cannot give. */
  readonly heapAfterGc?: { readonly quarterBytes: number; readonly endBytes: number }
  readonly requestsPerSecond: number
  readonly failures: number
  readonly status: TargetStatus
  readonly reason?: string
}

export interface MicroResult {
  readonly id: string
  readonly label: string
  /** Operations per second, median of the batches. */
  readonly opsPerSecond: number
  readonly batches: number[]
}

export interface ClientResult {
  readonly status: TargetStatus
  readonly reason?: string
  readonly decode?: { readonly pipeshub: MicroResult; readonly zod: MicroResult }
  /** Where decodeTokenResponse spends its time, when it is under 10x zod. */
  readonly decodeProfile?: ProfileSummary
  readonly cachedGetAccessToken?: MicroResult
  /** Token requests sent when 1,000 concurrent callers found the cached token expired. */
  readonly expiryStampede?: {
    readonly callers: number
    readonly tokenRequests: number
    readonly allCallersServed: boolean
  }
}

export interface ProfileSummary {
  readonly target: string
  readonly totalMs: number
  /** Self time by category (crypto, JSON, HTTP, storage, GC, ...), share of samples. */
  readonly categories: { name: string; share: number }[]
  readonly topFunctions: { name: string; location: string; selfShare: number }[]
  /** What would move the number, for each category that takes a large share. */
  readonly levers: string[]
}

/** A Vite production build of a browser page using @pipeshub/client. */
export interface BrowserBundleResult {
  readonly status: 'ok' | 'failed'
  readonly reason?: string
  readonly page?: string
  /** Minified bytes. */
  readonly bytes?: number
  /** Gzipped (level 9) bytes: the number the goal is about. */
  readonly gzipBytes?: number
  /** Share of the minified bytes by package, largest first. */
  readonly packages?: { readonly name: string; readonly share: number }[]
}

export interface GoalResult {
  readonly id: string
  readonly description: string
  readonly measured?: number
  readonly goal: number
  readonly comparison: '>=' | '>' | '==' | '<='
  readonly unit: 'x' | 'calls/s' | 'requests' | 'KB'
  /** undefined when one side could not be measured. */
  readonly met?: boolean
}

/** A ratio of two targets of the same run that no goal judges: reported for information. */
export interface ComparisonResult {
  readonly id: string
  readonly description: string
  /** undefined when one side could not be measured. */
  readonly measured?: number
  readonly unit: 'x'
}

export interface BenchResults {
  readonly name: string
  readonly mode: 'quick' | 'full'
  readonly command: string
  readonly startedAt: string
  finishedAt?: string
  readonly machine: MachineDescription
  readonly settings: {
    readonly rounds: number
    readonly roundSeconds: number
    readonly warmupSeconds: number
    readonly connections: number
    readonly memorySeconds: number
  }
  readonly targets: TargetResult[]
  memory?: MemoryResult
  startup: StartupResult[]
  client?: ClientResult
  browserBundle?: BrowserBundleResult
  goals: GoalResult[]
  /** Ratios without a goal (absent in results written before they existed). */
  comparisons?: ComparisonResult[]
  profiles: ProfileSummary[]
}
