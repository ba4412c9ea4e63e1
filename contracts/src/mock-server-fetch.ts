import { EXAMPLE } from './examples.js'

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/**
 * A `fetch` that sends requests for the example issuer's origin to the Pact mock server instead, and
 * leaves everything else (path, query, method, headers, body) as the client built it. The pact then
 * records the issuer's stable URLs, not the mock server's random port.
 */
export function fetchThroughMockServer(mockServerUrl: string, origin: string = EXAMPLE.issuer): Fetch {
  const from = new URL(origin).origin
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString())
    if (url.origin !== from)
      throw new TypeError(`the contract test client called ${url.href}, outside ${from}`)
    const target = new URL(`${url.pathname}${url.search}`, mockServerUrl)
    return globalThis.fetch(target, init)
  }
}
