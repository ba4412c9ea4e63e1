import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchOptions } from './options.js'
import type { Pinning } from './pinning.js'
import { type LoadGenerator, TargetProcess } from './processes.js'
import { type CpuProfile, summariseCpuProfile } from './profile.js'
import type { LoadJob } from './protocol.js'
import type { ProfileSummary } from './results.js'
import { mapProfileToSources } from './source-mapped-profile.js'
import { oneShotAmount } from './token-bench.js'

async function jobFor(
  target: TargetProcess,
  options: BenchOptions,
  seconds: number,
  rate: number,
): Promise<LoadJob> {
  const base = {
    url: target.url,
    scenario: target.scenario,
    connections: options.connections,
    durationSeconds: seconds,
  }
  if (target.scenario.kind === 'fixed' || target.scenario.kind === 'dpop') return { ...base, credentials: [] }
  if (target.scenario.kind === 'refresh-chain') {
    return { ...base, credentials: await target.prepare(options.connections * 2) }
  }
  const amount = oneShotAmount(rate, seconds)
  return { ...base, amount, credentials: await target.prepare(amount) }
}

/**
 * Profiles one target with V8's sampling CPU profiler (the one behind `node --cpu-prof`), started
 * inside the server after its warm-up and stopped after one measured round, so that start-up and
 * module loading stay out of the picture. Time spent on libuv threadpool threads (WebCrypto signing)
 * is not sampled: it shows up as the JS frames that wait for it.
 */
export async function profileTarget(
  id: string,
  options: BenchOptions,
  pinning: Pinning,
  load: LoadGenerator,
  expectedRate: number,
): Promise<ProfileSummary> {
  const directory = mkdtempSync(join(tmpdir(), 'pipeshub-bench-profile-'))
  const path = join(directory, `${id}.cpuprofile`)
  try {
    const target = await TargetProcess.start(id, pinning, { timeoutMs: 60_000 })
    try {
      await load.run(await jobFor(target, options, options.warmupSeconds, expectedRate))
      const job = await jobFor(target, options, options.roundSeconds, expectedRate)
      await target.startProfile()
      await load.run(job)
      await target.stopProfile(path)
    } finally {
      await target.stop()
    }
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
    // The deployable token server runs from a bundle: its frames are attributed to their modules.
    return summariseCpuProfile(mapProfileToSources(profile), id)
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
