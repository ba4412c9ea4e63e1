import type { Server } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'
import type { TokenServerConfig } from './config.js'

/** Without a proxy in front, a few hundred slow connections from one address must not take every slot. */
const DEFAULT_PER_ADDRESS = 128
/** A source refused over and over is logged once in this many milliseconds, not per connection. */
const WARNING_INTERVAL_MS = 10_000

/**
 * The per-address cap `config` asks for: its own setting, else 128 for a server clients reach directly,
 * else off behind a trusted proxy, where every connection comes from the proxy's address.
 */
export function connectionsPerAddress(config: TokenServerConfig): number {
  return config.maxConnectionsPerAddress ?? (config.trustProxy === false ? DEFAULT_PER_ADDRESS : 0)
}

/**
 * Closes a new connection at once when its address already holds `max` open ones. `maxConnections`
 * bounds the process's sockets; this bounds how many of them one source holds, so that a client
 * trickling requests from one address cannot lock everyone else out until the request timeout.
 */
export function limitConnectionsPerAddress(server: Server, max: number, log: FastifyBaseLogger): void {
  const open = new Map<string, number>()
  let warnedAt = Number.NEGATIVE_INFINITY
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? ''
    const count = open.get(address) ?? 0
    if (count >= max) {
      socket.destroy()
      const now = Date.now()
      if (now - warnedAt >= WARNING_INTERVAL_MS) {
        warnedAt = now
        log.warn({ remoteAddress: address, limit: max }, 'connection refused: too many open from one address')
      }
      return
    }
    open.set(address, count + 1)
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1
      if (left <= 0) open.delete(address)
      else open.set(address, left)
    })
  })
}
