/**
 * In-process micro-benchmarks: each benchmark brings its own loop (so that its call site stays
 * monomorphic and is not shared with the code it is compared with), calibrated batches, median ops/s,
 * and a sink so that no result is optimised away.
 */

export interface MicroOptions {
  /** Wall time of the warm-up, ms. */
  readonly warmupMs: number
  /** Wall time of each measured batch, ms (calibrated). */
  readonly batchMs: number
  readonly batches: number
}

/** Runs the operation `iterations` times in its own loop. */
export type Batch = (iterations: number) => void
export type AsyncBatch = (iterations: number) => Promise<void>

let sink = 0

/** Keeps a value alive for the optimiser; call it with something derived from each result. */
export function consume(value: number): void {
  sink = (sink + value) | 0
}

export function sinkValue(): number {
  return sink
}

/** How many iterations fill `batchMs`, after warming up for `warmupMs`. */
async function calibrate(run: AsyncBatch, options: MicroOptions): Promise<number> {
  const warmupEnd = performance.now() + options.warmupMs
  while (performance.now() < warmupEnd) await run(256)
  let iterations = 256
  for (;;) {
    const started = performance.now()
    await run(iterations)
    const elapsed = performance.now() - started
    if (elapsed >= options.batchMs / 4 || iterations >= 1 << 28) {
      return Math.max(1, Math.round((iterations * options.batchMs) / Math.max(elapsed, 0.001)))
    }
    iterations *= 4
  }
}

async function timed(run: AsyncBatch, iterations: number): Promise<number> {
  const started = performance.now()
  await run(iterations)
  return iterations / ((performance.now() - started) / 1000)
}

/**
 * Ops/s per batch of several benchmarks, interleaved batch by batch (order alternating), so that a
 * slow phase of a shared machine hits all of them alike.
 */
export async function measureInterleaved(
  benchmarks: Readonly<Record<string, Batch | AsyncBatch>>,
  options: MicroOptions,
): Promise<Record<string, number[]>> {
  const names = Object.keys(benchmarks)
  const runs = Object.fromEntries(
    names.map((name) => {
      const run = benchmarks[name] as Batch | AsyncBatch
      return [name, async (iterations: number) => run(iterations)] as const
    }),
  ) as Record<string, AsyncBatch>
  const iterations: Record<string, number> = {}
  for (const name of names) iterations[name] = await calibrate(runs[name] as AsyncBatch, options)
  const rates: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]))
  for (let batch = 0; batch < options.batches; batch++) {
    const order = batch % 2 === 0 ? names : [...names].reverse()
    for (const name of order)
      rates[name]?.push(await timed(runs[name] as AsyncBatch, iterations[name] as number))
  }
  return rates
}
