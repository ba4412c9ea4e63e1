import { errorResponseCodec, type ValidationIssue } from '@pipeshub/models/codecs'
import type { DPoPKey } from './dpop.js'
import { HttpError, NetworkError, OAuthError, ResponseValidationError, TimeoutError } from './errors.js'
import { isRetryableStatus, parseRetryAfter, type ResolvedRetryOptions, retryDelayMs } from './retry.js'
import { parseWwwAuthenticate } from './www-authenticate.js'

/** The subset of `fetch` this package calls; `globalThis.fetch` of every runtime fits. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** Options every network call accepts. */
export interface CallOptions {
  /** Aborts the call; the abort reason is thrown as is. */
  signal?: AbortSignal | undefined
  /** Overrides the client's `timeoutMs` for this call (the whole call, retries included). */
  timeoutMs?: number | undefined
}

/** What the client hands the transport; resolved once, in the client's constructor. */
export interface Transport {
  readonly fetch: FetchLike
  readonly timeoutMs: number
  readonly retry: ResolvedRetryOptions
  /** Wall clock in ms since the epoch (Retry-After dates, token expiry, ID token times). */
  readonly now: () => number
}

/** What one attempt sends; `HttpRequest.prepare` makes a new one for every attempt. */
export interface PreparedRequest {
  readonly headers: Readonly<Record<string, string>>
  readonly body?: URLSearchParams | string | undefined
}

export interface HttpRequest {
  readonly url: URL
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: URLSearchParams | string | undefined
  /**
   * Builds the headers and body of each attempt, replacing `headers` and `body`: what a request
   * carries that is single-use (a DPoP proof's `jti`, a client assertion's `jti`) is made anew for
   * every attempt, or the server would refuse the retry as a replay.
   */
  readonly prepare?: (() => Promise<PreparedRequest>) | undefined
  /**
   * The DPoP key of the request's proof: every `DPoP-Nonce` the server sends is kept in it, and a
   * response that asks for a nonce (`use_dpop_nonce`, RFC 9449 §8 at an authorization server, §9 at a
   * resource server) is answered once more with a proof carrying it. The server refused the first
   * request without acting on it, so this holds for single-use input too.
   */
  readonly dpop?: DPoPKey | undefined
  /** `false`: the body is left unread for the caller (`HttpResponse.text` is empty). Default true. */
  readonly readBody?: boolean | undefined
  /**
   * When the request may be sent again: `true` after network errors, 429 and 5xx; `'unprocessed'`
   * only after a 429, which the server answers without acting on the request (RFC 6585 §4), for
   * requests that consume single-use input (a rotating refresh token, a one-time assertion): after a
   * lost response or a 5xx the server may have consumed it, and a replay is refused or, for a
   * refresh token, revokes its whole family. `false`: never (an authorization code).
   */
  readonly retryable: boolean | 'unprocessed'
}

export interface HttpResponse {
  readonly response: Response
  /** The whole body, read once (empty when the request said `readBody: false`). */
  readonly text: string
}

/**
 * RFC 9449 §8 (an authorization server: 400 with `use_dpop_nonce`) or §9 (a resource server: 401 with
 * a DPoP challenge whose error is `use_dpop_nonce`), with the nonce to use in `DPoP-Nonce`.
 */
export function asksForDPoPNonce(response: Response, text: string): boolean {
  if (response.headers.get('dpop-nonce') === null) return false
  if (response.status === 401) {
    return parseWwwAuthenticate(response.headers.get('www-authenticate')).some(
      (challenge) => challenge.scheme === 'dpop' && challenge.parameters.error === 'use_dpop_nonce',
    )
  }
  if (response.status !== 400) return false
  const json = parseJson(text)
  return (
    json.ok &&
    errorResponseCodec.safeDecode(json.value).ok &&
    (json.value as { error: string }).error === 'use_dpop_nonce'
  )
}

const MAX_ERROR_BODY = 4096

