/**
 * Requests Node's HTTP parser or Fastify refuses before any route runs, each as the bytes sent, for
 * `rawHttp`. A server built on `@pipeshub/server` must answer every one with an RFC 6749 §5.2
 * `invalid_request` body and 400, never Node's bare `400 Bad Request` or Fastify's `Client Error`.
 */
export const MALFORMED_TOKEN_REQUESTS: ReadonlyArray<readonly [name: string, request: string]> = [
  [
    'a 20 KB Authorization header',
    `POST /api/v1/oauth2/token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${'a'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`,
  ],
  [
    'a Content-Length that is not a number',
    'POST /api/v1/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: abc\r\n\r\ngrant_type=x',
  ],
  [
    'a body longer than its Content-Length',
    'POST /api/v1/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\ngrant_type=client_credentials',
  ],
  ['a request line that is not HTTP', 'HELLO\r\n\r\n'],
]
