import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AuthorizationServerApp, buildAuthorizationServerApp, type Store } from '@pipeshub/server'
import { openPostgresStore } from '@pipeshub/server/postgres'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import pg from 'pg'
import { benchGrant, registerBenchParties } from './bench-grants.js'
import { listeningPort } from './client-credentials-request.js'
import type { RunningTarget } from './target.js'

export interface PipeshubTargetOptions {
  readonly grant: 'client_credentials' | 'refresh_token' | 'authorization_code'
  readonly alg: 'ES256' | 'EdDSA'
  readonly store: 'sqlite' | 'postgres'
}

/** PostgreSQL of the machine: `PIPESHUB_BENCH_DATABASE_URL`, else `DATABASE_URL`, else root on 127.0.0.1:5432/test. */
export function benchDatabaseUrl(): string {
  return (
    process.env.PIPESHUB_BENCH_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://root@127.0.0.1:5432/test'
  )
}

interface OpenedStore {
  readonly store: Store
  readonly description: string
  /** Removes what the run created (the SQLite file, the PostgreSQL schema). */
  readonly dispose: () => Promise<void>
}

async function openStore(kind: PipeshubTargetOptions['store']): Promise<OpenedStore> {
  if (kind === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'pipeshub-bench-'))
    const store = openSqliteStore({ path: join(directory, 'oauth.db') })
    return {
      store,
      description: 'SQLite file in WAL mode (node:sqlite)',
      dispose: async () => rmSync(directory, { recursive: true, force: true }),
    }
  }
  const connectionString = benchDatabaseUrl()
  // A schema of its own per run, dropped afterwards.
  const schema = `pipeshub_bench_${process.pid}_${Date.now().toString(36)}`
  const store = await openPostgresStore({ connectionString, schema })
  return {
    store,
    description: `PostgreSQL (pg pool) at ${new URL(connectionString).host}, schema ${schema} dropped after`,
    dispose: async () => {
      const client = new pg.Client({ connectionString })
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}

/**
 * @pipeshub/server as users run it: `buildAuthorizationServerApp` (Fastify + the plugin) on a real
 * store, the bench client registered through the library, credentials issued through the library.
 */
export async function startPipeshub(options: PipeshubTargetOptions): Promise<RunningTarget> {
  const opened = await openStore(options.store)
  let app: AuthorizationServerApp | undefined
  try {
    app = await buildAuthorizationServerApp({
      issuer: 'http://127.0.0.1',
      store: opened.store,
      signingAlgorithm: options.alg,
      logger: false,
    })
    const server = app.authorizationServer
    const clientSecret = await registerBenchParties(server, opened.store)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { scenario, prepare } = await benchGrant(server, options.grant, clientSecret)
    const running = app
    return {
      port: listeningPort(running.server.address()),
      scenario,
      notes: `buildAuthorizationServerApp, ${opened.description}, ${options.alg} JWT access tokens`,
      prepare,
      close: async () => {
        await running.close()
        await opened.store.close()
        await opened.dispose()
      },
    }
  } catch (error) {
    await app?.close()
    await opened.store.close()
    await opened.dispose()
    throw error
  }
}
