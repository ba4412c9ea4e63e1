import type { BenchResults, GoalResult, TargetResult } from '../results.js'
import { ratio } from '../stats.js'
import { cell, formatMegabytes, formatMs, formatPercent, formatRate, formatRatio } from './format.js'

const PEER_BY_GRANT: Record<string, string> = {
  client_credentials: 'oidc-provider-cc',
  refresh_token: 'oidc-provider-refresh',
  authorization_code: 'oidc-provider-code',
}

function okRate(targets: readonly TargetResult[], id: string | undefined): number | undefined {
  const target = targets.find((candidate) => candidate.id === id)
  return target?.status === 'ok' ? target.median?.requestsPerSecond : undefined
}

function formatGoalValue(goal: GoalResult, value: number | undefined): string {
  if (value === undefined) return '–'
  if (goal.unit === 'x') return formatRatio(value)
  if (goal.unit === 'calls/s') return `${formatRate(value)} calls/s`
  if (goal.unit === 'KB') return `${value.toFixed(1)} KB`
  return String(value)
}

function verdict(goal: GoalResult): string {
  if (goal.met === undefined) return 'not measured'
  return goal.met ? 'met' : '**missed**'
}

function machineLine(results: BenchResults): string {
  const { machine } = results
  const pinning =
    machine.pinning.mode === 'taskset'
      ? `server on CPU ${machine.pinning.serverCpu}, autocannon on CPU ${machine.pinning.loadCpu} (taskset)`
      : `not pinned (${machine.pinning.reason})`
  return [
    `${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB`,
    `Node ${machine.node} (V8 ${machine.v8}), ${machine.os} ${machine.arch}`,
    `commit \`${machine.gitCommit.slice(0, 12)}\`${machine.gitDirty ? ' with uncommitted changes' : ''}`,
    `load average ${machine.loadAverage1m.toFixed(2)} at start; ${pinning}`,
  ].join('; ')
}

function comparisonSection(results: BenchResults): string[] {
  const comparisons = results.comparisons ?? []
  if (comparisons.length === 0) return []
  return [
    '## Side by side (no goal)',
    '',
    '| Pair | Measured |',
    '|---|---:|',
    ...comparisons.map(
      (pair) =>
        `| ${cell(pair.description)} | ${pair.measured === undefined ? '–' : formatRatio(pair.measured)} |`,
    ),
    '',
  ]
}

function tokenTable(results: BenchResults): string[] {
  const { targets } = results
  const cryptoFloor = okRate(targets, 'floor-crypto')
  const httpFloor = okRate(targets, 'floor-http')
  const lines = [
    '| Target | Grant | Store | req/s | p50 ms | p99 ms | vs node-oidc-provider | vs crypto floor | vs HTTP floor |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const target of targets) {
    const rate = target.status === 'ok' ? target.median?.requestsPerSecond : undefined
    const status = target.status === 'ok' ? formatRate(rate) : `**${target.status}**`
    lines.push(
      `| ${cell(target.label)} | ${target.grant} | ${cell(target.store)} | ${status} | ${formatMs(target.median?.latencyP50Ms)} | ${formatMs(
        target.median?.latencyP99Ms,
      )} | ${formatRatio(ratio(rate, okRate(targets, target.peer ?? PEER_BY_GRANT[target.grant])))} | ${formatRatio(
        ratio(rate, cryptoFloor),
      )} | ${formatRatio(ratio(rate, httpFloor))} |`,
    )
  }
  const failed = targets.filter((target) => target.status !== 'ok')
  if (failed.length > 0) {
    lines.push(
      '',
      'Failed or unavailable targets (a target with any non-2xx answer or error is failed, not fast):',
      '',
    )
    for (const target of failed)
      lines.push(`- \`${target.id}\` ${target.status}: ${cell(target.reason ?? 'unknown')}`)
  }
  return lines
}

