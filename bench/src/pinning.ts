import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

/** How processes are placed on cores: the server under test on one, the load generator on another. */
export type Pinning =
  | { readonly mode: 'taskset'; readonly serverCpu: number; readonly loadCpu: number }
  | { readonly mode: 'none'; readonly reason: string }

export function detectPinning(): Pinning {
  if (process.platform !== 'linux') return { mode: 'none', reason: `no taskset on ${process.platform}` }
  if (availableParallelism() < 2) return { mode: 'none', reason: 'fewer than 2 cores available' }
  const probe = spawnSync('taskset', ['-c', '1', 'true'], { stdio: 'ignore' })
  if (probe.error !== undefined || probe.status !== 0) {
    return { mode: 'none', reason: `taskset unusable: ${probe.error?.message ?? `exit ${probe.status}`}` }
  }
  return { mode: 'taskset', serverCpu: 0, loadCpu: 1 }
}

/** The command line that runs `node <args>` on `cpu` (or unpinned when pinning is unavailable). */
export function pinnedCommand(
  pinning: Pinning,
  cpu: number | undefined,
  nodeArgs: readonly string[],
): { command: string; args: string[] } {
  if (pinning.mode === 'taskset' && cpu !== undefined) {
    return { command: 'taskset', args: ['-c', String(cpu), process.execPath, ...nodeArgs] }
  }
  return { command: process.execPath, args: [...nodeArgs] }
}

/** Moves a running process, all its threads, onto `cpu` (`taskset -a -p`); a no-op without pinning. */
export function pinRunningProcess(pinning: Pinning, pid: number, cpu: number): void {
  if (pinning.mode !== 'taskset') return
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' })
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(
      `taskset -a -p -c ${cpu} ${pid} failed: ${result.error?.message ?? `exit ${result.status}`}`,
    )
  }
}
