import { createServer } from 'node:net'

/** A loopback port nothing listens on right now (the OS's pick): for a server to (re)start on, or a service that is down. */
export async function unusedLoopbackPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen({ host: '127.0.0.1', port: 0 }, resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}
