/** How failed calls are retried. Only network errors, 429 and 5xx are ever retried. */
export interface RetryOptions {
  /** Total attempts, the first included. Default 3; 1 disables retries. */
  maxAttempts?: number
  /** Base of the exponential backoff in ms: attempt k waits up to `baseDelayMs * 2^(k-1)`. Default 200. */
  baseDelayMs?: number
  /** Upper bound of one backoff wait in ms. Default 5000. */
  maxDelayMs?: number
  /** Upper bound for a server's `Retry-After` in ms; a longer one fails the call instead. Default 30000. */
  maxRetryAfterMs?: number
}

export interface ResolvedRetryOptions {
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxRetryAfterMs: number
}

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
}

export function resolveRetryOptions(options: RetryOptions | false | undefined): ResolvedRetryOptions {
  if (options === false) return { ...DEFAULT_RETRY, maxAttempts: 1 }
  const resolved = { ...DEFAULT_RETRY, ...options }
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`retry.${name} must be a finite number >= 0`)
  }
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new RangeError('retry.maxAttempts must be an integer >= 1')
  }
  return resolved
}

/** True for the statuses a retry can help with: 429 Too Many Requests and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599)
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in ms from `now`: delay-seconds or an HTTP-date. `undefined` when
 * absent or unparseable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) names its month; a bare number is not a date.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/**
 * The wait before retry number `retry` (1 for the first retry): full jitter over an exponential
 * window (so that many clients failing together do not retry together), unless the server said when
 * to come back. Returns `undefined` when the server asks for a longer wait than allowed.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > options.maxRetryAfterMs ? undefined : retryAfterMs
  const window = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1))
  return Math.floor(random() * window)
}
