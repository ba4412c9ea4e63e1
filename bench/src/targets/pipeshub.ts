import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AuthorizationServerApp, buildAuthorizationServerApp, type Store } from '@pipeshub/server'
import { openPostgresStore } from '@pipeshub/server/postgres'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import pg from 'pg'
import { basicAuthorization, type Scenario } from '../scenario.js'
import { clientCredentialsScenario, credentialScenario, listeningPort } from './client-credentials-request.js'
import { BENCH_CODE_CHALLENGE, BENCH_CODE_VERIFIER } from './pkce.js'
import { BENCH_CLIENT, BENCH_USER, type RunningTarget, USER_SCOPE } from './target.js'

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
    await server.registerClient({
      name: 'bench client',
      clientId: BENCH_CLIENT.clientId,
      clientSecret: BENCH_CLIENT.clientSecret,
      grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
      redirectUris: [BENCH_CLIENT.redirectUri],
      scopes: ['kb:read', 'kb:write', 'offline_access'],
    })
    await opened.store.users.create({
      subject: BENCH_USER,
      username: 'bench-user',
      passwordHash: null,
      name: 'Bench User',
      email: 'bench@example.com',
      emailVerified: true,
      createdAt: Math.floor(Date.now() / 1000),
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const tokenPath = server.paths.token
    const authorization = basicAuthorization(BENCH_CLIENT.clientId, BENCH_CLIENT.clientSecret)

    // What the consent step of the app would do: a validated request, then a code for the user.
    const authorizationRequest = await server.validateAuthorizationRequest({
      response_type: 'code',
      client_id: BENCH_CLIENT.clientId,
      redirect_uri: BENCH_CLIENT.redirectUri,
      scope: USER_SCOPE,
      state: 'bench-state',
      code_challenge: BENCH_CODE_CHALLENGE,
      code_challenge_method: 'S256',
    })
    const issueCode = async (): Promise<string> => {
      const location = await server.issueAuthorizationCode({
        request: authorizationRequest,
        subject: BENCH_USER,
        authTime: server.now(),
      })
      const code = new URL(location).searchParams.get('code')
      if (code === null) throw new Error(`no code in the authorization response ${location}`)
      return code
    }
    const codeExchange = (code: string) => ({
      grant_type: 'authorization_code',
      code,
      redirect_uri: BENCH_CLIENT.redirectUri,
      code_verifier: BENCH_CODE_VERIFIER,
    })

    let scenario: Scenario
    let prepare: (count: number) => Promise<string[]>
    if (options.grant === 'client_credentials') {
      scenario = clientCredentialsScenario(tokenPath)
      prepare = async () => []
    } else if (options.grant === 'refresh_token') {
      scenario = credentialScenario('refresh-chain', tokenPath, 'grant_type=refresh_token&refresh_token=')
      prepare = async (count) => {
        const issued: string[] = []
        for (let i = 0; i < count; i++) {
          const response = await server.token(codeExchange(await issueCode()), { authorization })
          if (response.refreshToken === undefined)
            throw new Error('the code exchange issued no refresh token')
          issued.push(response.refreshToken)
        }
        return issued
      }
    } else {
      scenario = credentialScenario(
        'one-shot',
        tokenPath,
        'grant_type=authorization_code&code=',
        `&redirect_uri=${encodeURIComponent(BENCH_CLIENT.redirectUri)}&code_verifier=${BENCH_CODE_VERIFIER}`,
      )
      prepare = async (count) => {
        const issued: string[] = []
        for (let i = 0; i < count; i++) issued.push(await issueCode())
        return issued
      }
    }
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