/** Combines the caller's signal with the call's deadline. */
function combine(
  caller: AbortSignal | undefined,
  deadline: AbortSignal,
): { signal: AbortSignal; release(): void } {
  if (caller === undefined) return { signal: deadline, release() {} }
  if (typeof AbortSignal.any === 'function')
    return { signal: AbortSignal.any([caller, deadline]), release() {} }
  // Runtimes without AbortSignal.any: forward both by hand, and unhook from the caller's
  // (possibly long-lived) signal afterwards so its listeners do not pile up.
  const controller = new AbortController()
  const forward = (source: AbortSignal) => () => controller.abort(source.reason)
  const fromCaller = forward(caller)
  const fromDeadline = forward(deadline)
  if (caller.aborted) controller.abort(caller.reason)
  else if (deadline.aborted) controller.abort(deadline.reason)
  caller.addEventListener('abort', fromCaller, { once: true })
  deadline.addEventListener('abort', fromDeadline, { once: true })
  return {
    signal: controller.signal,
    release() {
      caller.removeEventListener('abort', fromCaller)
      deadline.removeEventListener('abort', fromDeadline)
    },
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Sends one request: a deadline over the whole call, and retries with backoff for network errors,
 * 429 and 5xx when the request allows them. Resolves with any HTTP response that is not retried;
 * turning a status into an error is the caller's job.
 */
export async function send(
  transport: Transport,
  request: HttpRequest,
  call: CallOptions = {},
): Promise<HttpResponse> {
  const timeoutMs = call.timeoutMs ?? transport.timeoutMs
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError('timeoutMs must be a finite number > 0')
  const startedAt = Date.now()
  const deadline = AbortSignal.timeout(timeoutMs)
  const { signal, release } = combine(call.signal, deadline)
  const maxAttempts = request.retryable === false ? 1 : transport.retry.maxAttempts
  const mayRetry = (status: number) =>
    request.retryable === true
      ? isRetryableStatus(status)
      : request.retryable === 'unprocessed' && status === 429
  let nonceRetried = false
  // Why an abort happened decides what the caller sees: its own reason, or our TimeoutError.
  const aborted = (cause: unknown): unknown => {
    if (call.signal?.aborted) return call.signal.reason
    return new TimeoutError(timeoutMs, { cause })
  }
  try {
    for (let attempt = 1; ; attempt++) {
      const prepared: PreparedRequest = request.prepare === undefined ? request : await request.prepare()
      // Preparing is asynchronous (signing): the call may have been aborted meanwhile.
      if (signal.aborted) throw aborted(signal.reason)
      let response: Response
      let text = ''
      try {
        const init: RequestInit = {
          method: request.method,
          headers: prepared.headers,
          signal,
          redirect: 'manual',
        }
        if (prepared.body !== undefined) init.body = prepared.body.toString()
        response = await transport.fetch(request.url.href, init)
        if (request.readBody !== false) text = await response.text()
      } catch (error) {
        if (signal.aborted) throw aborted(error)
        if (attempt >= maxAttempts || request.retryable !== true)
          throw new NetworkError(`request to ${request.url.href} failed`, { cause: error })
        const wait = retryDelayMs(attempt, undefined, transport.retry) ?? 0
        await sleep(wait, signal).catch((reason) => {
          throw aborted(reason)
        })
        continue
      }
      if (request.dpop !== undefined) {
        request.dpop.rememberNonce(request.url, response.headers.get('dpop-nonce'))
        // One more proof, with the nonce; a second demand for one is the caller's to see.
        if (!nonceRetried && asksForDPoPNonce(response, text)) {
          nonceRetried = true
          if (request.readBody === false) await response.body?.cancel()
          attempt--
          continue
        }
      }
      if (attempt < maxAttempts && mayRetry(response.status)) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'), transport.now())
        const wait = retryDelayMs(attempt, retryAfter, transport.retry)
        // A wait the server demands beyond our cap, or past the deadline, cannot succeed: report now.
        if (wait !== undefined && Date.now() - startedAt + wait < timeoutMs) {
          await sleep(wait, signal).catch((reason) => {
            throw aborted(reason)
          })
          continue
        }
      }
      return { response, text }
    }
  } finally {
    release()
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/**
 * The error a non-2xx response stands for: an RFC 6749 §5.2 body, else an RFC 6750 §3 bearer
 * challenge with an `error`, else a plain `HttpError`.
 */
export function errorFromResponse({ response, text }: HttpResponse): OAuthError | HttpError {
  const wwwAuthenticate = parseWwwAuthenticate(response.headers.get('www-authenticate'))
  const json = parseJson(text)
  if (json.ok) {
    const decoded = errorResponseCodec.safeDecode(json.value)
    if (decoded.ok) {
      return new OAuthError({ ...decoded.value, status: response.status, wwwAuthenticate, response })
    }
  }
  const challenge = wwwAuthenticate.find((c) => c.parameters.error !== undefined)
  if (challenge !== undefined) {
    const { error, error_description: errorDescription, error_uri: errorUri } = challenge.parameters
    return new OAuthError({
      error: error as string,
      errorDescription,
      errorUri,
      status: response.status,
      wwwAuthenticate,
      response,
    })
  }
  return new HttpError(response, text.length > MAX_ERROR_BODY ? text.slice(0, MAX_ERROR_BODY) : text)
}

/** Throws the matching error unless the response is a 2xx. */
export function assertOk(result: HttpResponse): void {
  if (result.response.status < 200 || result.response.status > 299) throw errorFromResponse(result)
}

/** The codec shape this package reads responses with (a `@pipeshub/models` WireCodec). */
export interface ResponseCodec<Model> {
  readonly name: string
  safeDecode(
    value: unknown,
  ):
    | { readonly ok: true; readonly value: Model }
    | { readonly ok: false; readonly error: Error & { readonly issues: readonly ValidationIssue[] } }
}

/** Parses a 2xx JSON body and checks it with a compiled validator before anything reads it. */
export function decodeJson<Model>(
  codec: ResponseCodec<Model>,
  { response, text }: HttpResponse,
): { model: Model; raw: unknown } {
  const details = { status: response.status, response }
  const json = parseJson(text)
  if (!json.ok) {
    throw new ResponseValidationError(
      codec.name,
      [{ path: '', keyword: 'json', message: 'body is not valid JSON' }],
      details,
    )
  }
  const decoded = codec.safeDecode(json.value)
  if (!decoded.ok) {
    throw new ResponseValidationError(codec.name, decoded.error.issues, details, { cause: decoded.error })
  }
  return { model: decoded.value, raw: json.value }
}
