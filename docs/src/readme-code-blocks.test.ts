import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type AuthorizationServer,
  bearerGuard,
  createAuthorizationServer,
  hashSecret,
  protectedResourcePlugin,
  registerClient,
  type Store,
} from '@pipeshub/server'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ReadmeBlock, readmeBlocks } from './readme-blocks.js'
import {
  type Background,
  type RunOptions,
  runBlock,
  runnableKind,
  type Substitutions,
  startBackground,
  startBackgroundBlock,
} from './run-block.js'

/*
 * Every code block of the READMEs runs here, against a token server (`node dist/main.js`) this test
 * starts on a fresh SQLite file, so the documentation cannot rot: shell blocks from the repository root,
 * JS/TS blocks as modules importing the built workspace packages. Example hosts are replaced by the
 * test's servers. A block that is not run says why (`no-run <reason>`, see `readme-blocks.ts`); a block
 * the test cannot run and that does not say so fails.
 */

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const REPOSITORY = resolve(PACKAGE_ROOT, '..')
const TOKEN_SERVER = dirname(fileURLToPath(import.meta.resolve('@pipeshub/token-server/package.json')))
/** The READMEs of the root, of every folder under `packages/`, `apps/` and `tooling/`, and of `contracts/`. */
const READMES = [
  'README.md',
  ...['packages', 'apps', 'tooling'].flatMap((folder) =>
    readdirSync(join(REPOSITORY, folder))
      .map((name) => `${folder}/${name}/README.md`)
      .filter((path) => existsSync(join(REPOSITORY, path))),
  ),
  'contracts/README.md',
]
// Only a bound on a hung block: the admin CLI block starts Node fourteen times, which on a loaded 2-core
// machine has taken over 30 s.
const BLOCK_TIMEOUT_MS = 150_000
const PASSWORD = 'correct horse battery staple'

let workDir: string
let tokenServer: Background
let store: Store
let substitutions: Substitutions
let env: NodeJS.ProcessEnv
/** The client the admin CLI examples act on (`<client_id>`). */
let cliClientId: string
let authorizationServer: AuthorizationServer
let issuer: string
const resourceServers: FastifyInstance[] = []

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise<void>((done) => server.close(() => done()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** The environment of every block, without this process's own `PIPESHUB_*` settings. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PIPESHUB_') && name !== 'NODE_OPTIONS'),
  )
}

beforeAll(async () => {
  // Inside the package, so that the blocks' imports resolve the workspace packages as a user's would.
  mkdirSync(join(PACKAGE_ROOT, '.run'), { recursive: true })
  workDir = mkdtempSync(join(PACKAGE_ROOT, '.run', 'run-'))
  const database = join(workDir, 'token-server.db')
  const serverEnv = {
    ...cleanEnvironment(),
    PIPESHUB_STORE: `sqlite:${database}`,
    PIPESHUB_PORT: '0',
    PIPESHUB_SEED_DEMO: 'false',
    PIPESHUB_REGISTRATION: 'true',
    PIPESHUB_LOG_LEVEL: 'info',
    PIPESHUB_LOG_FORMAT: 'json',
  }
  tokenServer = await startBackground(
    process.execPath,
    [join(TOKEN_SERVER, 'dist/main.js')],
    { cwd: workDir, env: serverEnv },
    /"msg":"token server ready"/,
    BLOCK_TIMEOUT_MS,
  )
  issuer = (JSON.parse(tokenServer.line) as { issuer: string }).issuer

  store = openSqliteStore({ path: database })
  const docsClient = await registerClient(store, {
    name: 'docs test',
    grantTypes: ['client_credentials', 'refresh_token'],
  })
  cliClientId = (
    await registerClient(store, { name: 'docs test (admin CLI)', grantTypes: ['client_credentials'] })
  ).client.clientId
  await store.users.create({
    subject: 'docs-user',
    username: 'docs-user',
    passwordHash: await hashSecret(PASSWORD),
    name: 'Docs User',
    email: null,
    emailVerified: false,
    createdAt: Math.floor(Date.now() / 1000),
  })
  // The token manager's example starts from a refresh token a sign-in gave earlier.
  authorizationServer = createAuthorizationServer({ issuer, store })
  const refreshToken = await authorizationServer.issueRefreshToken({
    clientId: docsClient.client.clientId,
    subject: 'docs-user',
    scope: ['kb:read', 'offline_access'],
  })

  const examplePort = await freePort()
  substitutions = [
    ['https://pipeshub.example.com', issuer],
    ['http://127.0.0.1:8787', issuer],
    ['127.0.0.1:4000', `127.0.0.1:${examplePort}`],
    ['port: 4000', `port: ${examplePort}`],
    ['<client_id>', cliClientId],
  ]
  env = {
    ...cleanEnvironment(),
    NODE_NO_WARNINGS: '1',
    PIPESHUB_STORE: `sqlite:${database}`,
    CLIENT_ID: docsClient.client.clientId,
    CLIENT_SECRET: docsClient.clientSecret ?? '',
    REFRESH_TOKEN: refreshToken,
    PASSWORD,
  }
})

