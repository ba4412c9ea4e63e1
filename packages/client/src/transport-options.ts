import type { FetchLike, Transport } from './http.js'
import { type RetryOptions, resolveRetryOptions } from './retry.js'

/** How this package talks HTTP; shared by `discover()` and `OAuthClient`. */
export interface TransportOptions {
  /** The fetch to use (a test double, a proxy-aware fetch, ...). Default `globalThis.fetch`. */
  fetch?: FetchLike | undefined
  /** Default timeout of a whole call in ms, retries included. Default 10000. */
  timeoutMs?: number | undefined
  /** Retry policy, or `false` to never retry. */
  retry?: RetryOptions | false | undefined
  /** Wall clock in ms since the epoch; inject one in tests. Default `Date.now`. */
  now?: (() => number) | undefined
}

export const DEFAULT_TIMEOUT_MS = 10_000

export function createTransport(options: TransportOptions): Transport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError('timeoutMs must be a finite number > 0')
  // Bound to globalThis: some runtimes throw "Illegal invocation" when fetch is called detached.
  const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  return { fetch, timeoutMs, retry: resolveRetryOptions(options.retry), now: options.now ?? Date.now }
}
