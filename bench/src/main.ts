import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { measureBrowserBundle } from './bundle/browser-bundle.js'
import { runClientSide } from './client-run.js'
import { evaluateComparisons, evaluateGoals, targetsToProfile } from './goals.js'
import { describeMachine } from './machine.js'
import { runMemoryBench } from './memory-bench.js'
import { type BenchOptions, parseOptions, USAGE } from './options.js'
import { BENCH_DIR } from './paths.js'
import { detectPinning } from './pinning.js'
import { LoadGenerator } from './processes.js'
import { profileTarget } from './profile-run.js'
import { renderChart } from './report/chart.js'
import { formatMs, formatRate, formatRatio } from './report/format.js'
import { renderMarkdown } from './report/markdown.js'
import type { BenchResults } from './results.js'
import { measureStartup } from './startup.js'
import { TARGETS, targetById } from './targets/catalog.js'
import { runTokenBench } from './token-bench.js'

const MEMORY_TARGET = 'deployable-cc'
const STARTUP_TARGETS = [
  'deployable-cc',
  'oidc-provider-cc',
  'pipeshub-cc-es256',
  'oauth2-server-cc',
  'floor-crypto',
]

const started = performance.now()

function log(line: string): void {
  const elapsed = ((performance.now() - started) / 1000).toFixed(1).padStart(6)
  process.stdout.write(`[${elapsed} s] ${line}\n`)
}

export function resultsDirectory(options: BenchOptions): string {
  return options.quick ? join(BENCH_DIR, 'results', 'quick') : join(BENCH_DIR, 'results')
}

function printSummary(results: BenchResults): void {
  log('')
  log('target                          req/s    p50 ms    p99 ms')
  for (const target of results.targets) {
    const rate =
      target.status === 'ok' ? formatRate(target.median?.requestsPerSecond) : target.status.toUpperCase()
    log(
      `${target.id.padEnd(28)}${rate.padStart(9)}${formatMs(target.median?.latencyP50Ms).padStart(10)}${formatMs(
        target.median?.latencyP99Ms,
      ).padStart(10)}`,
    )
  }
  log('')
  for (const pair of results.comparisons ?? [])
    log(
      `side by side (no goal) ${pair.description}: ${pair.measured === undefined ? '–' : formatRatio(pair.measured)}`,
    )
  for (const goal of results.goals) {
    const measured =
      goal.measured === undefined
        ? '–'
        : goal.unit === 'x'
          ? formatRatio(goal.measured)
          : goal.unit === 'KB'
            ? `${goal.measured.toFixed(1)} KB`
            : formatRate(goal.measured)
    const verdict = goal.met === undefined ? 'not measured' : goal.met ? 'met' : 'MISSED'
    log(`goal ${goal.description}: ${measured} (${goal.comparison} ${goal.goal}) ${verdict}`)
  }
}

/** Runs the whole benchmark; answers the process exit code (0 unless the harness itself broke). */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  let options: BenchOptions
  try {
    options = parseOptions(argv)
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`)
    return 2
  }
  const pinning = detectPinning()
  const machine = describeMachine(pinning, loadavg()[0] ?? 0)
  const definitions = options.only.length > 0 ? options.only.map(targetById) : TARGETS
  const results: BenchResults = {
    name: options.name,
    mode: options.quick ? 'quick' : 'full',
    command: `node src/run.mjs ${argv.filter((arg) => arg !== '--').join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    machine,
    settings: {
      rounds: options.rounds,
      roundSeconds: options.roundSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
      memorySeconds: options.memorySeconds,
    },
    targets: [],
    goals: [],
    profiles: [],
    startup: [],
  }
  log(`@pipeshub/bench ${results.mode}: ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}`)
  log(
    pinning.mode === 'taskset'
      ? `pinning: servers on CPU ${pinning.serverCpu}, load generator on CPU ${pinning.loadCpu} (taskset)`
      : `pinning: none (${pinning.reason}); numbers are less stable`,
  )
  const load = await LoadGenerator.start(pinning)
  try {
    log('token endpoint')
    results.targets.push(...(await runTokenBench(definitions, options, pinning, load, log)))
    // Quick runs time this server only; full runs add the peers and the floor for comparison.
    const startupTargets = (options.quick ? STARTUP_TARGETS.slice(0, 2) : STARTUP_TARGETS).filter((id) =>
      definitions.some((definition) => definition.id === id),
    )
    log(`start-up: ${startupTargets.join(', ')}, each alone, ${options.quick ? 1 : 3} time(s)`)
    for (const id of startupTargets) {
      const startup = await measureStartup(id, pinning, options.quick ? 1 : 3)
      results.startup.push(startup)
      log(`  ${id}: ${startup.status === 'ok' ? `${startup.medianMs?.toFixed(0)} ms` : startup.reason}`)
    }
    if (!options.skipMemory) {
      log(`memory: ${options.memorySeconds} s sustained client_credentials on ${MEMORY_TARGET}`)
      results.memory = await runMemoryBench(MEMORY_TARGET, options, pinning, load)
      log(
        `  ${results.memory.status}${results.memory.reason === undefined ? '' : `: ${results.memory.reason}`}`,
      )
    }
    if (!options.skipClient) {
      log('client side: decode, cached getAccessToken(), expiry stampede')
      results.client = await runClientSide(options.quick, pinning, ['pipeshub-cc-es256', 'floor-crypto'])
      log(
        `  ${results.client.status}${results.client.reason === undefined ? '' : `: ${results.client.reason}`}`,
      )
    }
    log('browser bundle: Vite production build of the code flow page')
    results.browserBundle = await measureBrowserBundle()
    log(
      results.browserBundle.status === 'ok'
        ? `  ${((results.browserBundle.gzipBytes ?? 0) / 1024).toFixed(1)} KB gzipped (${((results.browserBundle.bytes ?? 0) / 1024).toFixed(1)} KB minified): ${(
            results.browserBundle.packages ?? []
          )
            .slice(0, 4)
            .map((item) => `${item.name} ${Math.round(item.share * 100)}%`)
            .join(', ')}`
        : `  failed: ${results.browserBundle.reason}`,
    )
    results.comparisons = evaluateComparisons(results.targets)
    results.goals = evaluateGoals(results.targets, {
      client: results.client,
      browserBundle: results.browserBundle,
      startup: results.startup,
      memory: results.memory,
    })
    if (options.profile) {
      for (const id of targetsToProfile(results.goals)) {
        log(`profile: ${id} under node --cpu-prof (a goal was missed)`)
        const rate = results.targets.find((target) => target.id === id)?.median?.requestsPerSecond ?? 1000
        try {
          results.profiles.push(await profileTarget(id, options, pinning, load, rate))
        } catch (error) {
          log(`  profile failed: ${(error as Error).message.split('\n')[0]}`)
        }
      }
    }
  } finally {
    await load.stop()
  }
  results.finishedAt = new Date().toISOString()

  const directory = resultsDirectory(options)
  mkdirSync(directory, { recursive: true })
  writeFileSync(join(directory, `${options.name}.json`), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(directory, 'RESULTS.md'), renderMarkdown(results))
  writeFileSync(
    join(directory, 'chart.svg'),
    renderChart(results.targets, {
      title: 'Token endpoint throughput, median req/s (higher is better)',
      subtitle: `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${results.settings.rounds} x ${results.settings.roundSeconds} s rounds, commit ${machine.gitCommit.slice(0, 12)}`,
    }),
  )
  printSummary(results)
  log(`done; results in ${directory}`)
  return 0
}
