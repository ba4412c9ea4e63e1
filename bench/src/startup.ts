import type { Pinning } from './pinning.js'
import { TargetProcess } from './processes.js'
import type { StartupResult } from './results.js'
import { median } from './stats.js'

/** Start-up to first served token: spawn, listen, authenticate the client, sign the first token. */
export async function measureStartup(id: string, pinning: Pinning, attempts: number): Promise<StartupResult> {
  const attemptsMs: number[] = []
  for (let attempt = 0; attempt < attempts; attempt++) {
    let target: TargetProcess | undefined
    try {
      target = await TargetProcess.start(id, pinning, { timeoutMs: 60_000 })
      await target.requestOnce()
      attemptsMs.push(performance.now() - target.spawnedAt)
    } catch (error) {
      return {
        target: id,
        attemptsMs,
        status: 'unavailable',
        reason: (error as Error).message.split('\n')[0] ?? '',
      }
    } finally {
      await target?.stop()
    }
  }
  return { target: id, medianMs: median(attemptsMs), attemptsMs, status: 'ok' }
}
