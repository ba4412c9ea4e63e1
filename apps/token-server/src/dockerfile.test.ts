import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from './config.js'
import { dockerignore, dryRun, hostPath, parseDockerfile, type Stage } from './test-support/dockerfile.js'

/*
 * There is no container runtime on the machines this runs on, so the image is never built here. This
 * test does what `docker build` and `docker run` would, in a scratch folder per stage: every COPY source
 * must exist in the repository and pass .dockerignore, the install and build steps run as written (the
 * machine's Node 24 stands for node:24-slim, its pnpm for the one the Dockerfile installs), and the
 * image's CMD must start a server that answers readiness, its HEALTHCHECK, the CLI and a
 * client_credentials token. What it cannot prove: the base image's contents, file ownership, the user
 * switch, and the VOLUME's behaviour in a real engine.
 */

const REPOSITORY = resolve(PACKAGE_ROOT, '../..')
const DOCKERFILE = readFileSync(join(REPOSITORY, 'Dockerfile'), 'utf8')
const PNPM_VERSION = (
  JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8')) as { packageManager: string }
).packageManager
  .replace(/^pnpm@/, '')
  .replace(/\+.*$/, '')
const STEP_TIMEOUT_MS = 240_000

let scratch: string
let image: Stage

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'pipeshub-dockerfile-'))
  const pnpm = spawnSync('pnpm', ['--version'], { encoding: 'utf8' })
  expect(pnpm.stdout.trim(), 'the pnpm on PATH stands for the one the Dockerfile installs').toBe(PNPM_VERSION)
  image = dryRun(parseDockerfile(DOCKERFILE), {
    context: REPOSITORY,
    scratch,
    baseImage: `node:${process.versions.node.split('.')[0]}-slim`,
    pnpmVersion: PNPM_VERSION,
    // The machine's tools and pnpm store; nothing of this process's own configuration.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      npm_config_prefer_offline: 'true',
      TURBO_TELEMETRY_DISABLED: '1',
    },
    timeoutMs: STEP_TIMEOUT_MS,
    log: () => {},
  })
}, 600_000)

afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