afterAll(async () => {
  await Promise.all(resourceServers.map((server) => server.close()))
  await tokenServer?.stop()
  await store?.close()
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true })
})

/**
 * Named preparations a README asks for with `<!-- docs-test fixture <name> <args> -->`; one may answer
 * placeholders to replace in that block only.
 */
const FIXTURES: Record<string, (args: string[]) => Promise<Substitutions | undefined>> = {
  /** `consent <username>`: the user consented to `<client_id>`, so the consent commands have one. */
  async consent([username]) {
    const user = await store.users.findByUsername(username ?? '')
    if (user === undefined) throw new Error(`fixture consent: no user ${username}`)
    await store.consents.put({
      subject: user.subject,
      clientId: cliClientId,
      scope: ['openid'],
      resources: [],
      grantedAt: 0,
    })
    return undefined
  },
  /**
   * `resource-server <example origin>`: an RFC 9728 resource server on loopback in place of the example
   * origin, naming the test's token server, its `/mcp` guarded by tokens from it.
   */
  async 'resource-server'([exampleOrigin]) {
    // The metadata names the resource's own URL, so the port is chosen first.
    const origin = `http://127.0.0.1:${await freePort()}`
    const resource = `${origin}/mcp`
    const server = Fastify()
    resourceServers.push(server)
    await server.register(protectedResourcePlugin, {
      metadata: { resource, authorizationServers: [issuer], bearerMethodsSupported: ['header'] },
    })
    server.post(
      '/mcp',
      {
        preHandler: bearerGuard({
          resource,
          verifyAccessToken: (token) => authorizationServer.verifyAccessToken(token, { audience: resource }),
        }),
      },
      async () => ({ ok: true }),
    )
    await server.listen({ host: '127.0.0.1', port: Number(new URL(origin).port) })
    return [[exampleOrigin ?? '', origin]]
  },
}

function describeReadme(file: string): void {
  const blocks = readmeBlocks(readFileSync(join(REPOSITORY, file), 'utf8'), file)
  if (blocks.length === 0) return
  describe(file, () => {
    const backgrounds: Background[] = []
    const exported: Record<string, string> = {}
    afterAll(async () => {
      await Promise.all(backgrounds.map((background) => background.stop()))
    })
    const options = (): RunOptions => ({
      workDir,
      shellCwd: REPOSITORY,
      env: { ...env, ...exported },
      substitutions,
      timeoutMs: BLOCK_TIMEOUT_MS,
    })

    for (const block of blocks) {
      const title = `${file}:${block.line} (${block.language || 'no language'})`
      if (block.noRun !== undefined) {
        it.skip(`${title}: not run, ${block.noRun}`, () => {})
        continue
      }
      it(title, async () => {
        expect(
          runnableKind(block),
          `a ${block.language || 'plain'} block cannot run: make it runnable or mark it \`no-run <reason>\``,
        ).toBeDefined()
        const local: Array<readonly [string, string]> = []
        for (const [name, ...args] of block.fixtures) {
          const fixture = FIXTURES[name ?? '']
          if (fixture === undefined) throw new Error(`unknown fixture ${name}`)
          local.push(...((await fixture(args)) ?? []))
        }
        const blockOptions = { ...options(), substitutions: [...local, ...substitutions] }
        if (block.background) {
          const started = await startBackgroundBlock(block, blockOptions)
          backgrounds.push(started.background)
          Object.assign(exported, started.exported)
          return
        }
        const run = await runBlock(block, blockOptions)
        expect(run.exitCode, failure(block, run.stdout, run.stderr)).toBe(0)
      })
    }
  })
}

function failure(block: ReadmeBlock, stdout: string, stderr: string): string {
  return `${block.file}:${block.line} failed\n--- stdout\n${stdout}\n--- stderr\n${stderr}`
}

for (const file of READMES) describeReadme(file)
