import { NodeChild } from './child.js'
import type { ClientBenchInput } from './client/client-bench.js'
import { distEntry } from './paths.js'
import type { Pinning } from './pinning.js'
import { TargetProcess } from './processes.js'
import type { ClientResult } from './results.js'
import { basicSecret } from './scenario.js'
import { BENCH_CLIENT, CLIENT_CREDENTIALS_SCOPE } from './targets/target.js'

const CLIENT_ENTRY = distEntry('client/client-bench.js')

type ClientMessage = { type: 'result'; result: ClientResult } | { type: 'failed'; message: string }

/**
 * Client-side measurements in their own process (on the load core), with a real token server
 * (the PipesHub client_credentials target on the server core) for the token manager.
 */
export async function runClientSide(
  quick: boolean,
  pinning: Pinning,
  serverIds: readonly string[],
): Promise<ClientResult> {
  let server: TargetProcess | undefined
  let input: ClientBenchInput = { quick, tokenEndpointMissing: 'no token server could start' }
  const unavailable: string[] = []
  for (const serverId of serverIds) {
    try {
      server = await TargetProcess.start(serverId, pinning)
      break
    } catch (error) {
      unavailable.push(`${serverId} unavailable: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  if (server !== undefined) {
    input = {
      quick,
      tokenEndpoint: {
        issuer: server.url,
        url: `${server.url}${server.scenario.request.path}`,
        clientId: BENCH_CLIENT.clientId,
        // The PipesHub targets' servers generate the secret; their scenario carries it.
        clientSecret: basicSecret(String(server.scenario.request.headers?.authorization ?? '')),
        scope: CLIENT_CREDENTIALS_SCOPE,
      },
    }
  } else {
    input = { quick, tokenEndpointMissing: unavailable.join('; ') }
  }
  const child = new NodeChild<never, ClientMessage>(CLIENT_ENTRY, {
    pinning,
    ...(pinning.mode === 'taskset' ? { cpu: pinning.loadCpu } : {}),
    args: [JSON.stringify(input)],
  })
  try {
    const answer = await child.waitFor(
      (message): message is Extract<ClientMessage, { type: 'result' }> => message.type === 'result',
      quick ? 60_000 : 180_000,
      'client-side bench',
    )
    const result = answer.result
    if (unavailable.length === 0 || result.reason !== undefined) return result
    return { ...result, reason: `token manager measured against ${server?.id}: ${unavailable.join('; ')}` }
  } catch (error) {
    return { status: 'failed', reason: (error as Error).message.split('\n')[0] ?? 'unknown' }
  } finally {
    await child.stop(undefined, 2000)
    await server?.stop()
  }
}
