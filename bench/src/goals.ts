import type { BrowserBundleResult, ClientResult, GoalResult, TargetResult } from './results.js'
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

/** The targets, computed from ratios of the same run. Reported, never asserted. */
export function evaluateGoals(
  targets: readonly TargetResult[],
  client: ClientResult | undefined,
  browserBundle?: BrowserBundleResult,
): GoalResult[] {
  const cc = rate(targets, 'pipeshub-cc-es256')
  const refresh = rate(targets, 'pipeshub-refresh-sqlite')
  const decode = client?.decode
  return [
    goal(
      'cc-vs-oidc-provider',
      'client_credentials ES256 vs node-oidc-provider client_credentials',
      ratio(cc, rate(targets, 'oidc-provider-cc')),
      1.8,
      '>=',
      'x',
    ),
    goal(
      'cc-vs-crypto-floor',
      'client_credentials ES256 vs the crypto floor',
      ratio(cc, rate(targets, 'floor-crypto')),
      0.85,
      '>=',
      'x',
    ),
    goal(
      'refresh-vs-oidc-provider',
      'refresh_token on SQLite vs node-oidc-provider refresh_token (memory adapter)',
      ratio(refresh, rate(targets, 'oidc-provider-refresh')),
      1.5,
      '>=',
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
      'cached-get-access-token',
      'cached getAccessToken() calls/s',
      client?.cachedGetAccessToken?.opsPerSecond,
      1_000_000,
      '>',
      'calls/s',
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
      'expiry-single-flight',
      'token requests when 1,000 callers hit expiry',
      client?.expiryStampede?.tokenRequests,
      1,
      '==',
      'requests',
    ),
  ]
}

/** Which PipesHub target to profile for each missed throughput goal. */
export function targetsToProfile(goals: readonly GoalResult[]): string[] {
  const ids = new Set<string>()
  for (const result of goals) {
    if (result.met !== false) continue
    if (result.id === 'cc-vs-oidc-provider' || result.id === 'cc-vs-crypto-floor')
      ids.add('pipeshub-cc-es256')
    if (result.id === 'refresh-vs-oidc-provider') ids.add('pipeshub-refresh-sqlite')
  }
  return [...ids]
}
