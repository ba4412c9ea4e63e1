/** Order statistics used for every reported number: medians across rounds, percentiles within a round. */

/** The median of `values` (mean of the two middle values for an even count); `NaN` when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  if (sorted.length % 2 === 1) return sorted[middle] as number
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/**
 * The `p`-th percentile (0..100) of an ascending array, by the nearest-rank method: the smallest
 * value such that at least p% of the samples are less than or equal to it. Nearest-rank never
 * invents a latency that was not observed, which interpolation would.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`)
  if (sorted.length === 0) return Number.NaN
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1] as number
}

/** The `p`-th percentile (nearest rank) of unsorted samples. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(samples as ArrayLike<number>).sort()
  return percentileOfSorted(sorted, p)
}

/** Least-squares slope of `y` over `x` (units of y per unit of x); 0 for fewer than two distinct x. */
export function linearSlope(points: readonly { x: number; y: number }[]): number {
  const n = points.length
  if (n < 2) return 0
  let sumX = 0
  let sumY = 0
  for (const { x, y } of points) {
    sumX += x
    sumY += y
  }
  const meanX = sumX / n
  const meanY = sumY / n
  let covariance = 0
  let varianceX = 0
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - meanY)
    varianceX += (x - meanX) ** 2
  }
  return varianceX === 0 ? 0 : covariance / varianceX
}

/** `a / b`, or `undefined` when either side is missing or not a positive finite number. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined
  if (!(Number.isFinite(a) && Number.isFinite(b)) || b <= 0 || a < 0) return undefined
  return a / b
}
