import type {
  BrowserBundleResult,
  ClientResult,
  ComparisonResult,
  GoalResult,
  MemoryResult,
  StartupResult,
  TargetResult,
} from './results.js'
import { ratio } from './stats.js'

function rate(targets: readonly TargetResult[], id: string): number | undefined {
  const target = targets.find((candidate) => candidate.id === id)
  return target?.status === 'ok' ? target.median?.requestsPerSecond : undefined
}

function judge(
  measured: number | undefined,
  goal: number,
  comparison: GoalResult['comparison'],
): boolean | undefined {
  if (measured === undefined || !Number.isFinite(measured)) return undefined
  if (comparison === '>=') return measured >= goal
  if (comparison === '>') return measured > goal
  if (comparison === '<=') return measured <= goal
  return measured === goal
}

function goal(
  id: string,
  description: string,
  measured: number | undefined,
  target: number,
  comparison: GoalResult['comparison'],
  unit: GoalResult['unit'],
): GoalResult {
  const met = judge(measured, target, comparison)
  return {
    id,
    description,
    ...(measured === undefined ? {} : { measured }),
    goal: target,
    comparison,
    unit,
    ...(met === undefined ? {} : { met }),
  }
}

/** The parts of a run that goals other than the token endpoint's are judged on. */
export interface GoalInputs {
  readonly client?: ClientResult | undefined
  readonly browserBundle?: BrowserBundleResult | undefined
  readonly startup?: readonly StartupResult[] | undefined
  readonly memory?: MemoryResult | undefined
}

function startupMs(startup: readonly StartupResult[] | undefined, id: string): number | undefined {
  const result = startup?.find((candidate) => candidate.target === id)
  return result?.status === 'ok' ? result.medianMs : undefined
}

/**
 * The targets, computed from ratios of the same run, on what users deploy (the token server
 * as `npm start` runs it) first. Reported, never asserted.
 */
export function evaluateGoals(targets: readonly TargetResult[], inputs: GoalInputs = {}): GoalResult[] {
  const { client, browserBundle, startup, memory } = inputs
  const cc = rate(targets, 'deployable-cc')
  const decode = client?.decode
  const heap = memory?.status === 'ok' ? memory.heapAfterGc : undefined
  return [
    goal(
      'deployable-cc-vs-oidc-provider',
      'token server client_credentials ES256 vs node-oidc-provider client_credentials',
      ratio(cc, rate(targets, 'oidc-provider-cc')),
      2,
      '>=',
      'x',
    ),
    goal(
      'deployable-cc-vs-crypto-floor',
      'token server client_credentials ES256 vs the crypto floor',
      ratio(cc, rate(targets, 'floor-crypto')),
      0.85,
      '>=',
      'x',
    ),
    goal(
      'deployable-refresh-vs-oidc-provider',
      'token server refresh_token (SQLite) vs node-oidc-provider refresh_token (memory adapter)',
      ratio(rate(targets, 'deployable-refresh'), rate(targets, 'oidc-provider-refresh')),
      2,
      '>=',
      'x',
    ),
    goal(
      'deployable-code-vs-oidc-provider',
      'token server authorization_code (SQLite) vs node-oidc-provider authorization_code',
      ratio(rate(targets, 'deployable-code'), rate(targets, 'oidc-provider-code')),
      2,
      '>=',
      'x',
    ),
    goal(
      'refresh-postgres-vs-oidc-provider',
      'refresh_token on PostgreSQL (library app) vs node-oidc-provider refresh_token (memory adapter)',
      ratio(rate(targets, 'pipeshub-refresh-postgres'), rate(targets, 'oidc-provider-refresh')),
      1.2,
      '>=',
      'x',
    ),
    goal(
      'deployable-startup-vs-oidc-provider',
      "start-up to first token: node-oidc-provider's time over the token server's",
      ratio(startupMs(startup, 'oidc-provider-cc'), startupMs(startup, 'deployable-cc')),
      1,
      '>=',
      'x',
    ),
    goal(
      'heap-flat',
      'live heap after GC at the end of the memory run over a quarter into it',
      heap === undefined ? undefined : ratio(heap.endBytes, heap.quarterBytes),
      1.1,
      '<=',
      'x',
    ),
    goal(
      'decode-vs-zod',
      'decodeTokenResponse vs the zod/mini SDK schema',
      decode === undefined ? undefined : ratio(decode.pipeshub.opsPerSecond, decode.zod.opsPerSecond),
      10,
      '>=',
      'x',
    ),
    goal(
      'browser-bundle',
      'browser bundle of @pipeshub/client (code flow with PKCE and a refresh), gzipped',
      browserBundle?.gzipBytes === undefined ? undefined : Math.round(browserBundle.gzipBytes / 102.4) / 10,
      12,
      '<=',
      'KB',
    ),
    goal(
      'cached-get-access-token',
      'cached getAccessToken() calls/s',
      client?.cachedGetAccessToken?.opsPerSecond,
      1_000_000,
      '>',
      'calls/s',
    ),
    goal(
      'expiry-single-flight',
      'token requests when 1,000 callers hit expiry',
      client?.expiryStampede?.tokenRequests,
      1,
      '==',
      'requests',
    ),
  ]
}

/** Pairs the issues ask to see side by side without naming a goal: reported, never judged. */
export function evaluateComparisons(targets: readonly TargetResult[]): ComparisonResult[] {
  const measured = ratio(rate(targets, 'deployable-cc-dpop'), rate(targets, 'oidc-provider-cc-dpop'))
  return [
    {
      id: 'deployable-cc-dpop-vs-oidc-provider-dpop',
      description:
        'token server client_credentials with DPoP vs node-oidc-provider client_credentials with DPoP (a fresh proof per request)',
      ...(measured === undefined ? {} : { measured }),
      unit: 'x',
    },
  ]
}

/** Which PipesHub target to profile for each missed throughput goal. */
export function targetsToProfile(goals: readonly GoalResult[]): string[] {
  const byGoal: Record<string, string> = {
    'deployable-cc-vs-oidc-provider': 'deployable-cc',
    'deployable-cc-vs-crypto-floor': 'deployable-cc',
    'deployable-refresh-vs-oidc-provider': 'deployable-refresh',
    'deployable-code-vs-oidc-provider': 'deployable-code',
    'refresh-postgres-vs-oidc-provider': 'pipeshub-refresh-postgres',
  }
  const ids = new Set<string>()
  for (const result of goals) {
    const id = byGoal[result.id]
    if (result.met === false && id !== undefined) ids.add(id)
  }
  return [...ids]
}