function memorySection(results: BenchResults): string[] {
  const memory = results.memory
  if (memory === undefined) return []
  const lines = [`## Memory: ${memory.seconds} s of sustained client_credentials`, '']
  if (memory.status !== 'ok') {
    lines.push(`${memory.status}: ${cell(memory.reason ?? 'unknown')}`, '')
    return lines
  }
  lines.push(
    '| Target | RSS at start | RSS at end | RSS max | RSS slope (steady state) | Heap after GC, 1/4 -> end | req/s | Failures |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    `| \`${memory.target}\` | ${formatMegabytes(memory.startBytes)} | ${formatMegabytes(memory.endBytes)} | ${formatMegabytes(
      memory.maxBytes,
    )} | ${memory.slopeMbPerMinute.toFixed(2)} MB/min | ${
      memory.heapAfterGc === undefined
        ? '–'
        : `${formatMegabytes(memory.heapAfterGc.quarterBytes)} -> ${formatMegabytes(memory.heapAfterGc.endBytes)}`
    } | ${formatRate(memory.requestsPerSecond)} | ${memory.failures} |`,
    '',
    'RSS is sampled every second; the slope is a least-squares fit over the last three quarters of the run',
    '(the first quarter is JIT and heap warm-up). RSS also moves in steps when V8 grows its heap, so the',
    'leak check is the live heap after a forced full GC a quarter into the run and at its end.',
    '',
  )
  return lines
}

function startupSection(results: BenchResults): string[] {
  if (results.startup.length === 0) return []
  const lines = [
    '## Start-up: process spawn to first served token',
    '',
    '| Target | Median | Attempts |',
    '|---|---:|---|',
  ]
  for (const startup of results.startup) {
    const label = results.targets.find((target) => target.id === startup.target)?.label ?? startup.target
    lines.push(
      startup.status === 'ok'
        ? `| ${cell(label)} | ${startup.medianMs?.toFixed(0)} ms | ${startup.attemptsMs.map((ms) => ms.toFixed(0)).join(', ')} |`
        : `| ${cell(label)} | **${startup.status}** | ${cell(startup.reason ?? '')} |`,
    )
  }
  lines.push(
    '',
    'Each start is alone on the idle server core: spawn, open the store, listen, then one client_credentials request.',
    '',
  )
  return lines
}

function clientSection(results: BenchResults): string[] {
  const client = results.client
  if (client === undefined) return []
  const lines = ['## Client side', '']
  if (client.status !== 'ok' && client.decode === undefined) {
    lines.push(`${client.status}: ${cell(client.reason ?? 'unknown')}`, '')
    return lines
  }
  lines.push('| Measure | Result |', '|---|---:|')
  if (client.decode !== undefined) {
    const { pipeshub, zod } = client.decode
    lines.push(
      `| ${cell(pipeshub.label)} | ${formatRate(pipeshub.opsPerSecond)} ops/s |`,
      `| ${cell(zod.label)} | ${formatRate(zod.opsPerSecond)} ops/s |`,
      `| decode ratio | ${formatRatio(ratio(pipeshub.opsPerSecond, zod.opsPerSecond))} |`,
    )
  }
  if (client.cachedGetAccessToken !== undefined) {
    lines.push(
      `| ${cell(client.cachedGetAccessToken.label)} | ${formatRate(client.cachedGetAccessToken.opsPerSecond)} calls/s |`,
    )
  }
  if (client.expiryStampede !== undefined) {
    const { callers, tokenRequests, allCallersServed } = client.expiryStampede
    lines.push(
      `| token requests when ${callers.toLocaleString('en-US')} callers hit expiry | ${tokenRequests}${allCallersServed ? '' : ' (not every caller got a token)'} |`,
    )
  }
  if (client.reason !== undefined) lines.push('', `Note: ${cell(client.reason)}`)
  lines.push('')
  return lines
}

function browserBundleSection(results: BenchResults): string[] {
  const bundle = results.browserBundle
  if (bundle === undefined) return []
  const lines = ['## Browser bundle', '']
  if (bundle.status !== 'ok') return [...lines, `failed: ${cell(bundle.reason ?? 'unknown')}`, '']
  lines.push(
    `Vite production build of ${cell(bundle.page ?? 'the page')}: ${((bundle.bytes ?? 0) / 1024).toFixed(1)} KB minified, **${((bundle.gzipBytes ?? 0) / 1024).toFixed(1)} KB gzipped**.`,
    '',
    '| Package | Share of the minified bytes |',
    '|---|---:|',
    ...(bundle.packages ?? []).map((item) => `| ${cell(item.name)} | ${formatPercent(item.share)} |`),
    '',
  )
  return lines
}

function profileSection(results: BenchResults): string[] {
  const decodeProfile = results.client?.decodeProfile
  const profiles = [...results.profiles, ...(decodeProfile === undefined ? [] : [decodeProfile])]
  if (profiles.length === 0) return []
  const lines = ['## Where the time goes (goals missed)', '']
  for (const profile of profiles) {
    const server = profile !== decodeProfile
    lines.push(
      server
        ? `### \`${profile.target}\`: V8 CPU profile of one measured ${results.settings.roundSeconds} s round (${(profile.totalMs / 1000).toFixed(1)} s of busy samples)`
        : `### ${profile.target}: V8 CPU profile of the decode loop (${(profile.totalMs / 1000).toFixed(1)} s of samples)`,
      '',
      ...(server
        ? [
            'Sampled on the main thread only (as `node --cpu-prof`): signing on the libuv threadpool (WebCrypto, as jose does) appears as the JS that waits for it.',
            '',
          ]
        : []),
      '| Category | Self time |',
      '|---|---:|',
      ...profile.categories.map(
        (category) => `| ${cell(category.name)} | ${formatPercent(category.share)} |`,
      ),
      '',
      '| Function | Where | Self time |',
      '|---|---|---:|',
      ...profile.topFunctions.map(
        (fn) => `| \`${cell(fn.name)}\` | ${cell(fn.location)} | ${formatPercent(fn.selfShare)} |`,
      ),
      '',
    )
    if (profile.levers.length > 0) {
      lines.push('What would move it:', '', ...profile.levers.map((lever) => `- ${lever}`), '')
    }
  }
  return lines
}

