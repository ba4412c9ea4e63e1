/**
 * Entry point of a target server process: `node dist/targets/serve.js <target-id>`. Starts the
 * server on 127.0.0.1 port 0 and reports its port and request scenario over IPC.
 */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { enableCompileCache } from 'node:module'
import type { TargetCommand, TargetMessage } from '../protocol.js'
import type { RunningTarget } from './target.js'

/** The token server's modules load as its `main.js` loads them: with Node's compile cache on. */
async function deployable(): Promise<typeof import('./deployable.js')> {
  enableCompileCache()
  return import('./deployable.js')
}

async function start(id: string): Promise<RunningTarget> {
  switch (id) {
    case 'floor-http':
      return (await import('./http-floor.js')).startHttpFloor()
    case 'floor-crypto':
      return (await import('./crypto-floor.js')).startCryptoFloor()
    case 'oidc-provider-cc':
      return (await import('./oidc-provider.js')).startOidcProvider('client_credentials')
    case 'oidc-provider-cc-dpop':
      return (await import('./oidc-provider.js')).startOidcProvider('client_credentials', { dpop: true })
    case 'oidc-provider-refresh':
      return (await import('./oidc-provider.js')).startOidcProvider('refresh_token')
    case 'oidc-provider-code':
      return (await import('./oidc-provider.js')).startOidcProvider('authorization_code')
    case 'oauth2-server-cc':
      return (await import('./node-oauth2-server.js')).startNodeOauth2Server('client_credentials')
    case 'oauth2-server-refresh':
      return (await import('./node-oauth2-server.js')).startNodeOauth2Server('refresh_token')
    case 'deployable-cc':
      return (await deployable()).startDeployable('client_credentials')
    case 'deployable-cc-dpop':
      return (await deployable()).startDeployable('client_credentials', { dpop: true })
    case 'deployable-refresh':
      return (await deployable()).startDeployable('refresh_token')
    case 'deployable-code':
      return (await deployable()).startDeployable('authorization_code')
    case 'pipeshub-cc-es256':
      return (await import('./pipeshub.js')).startPipeshub({
        grant: 'client_credentials',
        alg: 'ES256',
        store: 'sqlite',
      })
    case 'pipeshub-cc-eddsa':
      return (await import('./pipeshub.js')).startPipeshub({
        grant: 'client_credentials',
        alg: 'EdDSA',
        store: 'sqlite',
      })
    case 'pipeshub-refresh-sqlite':
      return (await import('./pipeshub.js')).startPipeshub({
        grant: 'refresh_token',
        alg: 'ES256',
        store: 'sqlite',
      })
    case 'pipeshub-refresh-postgres':
      return (await import('./pipeshub.js')).startPipeshub({
        grant: 'refresh_token',
        alg: 'ES256',
        store: 'postgres',
      })
    case 'pipeshub-code-sqlite':
      return (await import('./pipeshub.js')).startPipeshub({
        grant: 'authorization_code',
        alg: 'ES256',
        store: 'sqlite',
      })
    default:
      throw new Error(`unknown target ${id}`)
  }
}

let profiler: Session | undefined

async function startProfile(intervalMicros: number): Promise<void> {
  profiler = new Session()
  profiler.connect()
  await profiler.post('Profiler.enable')
  await profiler.post('Profiler.setSamplingInterval', { interval: intervalMicros })
  await profiler.post('Profiler.start')
}

async function stopProfile(path: string): Promise<void> {
  if (profiler === undefined) throw new Error('the profiler was not started')
  const { profile } = await profiler.post('Profiler.stop')
  profiler.disconnect()
  profiler = undefined
  await writeFile(path, JSON.stringify(profile))
}

function send(message: TargetMessage): void {
  process.send?.(message)
}

const id = process.argv[2] ?? ''
try {
  const target = await start(id)
  process.on('message', (command: TargetCommand) => {
    switch (command.type) {
      case 'prepare':
        ;(target.prepare ?? (async () => []))(command.count).then(
          (credentials) => send({ type: 'prepared', id: command.id, credentials }),
          (error: unknown) =>
            send({ type: 'failed', id: command.id, message: String((error as Error).stack ?? error) }),
        )
        break
      case 'rss': {
        if (command.collect === true) (globalThis as { gc?: () => void }).gc?.()
        const { rss, heapUsed } = process.memoryUsage()
        send({ type: 'rss', id: command.id, rss, heapUsed })
        break
      }
      case 'profile-start':
        startProfile(command.intervalMicros).then(
          () => send({ type: 'profiling', id: command.id }),
          (error: unknown) => send({ type: 'failed', id: command.id, message: String(error) }),
        )
        break
      case 'profile-stop':
        stopProfile(command.path).then(
          () => send({ type: 'profiled', id: command.id, path: command.path }),
          (error: unknown) => send({ type: 'failed', id: command.id, message: String(error) }),
        )
        break
      case 'stop':
        target.close().finally(() => process.exit(0))
        break
    }
  })
  process.on('disconnect', () => {
    target.close().finally(() => process.exit(0))
  })
  send({ type: 'ready', port: target.port, scenario: target.scenario, notes: target.notes })
} catch (error) {
  send({ type: 'failed', message: String((error as Error).stack ?? error) })
  process.exitCode = 1
  process.disconnect?.()
}
