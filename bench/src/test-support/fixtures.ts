import type { LoadResult } from '../protocol.js'
import type { BenchResults, TargetResult } from '../results.js'
import { targetById } from '../targets/catalog.js'

export function loadResult(overrides: Partial<LoadResult> = {}): LoadResult {
  return {
    requests: 1000,
    ok: 1000,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    seconds: 1,
    requestsPerSecond: 1000,
    latencyP50Ms: 2,
    latencyP99Ms: 9,
    statusCodes: { '200': 1000 },
    ...overrides,
  }
}

/** A measured target of the catalogue with the given median req/s (or a failed one). */
export function target(id: string, requestsPerSecond: number | 'failed' | 'unavailable'): TargetResult {
  const definition = targetById(id)
  const base: TargetResult = {
    id: definition.id,
    label: definition.label,
    group: definition.group,
    server: definition.server,
    grant: definition.grant,
    store: definition.store,
    ...(definition.peer === undefined ? {} : { peer: definition.peer }),
    notes: `notes of ${id}`,
    status: 'ok',
    rounds: [],
  }
  if (requestsPerSecond === 'failed' || requestsPerSecond === 'unavailable') {
    return { ...base, status: requestsPerSecond, reason: `${id} broke` }
  }
  const round = loadResult({ requestsPerSecond })
  return {
    ...base,
    rounds: [round],
    median: { requestsPerSecond, latencyP50Ms: 2, latencyP99Ms: 9 },
  }
}

export function benchResults(targets: TargetResult[], overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    name: 'fixture',
    mode: 'full',
    command: 'node src/run.mjs',
    startedAt: '2026-11-27T12:00:00.000Z',
    finishedAt: '2026-11-27T12:13:00.000Z',
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      memoryBytes: 8 * 1024 ** 3,
      freeMemoryBytesAtStart: 4 * 1024 ** 3,
      node: 'v24.21.0',
      v8: '13.6',
      os: 'Linux 6.1',
      arch: 'x64',
      gitCommit: '0123456789abcdef0123456789abcdef01234567',
      gitDirty: false,
      pinning: { mode: 'taskset', serverCpu: 0, loadCpu: 1 },
      loadAverage1m: 0.1,
    },
    settings: { rounds: 5, roundSeconds: 10, warmupSeconds: 3, connections: 16, memorySeconds: 60 },
    targets,
    goals: [],
    profiles: [],
    startup: [],
    ...overrides,
  }
}