export function renderMarkdown(results: BenchResults): string {
  const { settings } = results
  const lines = [
    '# Benchmark results',
    '',
    `${results.mode === 'full' ? 'Full' : 'Quick'} run of \`${results.command}\`, ${results.startedAt}.`,
    '',
    `Machine: ${machineLine(results)}.`,
    '',
    `Each target: ${settings.warmupSeconds} s warm-up, then ${settings.rounds} interleaved rounds of ${settings.roundSeconds} s`,
    `(A B C ... A B C ...), ${settings.connections} connections, medians over the rounds. Ratios come from this run only.`,
    '',
    '![Token endpoint throughput](chart.svg)',
    '',
    '## Goals',
    '',
    '| Goal | Measured | Target | |',
    '|---|---:|---:|---|',
    ...results.goals.map(
      (goal) =>
        `| ${cell(goal.description)} | ${formatGoalValue(goal, goal.measured)} | ${goal.comparison} ${formatGoalValue(goal, goal.goal)} | ${verdict(goal)} |`,
    ),
    '',
    ...comparisonSection(results),
    '## Token endpoint',
    '',
    ...tokenTable(results),
    '',
    ...memorySection(results),
    ...startupSection(results),
    ...clientSection(results),
    ...browserBundleSection(results),
    ...profileSection(results),
    '## What each target does',
    '',
    ...results.targets.map((target) => `- \`${target.id}\`: ${cell(target.notes || target.label)}`),
    '',
  ]
  return lines.join('\n')
}
