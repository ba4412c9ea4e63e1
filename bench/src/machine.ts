import { execFileSync } from 'node:child_process'
import { arch, availableParallelism, cpus, freemem, release, totalmem, type } from 'node:os'
import type { Pinning } from './pinning.js'

/** What the numbers were measured on; a result without it cannot be compared with another. */
export interface MachineDescription {
  readonly cpuModel: string
  readonly cores: number
  readonly memoryBytes: number
  readonly freeMemoryBytesAtStart: number
  readonly node: string
  readonly v8: string
  readonly os: string
  readonly arch: string
  readonly gitCommit: string
  /** Uncommitted changes existed when the numbers were taken. */
  readonly gitDirty: boolean
  readonly pinning: Pinning
  readonly loadAverage1m: number
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

export function describeMachine(pinning: Pinning, loadAverage1m: number): MachineDescription {
  const status = git(['status', '--porcelain'])
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    freeMemoryBytesAtStart: freemem(),
    node: process.version,
    v8: process.versions.v8,
    os: `${type()} ${release()}`,
    arch: arch(),
    gitCommit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    gitDirty: status === undefined ? false : status.length > 0,
    pinning,
    loadAverage1m,
  }
}
