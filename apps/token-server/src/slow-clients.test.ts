import { connect, type Socket } from 'node:net'
import { createMemoryStore } from '@pipeshub/server'
import { afterEach, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import type { TokenServerConfig } from './config.js'

const running: TokenServer[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await Promise.all(running.splice(0).map((server) => server.close()))
})

async function start(overrides: Partial<TokenServerConfig>) {
  const server = await createTokenServer({ config: testConfig(overrides), store: createMemoryStore() })
  running.push(server)
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  return { server, baseUrl, port: Number(new URL(baseUrl).port) }
}

/** A raw connection (from `localAddress`, a loopback address); resolves `closed` with the ms it stayed open. */
function open(port: number, localAddress = '127.0.0.1') {
  const socket = connect({ host: '127.0.0.1', port, localAddress })
  sockets.push(socket)
  const opened = Date.now()
  socket.on('error', () => {})
  socket.on('data', () => {})
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)))
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  return { socket, closed, connected }
}

const BOUNDS = { headersTimeoutMs: 600, requestTimeoutMs: 1200, idleTimeoutMs: 1000, keepAliveTimeoutMs: 500 }

describe('slow clients', () => {
  it('cuts a client trickling its body within the request timeout while normal requests are served', async () => {
    const { server, baseUrl, port } = await start(BOUNDS)
    const slow = Array.from({ length: 20 }, () => open(port))
    await Promise.all(slow.map((one) => one.connected))
    for (const { socket } of slow) {
      socket.write(
        `POST ${server.paths.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n`,
      )
    }
    // One byte every 200 ms: never idle long enough for the idle timeout, only the request timeout.
    const trickle = setInterval(() => {
      for (const { socket } of slow) if (!socket.destroyed) socket.write('a')
    }, 200)
    try {
      // Meanwhile the server answers everyone else.
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${baseUrl}/healthz`)
        expect(response.status).toBe(200)
        await response.arrayBuffer()
      }
      const held = await Promise.all(slow.map((one) => one.closed))
      // The request timeout (1.2 s) plus Node's checking period (150 ms here) and slack for a loaded
      // machine; without the bound they stay open as long as the client trickles.
      expect(Math.max(...held)).toBeLessThan(1200 + 6000)
    } finally {
      clearInterval(trickle)
    }
  })

  it('cuts a client that never finishes its headers, and one that goes silent, within their bounds', async () => {
    const { port } = await start(BOUNDS)
    const headers = open(port)
    await headers.connected
    headers.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    const silent = open(port)
    await silent.connected
    // The headers (0.6 s) and idle (1 s) timeouts, with slack for a loaded machine (Node waits 60 s).
    expect(await headers.closed).toBeLessThan(600 + 6000)
    expect(await silent.closed).toBeLessThan(1000 + 6000)
  })

  it('closes a kept-alive connection left idle after its answer within the keep-alive timeout', async () => {
    // The idle timeout far above the keep-alive one, so that only the keep-alive bound can close it.
    const { port } = await start({ ...BOUNDS, keepAliveTimeoutMs: 300, idleTimeoutMs: 20_000 })
    const kept = open(port)
    await kept.connected
    const answeredAt = new Promise<number>((resolve) =>
      kept.socket.once('data', (chunk: Buffer) => {
        expect(chunk.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /)
        resolve(Date.now())
      }),
    )
    const closedAt = kept.closed.then(() => Date.now())
    kept.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n')
    // 0.3 s of idleness (Node adds a second of grace), long before the 20 s idle timeout would close it.
    expect((await closedAt) - (await answeredAt)).toBeLessThan(10_000)
  })

  it('closes a connection from an address that already holds its share, while other addresses are served', async () => {
    const { baseUrl, port } = await start({ ...BOUNDS, maxConnectionsPerAddress: 3 })
    const held = Array.from({ length: 3 }, () => open(port, '127.0.0.2'))
    await Promise.all(held.map((one) => one.connected))
    const fourth = open(port, '127.0.0.2')
    // Closed at once, well before any timeout could have closed it.
    expect(await fourth.closed).toBeLessThan(500)
    for (const { socket } of held) expect(socket.destroyed).toBe(false)
    // Everyone else still gets in.
    const response = await fetch(`${baseUrl}/healthz`)
    expect(response.status).toBe(200)
    await response.arrayBuffer()
    // A slot given back is a slot the address can use again.
    held[0]?.socket.destroy()
    await held[0]?.closed
    await new Promise((resolve) => setTimeout(resolve, 50))
    const again = open(port, '127.0.0.2')
    await again.connected
    again.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    const answer = await new Promise<string>((resolve) =>
      again.socket.once('data', (chunk) => resolve(String(chunk))),
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
  })

  it('closes connections past the cap at once and serves again when they are gone', async () => {
    const { baseUrl, port } = await start({ ...BOUNDS, maxConnections: 4 })
    const held = Array.from({ length: 4 }, () => open(port))
    await Promise.all(held.map((one) => one.connected))
    // Let the server accept them all before the one over the cap.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const extra = open(port)
    expect(await extra.closed).toBeLessThan(3000)
    for (const { socket } of held) socket.destroy()
    await Promise.all(held.map((one) => one.closed))
    const response = await fetch(`${baseUrl}/healthz`)
    expect(response.status).toBe(200)
  })
})
