// The token server process, loaded by main.ts once Node's compile cache is on.
import { createServer } from 'node:net'
import { parseArgs } from 'node:util'
import { createTokenServer } from './app.js'
import { ConfigError, demoEnabled, issuerFor, loadConfig, type TokenServerConfig } from './config.js'
import { createMaintenance } from './maintenance.js'
import { createMetricsListener } from './metrics.js'
import { demoBanner, seedDemo } from './seed.js'
import { describeStore, openConfiguredStore } from './store.js'

const USAGE = `Usage: node dist/main.js [--no-demo]

Starts the PipesHub token server. Configuration: PIPESHUB_* environment variables (see README).
  --no-demo   do not create the demo clients and user on an empty store (PIPESHUB_SEED_DEMO=false)`

function fail(message: string): never {
  process.stderr.write(`pipeshub-token-server: ${message}\n`)
  process.exit(1)
}

/** With port 0 and no issuer, the issuer needs the port before the app is built: ask the OS for one. */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()))
    })
  })
}

async function main(): Promise<void> {
  let flags: { 'no-demo'?: boolean; help?: boolean }
  try {
    flags = parseArgs({
      options: { 'no-demo': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`)
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }

  let config: TokenServerConfig
  try {
    config = loadConfig({
      overrides: flags['no-demo'] ? { seedDemo: false } : {},
      onWarning: (warning) =>
        process.stderr.write(`pipeshub-token-server: configuration: warning: ${warning}\n`),
    })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    for (const problem of error.problems)
      process.stderr.write(`pipeshub-token-server: configuration: ${problem}\n`)
    process.exit(1)
  }
  if (config.port === 0 && config.issuer === undefined)
    config = { ...config, port: await freePort(config.host) }
  const issuer = issuerFor(config)

  let store: Awaited<ReturnType<typeof openConfiguredStore>>
  try {
    store = await openConfiguredStore(config)
  } catch (error) {
    fail(`cannot open the store PIPESHUB_STORE=${describeStore(config.store)}: ${(error as Error).message}`)
  }

  const ownMetricsListener = config.metricsPort !== undefined
  const server = await createTokenServer({ config, store, issuer, metricsRoute: !ownMetricsListener })
  const metricsListener = ownMetricsListener ? await createMetricsListener(server.metrics) : undefined
  // The first start generates the signing keys (access tokens, ID tokens) now rather than on first use.
  await server.authorizationServer.jwks()

  // Atomic and under the store's cross-instance lock: of instances starting together, one seeds and prints.
  // Printed the moment the seed is stored, not once listening: the store is no longer empty, so no later
  // start would show these secrets if this one died or failed in between (a kill there lost them 2 in 30).
  if (demoEnabled(config, issuer)) {
    const seeded = await seedDemo(store, issuer)
    if (seeded !== undefined) {
      // The banner is for a person: on stderr, out of the JSON log stream on stdout.
      process.stderr.write(
        `${demoBanner({
          issuer,
          tokenEndpoint: `${issuer}${server.paths.token}`,
          authorizationEndpoint: `${issuer}${server.paths.authorization}`,
          credentials: seeded,
        })}\n`,
      )
    }
  }

  // Expired rows are deleted every 15 minutes; the signing key rotates every PIPESHUB_KEY_ROTATION_DAYS.
  const maintenance = createMaintenance({
    authorizationServer: server.authorizationServer,
    keyRotationDays: config.keyRotationDays,
    log: server.app.log,
  })
  await maintenance.start()

  let stopping = false
  const stop = (signal: string) => {
    maintenance.stop()
    if (stopping) {
      server.app.log.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(1)
    }
    stopping = true
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    Promise.all([server.close(), metricsListener?.close()]).then(
      () => {
        server.app.log.info('stopped')
        process.exit(0)
      },
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))

  try {
    await server.app.listen({ host: config.host, port: config.port })
  } catch (error) {
    await server.close()
    fail(
      `cannot listen on PIPESHUB_HOST=${config.host} PIPESHUB_PORT=${config.port}: ${(error as Error).message}`,
    )
  }
  if (metricsListener !== undefined) {
    try {
      const url = await metricsListener.listen({ host: config.metricsHost, port: config.metricsPort ?? 0 })
      server.app.log.info({ url: `${url}/metrics` }, 'metrics listener ready')
    } catch (error) {
      await server.close()
      fail(
        `cannot listen for metrics on ${config.metricsHost}:${config.metricsPort}: ${(error as Error).message}`,
      )
    }
  }
  server.app.log.info({ issuer, store: describeStore(config.store) }, 'token server ready')
}

main().catch((error: unknown) => fail((error as Error).message ?? String(error)))
