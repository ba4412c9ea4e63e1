import type { FetchLike } from '../http.js'

/** One request as the injected fetch saw it. */
export interface RecordedRequest {
  readonly url: string
  readonly method: string
  readonly headers: Headers
  readonly body: string
  /** The body parsed as application/x-www-form-urlencoded. */
  readonly form: URLSearchParams
  readonly signal: AbortSignal | undefined
}

/** What the canned fetch does for one request: answer, throw (a network failure), or compute it. */
export type Reply = (request: RecordedRequest) => Response | Promise<Response>

export interface CannedFetch {
  readonly fetch: FetchLike
  readonly requests: RecordedRequest[]
}

/**
 * A fetch that answers each request with the next canned reply (the last reply repeats), recording
 * every request. Client unit tests drive error paths with it; integration tests use a real server.
 */
export function cannedFetch(...replies: Reply[]): CannedFetch {
  const requests: RecordedRequest[] = []
  const fetch: FetchLike = async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : ''
    const request: RecordedRequest = {
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body,
      form: new URLSearchParams(body),
      signal: init?.signal ?? undefined,
    }
    requests.push(request)
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]
    if (reply === undefined) throw new Error('cannedFetch has no reply')
    return reply(request)
  }
  return { fetch, requests }
}

/** A JSON reply. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    })
}

/** A plain-text (or empty) reply. */
export function text(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return () => new Response(status === 204 ? null : body, { status, headers })
}

/** A fetch failure, as a refused connection makes it. */
export function networkFailure(message = 'fetch failed'): Reply {
  return () => Promise.reject(new TypeError(message))
}

/** Never answers; rejects when the request's signal aborts, as a real fetch does. */
export function hang(): Reply {
  return (request) =>
    new Promise((_, reject) => {
      request.signal?.addEventListener('abort', () => reject(request.signal?.reason), { once: true })
    })
}
