import type { DeviceAuthorizationResponse } from '@pipeshub/models'
import { DEFAULT_DEVICE_POLLING_INTERVAL, SLOW_DOWN_INTERVAL_INCREMENT } from '@pipeshub/models/codecs'
import { DeviceAuthorizationDeniedError, DeviceAuthorizationExpiredError, OAuthError } from './errors.js'
import type { CallOptions } from './http.js'

/** Options of `OAuthClient.pollDeviceAuthorization()`. */
export interface DevicePollingOptions extends CallOptions {
  /**
   * Aborts the polling, during a wait or a request; the abort reason is thrown as is. `timeoutMs`
   * bounds each poll request, not the whole polling, which `expires_in` bounds.
   */
  signal?: AbortSignal | undefined
  /** Called after each `authorization_pending` or `slow_down` with the interval now in use (seconds). */
  onPending?: ((event: DevicePollingEvent) => void) | undefined
}

/** What a poll that did not yet end the flow answered. */
export interface DevicePollingEvent {
  readonly error: 'authorization_pending' | 'slow_down'
  /** The interval in seconds before the next poll (raised by 5 after each `slow_down`). */
  readonly intervalSeconds: number
  /** How many polls were sent so far. */
  readonly polls: number
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function expired(cause?: OAuthError): DeviceAuthorizationExpiredError {
  if (cause !== undefined) {
    return new DeviceAuthorizationExpiredError(
      {
        error: cause.error,
        errorDescription: cause.errorDescription,
        errorUri: cause.errorUri,
        status: cause.status,
        wwwAuthenticate: cause.wwwAuthenticate,
        response: cause.response,
      },
      { cause },
    )
  }
  return new DeviceAuthorizationExpiredError({
    error: 'expired_token',
    errorDescription: 'the device code expired (expires_in passed) before the end-user approved it',
  })
}

/**
 * RFC 8628 §3.4-§3.5: polls with `poll` every `interval` seconds (5 when the response has none) until
 * it returns tokens. `authorization_pending` polls again, `slow_down` polls again with the interval
 * raised by 5 seconds for this and every later poll, `access_denied` and `expired_token` end with a
 * typed error, as does `expires_in` passing on `now`; any other error is thrown as is. The number of
 * polls is bounded by `expires_in` / `interval`.
 */
export async function pollUntilAuthorized<T>(
  authorization: Pick<DeviceAuthorizationResponse, 'expiresIn' | 'interval'>,
  poll: () => Promise<T>,
  now: () => number,
  options: DevicePollingOptions,
): Promise<T> {
  const expiresAt = now() + authorization.expiresIn * 1000
  let intervalSeconds = authorization.interval ?? DEFAULT_DEVICE_POLLING_INTERVAL
  const maxPolls = Math.ceil(authorization.expiresIn / Math.max(intervalSeconds, 1)) + 1
  for (let polls = 1; polls <= maxPolls; polls++) {
    // RFC 8628 §3.5: the client waits `interval` seconds before each request, the first included.
    await sleep(intervalSeconds * 1000, options.signal)
    if (now() >= expiresAt) throw expired()
    try {
      return await poll()
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error
      switch (error.error) {
        case 'authorization_pending':
          break
        case 'slow_down':
          intervalSeconds += SLOW_DOWN_INTERVAL_INCREMENT
          break
        case 'access_denied':
          throw new DeviceAuthorizationDeniedError(
            {
              error: error.error,
              errorDescription: error.errorDescription,
              errorUri: error.errorUri,
              status: error.status,
              wwwAuthenticate: error.wwwAuthenticate,
              response: error.response,
            },
            { cause: error },
          )
        case 'expired_token':
          throw expired(error)
        default:
          throw error
      }
      options.onPending?.({ error: error.error, intervalSeconds, polls })
    }
  }
  throw expired()
}
