import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'

/** What a test starts and must stop: a server, a store, a browser. */
export interface Closable {
  close(): unknown
}

/**
 * A list whose members are closed after each test (all at once, awaited), so that a failing test
 * leaves no server listening for the next one. Call it at the top level of a test file.
 */
export function closeAfterEach<T extends Closable>(): { push(...resources: T[]): number } {
  const open: T[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((resource) => resource.close()))
  })
  return { push: (...resources) => open.push(...resources) }
}

/** Starts `server` on 127.0.0.1 (`port`, or one the OS picks) and answers its origin. */
export async function listenOnLoopback(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A loopback port free now: for a server whose URL (an issuer, say) must be known before it listens. */
export async function freePort(): Promise<number> {
  const probe = createServer()
  await listenOnLoopback(probe)
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/**
 * A client's redirect URI for a test: a loopback server answering every GET with a plain page, so
 * that a browser following the authorization response lands somewhere the test can read the URL of.
 */
export async function callbackReceiver(): Promise<{ server: Server; redirectUri: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('callback received')
  })
  return { server, redirectUri: `${await listenOnLoopback(server)}/callback` }
}