describe('Dockerfile', () => {
  it('copies every workspace manifest, so that the frozen lockfile install sees the whole workspace', () => {
    const copied = new Set(
      parseDockerfile(DOCKERFILE)
        .filter((instruction) => instruction.keyword === 'COPY' && instruction.flags.from === undefined)
        .flatMap((instruction) => instruction.args.split(/\s+/).slice(0, -1)),
    )
    // The workspace's folders, from pnpm-workspace.yaml's `packages:` list (`dir` or `dir/*`).
    const workspace = readFileSync(join(REPOSITORY, 'pnpm-workspace.yaml'), 'utf8')
    const globs = [...(/^packages:\n((?: {2}- .*\n)+)/m.exec(workspace)?.[1] ?? '').matchAll(/- (\S+)/g)].map(
      (match) => match[1] as string,
    )
    expect(globs.length).toBeGreaterThan(0)
    const manifests = globs
      .flatMap((glob) =>
        glob.endsWith('/*')
          ? readdirSync(join(REPOSITORY, glob.slice(0, -2))).map((name) => `${glob.slice(0, -2)}/${name}`)
          : [glob],
      )
      .filter((folder) => existsSync(join(REPOSITORY, folder, 'package.json')))
      .map((folder) => `${folder}/package.json`)
    expect(manifests).toContain('apps/token-server/package.json')
    expect(manifests.filter((manifest) => !copied.has(manifest))).toEqual([])
  })

  it('fails the dry run on a COPY source the repository lacks or ignores, and on a step it cannot run', () => {
    const options = {
      context: REPOSITORY,
      scratch: join(scratch, 'refusals'),
      baseImage: 'node:24-slim',
      pnpmVersion: PNPM_VERSION,
      env: {},
      timeoutMs: 10_000,
      log: () => {},
    }
    const attempt = (text: string) => () => dryRun(parseDockerfile(text), options)
    expect(attempt('FROM node:24-slim\nWORKDIR /app\nCOPY no-such-file ./\n')).toThrow(/does not exist/)
    expect(attempt('FROM node:24-slim\nCOPY apps/token-server/data ./\n')).toThrow(/in \.dockerignore/)
    expect(attempt('FROM node:24-slim\nRUN apt-get install -y curl\n')).toThrow(/does not know how to run/)
    expect(attempt('FROM node:24-slim\nRUN npm install --global pnpm@1.0.0\n')).toThrow(/package.json pins/)
    expect(attempt('FROM node:22-alpine\n')).toThrow(/base image/)
    expect(attempt('FROM node:24-slim\nADD https://example.com/x ./\n')).toThrow(
      /does not know this instruction/,
    )
  })

  it('keeps local data, dependencies and build outputs out of the build context', () => {
    const ignored = dockerignore(readFileSync(join(REPOSITORY, '.dockerignore'), 'utf8'))
    for (const path of [
      'node_modules',
      'apps/token-server/node_modules/x',
      'packages/server/dist/index.js',
    ]) {
      expect(ignored(path), path).toBe(true)
    }
    for (const path of ['apps/token-server/data/pipeshub.db', '.env', '.git/HEAD', '.tools/node/bin/node']) {
      expect(ignored(path), path).toBe(true)
    }
    for (const path of ['packages/server/src/index.ts', 'pnpm-lock.yaml', 'apps/token-server/package.json']) {
      expect(ignored(path), path).toBe(false)
    }
  })

  it('gives an image of production dependencies only, run by an unprivileged user owning the data volume', () => {
    expect(image.user).toBe('node')
    expect(image.volumes).toEqual(['/data'])
    expect(image.owners['/data']).toBe('node')
    expect(image.env.PIPESHUB_STORE).toBe('sqlite:/data/pipeshub.db')
    expect(image.exposed).toEqual([image.env.PIPESHUB_PORT])
    expect(image.env.PIPESHUB_HOST).toBe('0.0.0.0')
    const serverModules = hostPath(image, 'apps/token-server/node_modules')
    expect(existsSync(join(serverModules, 'fastify')), 'a production dependency').toBe(true)
    expect(existsSync(join(serverModules, '@pact-foundation')), 'a development dependency').toBe(false)
    expect(existsSync(hostPath(image, 'apps/token-server/src')), 'sources stay in the build stage').toBe(
      false,
    )
  })

  it('starts with its CMD: ready, healthy by its HEALTHCHECK, the CLI registers a client that gets a token', async () => {
    const command = image.command ?? []
    expect(command[0]).toBe('node')
    // `docker run -e` settings: loopback and any free port here; the store on the volume's folder.
    const env = {
      ...image.env,
      PATH: process.env.PATH ?? '',
      PIPESHUB_HOST: '127.0.0.1',
      PIPESHUB_PORT: '0',
      PIPESHUB_STORE: `sqlite:${hostPath(image, '/data/pipeshub.db')}`,
    }
    const cwd = hostPath(image, '.')
    const child = spawn(process.execPath, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      let output = ''
      const ready = await new Promise<string>((resolveReady, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready:\n${output}`)), 60_000)
        const read = (chunk: Buffer) => {
          output += chunk.toString('utf8')
          const line = output
            .split('\n')
            .find((candidate) => candidate.includes('"msg":"token server ready"'))
          if (line === undefined) return
          clearTimeout(timer)
          resolveReady(line)
        }
        child.stdout.on('data', read)
        child.stderr.on('data', read)
        child.once('exit', () => reject(new Error(`exited:\n${output}`)))
      })
      const issuer = (JSON.parse(ready) as { issuer: string }).issuer
      expect((await fetch(`${issuer}/readyz`)).status).toBe(200)
      expect(existsSync(hostPath(image, '/data/pipeshub.db')), 'the store is on the volume').toBe(true)

      const [healthcheck = '', ...healthArgs] = image.healthcheck?.command ?? []
      expect(healthcheck).toBe('node')
      const port = new URL(issuer).port
      const health = spawnSync(process.execPath, healthArgs, {
        cwd,
        env: { ...env, PIPESHUB_PORT: port },
        timeout: 30_000,
      })
      expect(health.status, health.stderr?.toString()).toBe(0)

      const created = spawnSync(
        process.execPath,
        ['apps/token-server/dist/cli.js', 'clients', 'create', '--name', 'image check', '--scope', 'kb:read'],
        { cwd, env, encoding: 'utf8', timeout: 30_000 },
      )
      expect(created.status, created.stderr).toBe(0)
      const clientId = /client_id:\s+(\S+)/.exec(created.stdout)?.[1]
      const clientSecret = /client_secret:\s+(\S+)/.exec(created.stdout)?.[1]
      expect(clientId && clientSecret, created.stdout).toBeTruthy()
      const token = await fetch(`${issuer}/api/v1/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=kb%3Aread',
      })
      const body = (await token.json()) as Record<string, unknown>
      expect(token.status, JSON.stringify(body)).toBe(200)
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'kb:read' })

      const exited = new Promise<number | null>((resolveExit) =>
        child.once('exit', (code) => resolveExit(code)),
      )
      child.kill('SIGTERM')
      expect(await exited, 'docker stop drains and exits 0').toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
