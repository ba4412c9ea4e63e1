import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// The bundle `npm start` runs (dist/start.bundle.js shares its code), not the unbundled modules.
import { createTokenServer, issuerFor, loadConfig, openConfiguredStore } from '@pipeshub/token-server/bundle'
import { benchGrant, registerBenchParties } from './bench-grants.js'
import type { Grant } from './catalog.js'
import { ACCESS_TOKEN_TTL_SECONDS, type RunningTarget } from './target.js'

/** Token requests per minute per client: the configuration's maximum, far above what one core serves. */
const RATE_LIMIT = 1_000_000

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()))
    })
  })
}

/** The environment `npm start` would be given: an SQLite file, info logs, rate limits on. */
export function deployableEnvironment(directory: string, port: number): Record<string, string> {
  return {
    PIPESHUB_HOST: '127.0.0.1',
    PIPESHUB_PORT: String(port),
    PIPESHUB_STORE: `sqlite:${join(directory, 'token-server.db')}`,
    PIPESHUB_LOG_LEVEL: 'info',
    PIPESHUB_RATE_LIMIT_TOKEN: String(RATE_LIMIT),
    PIPESHUB_ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_SECONDS),
    PIPESHUB_SEED_DEMO: 'false',
  }
}

/**
 * The deployable token server (apps/token-server, built), started the way its `main.js` starts it:
 * configuration from PIPESHUB_* variables, the store that names, `createTokenServer` with its own
 * default logger (pino on stdout at `info`: the harness points this process's stdout at a file), its
 * rate limits, pages and request ids. The bench client is registered through its authorization server.
 */
export async function startDeployable(
  grant: Grant,
  options: { dpop?: boolean } = {},
): Promise<RunningTarget> {
  const dpop = options.dpop === true
  const directory = mkdtempSync(join(tmpdir(), 'pipeshub-bench-deployable-'))
  const dispose = () => rmSync(directory, { recursive: true, force: true })
  try {
    const config = loadConfig({ env: deployableEnvironment(directory, await freePort()) })
    const store = await openConfiguredStore(config)
    const server = await createTokenServer({ config, store, issuer: issuerFor(config) })
    try {
      await server.authorizationServer.signingKeys.signingKey()
      const clientSecret = await registerBenchParties(server.authorizationServer, store, { dpopBound: dpop })
      await server.app.listen({ host: config.host, port: config.port })
      const { scenario, prepare } = await benchGrant(server.authorizationServer, grant, clientSecret, {
        dpop,
      })
      return {
        port: config.port,
        scenario,
        notes: `apps/token-server as \`npm start\` runs it: compile cache on, SQLite file (WAL), logs at info on stdout to a file, token rate limit ${RATE_LIMIT.toLocaleString('en-US')}/min per client, ${config.signingAlg} JWT access tokens${
          dpop
            ? ', client registered with dpop_bound_access_tokens, a fresh ES256 DPoP proof per request (no nonce), DPoP-bound tokens (cnf.jkt)'
            : ''
        }`,
        prepare,
        close: async () => {
          await server.close()
          dispose()
        },
      }
    } catch (error) {
      await server.close()
      throw error
    }
  } catch (error) {
    dispose()
    throw error
  }
}
