import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '@pipeshub/test-support/postgres'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openConfiguredStore } from './store.js'
import { killStartedMains, MAIN, startMain } from './test-support/main-process.js'

let folder: string

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'pipeshub-main-'))
})
afterEach(() => {
  killStartedMains()
})
afterAll(() => {
  rmSync(folder, { recursive: true, force: true })
})

describe('node dist/main.js', () => {
  it('seeds demo data once on an empty store and prints a curl whose token verifies against the JWKS', async () => {
    const store = `sqlite:${join(folder, 'seeded.db')}`
    const first = await startMain({ PIPESHUB_STORE: store })
    await first.waitFor('The callback page shows the curl')
    const banner = first.output()
    expect(banner).toContain(`Discovery:              ${first.issuer}/.well-known/openid-configuration`)
    expect(banner).toMatch(/password: +\S{12,}/)
    expect(banner).toContain('code_challenge_method=S256')
    expect(banner).toMatch(/PKCE code_verifier: +[A-Za-z0-9_-]{43}/)

    // The printed curl, replayed: `-u 'id:secret'`, two `-d` fields, the endpoint.
    const credentials = /curl -s -u '([^':]+):([^']+)'/.exec(banner)
    const endpoint = /^ {4}(http:\/\/\S+\/oauth2\/token)$/m.exec(banner)?.[1] ?? ''
    expect(credentials).not.toBeNull()
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${credentials?.[1]}:${credentials?.[2]}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=org:read user:read',
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { access_token: string; token_type: string }
    expect(body.token_type).toBe('Bearer')
    const jwks = createRemoteJWKSet(new URL(`${first.issuer}/.well-known/jwks.json`))
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, { issuer: first.issuer })
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' })
    expect(payload.client_id).toBe(credentials?.[1])

    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    // Standard output is JSON lines only (the banner went to stderr), one line per request.
    const lines = first.stdout().trim().split('\n')
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    expect(first.stdout()).not.toContain('Discovery:')
    const tokenLines = lines
      .map((line) => JSON.parse(line) as { msg?: string; req?: { url?: string } })
      .filter((entry) => entry.req?.url === '/api/v1/oauth2/token')
    expect(tokenLines.map((entry) => entry.msg)).toEqual(['request completed'])

    const second = await startMain({ PIPESHUB_STORE: store })
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
    expect(second.output()).not.toContain('demo data created')
  })

  it('does not seed with --no-demo or PIPESHUB_SEED_DEMO=false', async () => {
    const byEnv = await startMain({
      PIPESHUB_STORE: `sqlite:${join(folder, 'plain.db')}`,
      PIPESHUB_SEED_DEMO: 'false',
    })
    byEnv.child.kill('SIGINT')
    expect(await byEnv.exited).toBe(0)
    expect(byEnv.output()).not.toContain('demo data created')
    const byFlag = await startMain({ PIPESHUB_STORE: `sqlite:${join(folder, 'plain-flag.db')}` }, [
      '--no-demo',
    ])
    byFlag.child.kill('SIGINT')
    expect(await byFlag.exited).toBe(0)
    expect(byFlag.output()).not.toContain('demo data created')
  })

  it('prints the demo credentials as soon as they are stored: a start that fails after seeding still shows them, and the next start serves them', async () => {
    // Seeded and then failed (the port is taken) is the deterministic case of a kill between the seed
    // and the banner: the store is no longer empty, so no later start would show those secrets.
    const store = `sqlite:${join(folder, 'port-taken.db')}`
    const taken = createServer()
    await new Promise<void>((resolveListen) => taken.listen({ host: '127.0.0.1', port: 0 }, resolveListen))
    const { port } = taken.address() as AddressInfo
    let failed: SpawnSyncReturns<string>
    try {
      failed = spawnSync(process.execPath, [MAIN], {
        cwd: tmpdir(),
        encoding: 'utf8',
        timeout: 30_000,
        env: { PATH: process.env.PATH ?? '', PIPESHUB_STORE: store, PIPESHUB_PORT: String(port) },
      })
    } finally {
      await new Promise((resolveClose) => taken.close(resolveClose))
    }
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain(`cannot listen on PIPESHUB_HOST=127.0.0.1 PIPESHUB_PORT=${port}`)
    expect(failed.stderr).toContain('demo data created')
    const credentials = /curl -s -u '([^':]+):([^']+)'/.exec(failed.stderr)
    expect(credentials).not.toBeNull()

    const next = await startMain({ PIPESHUB_STORE: store })
    const response = await fetch(`${next.issuer}/api/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${credentials?.[1]}:${credentials?.[2]}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=org:read',
    })
    expect(response.status).toBe(200)
    next.child.kill('SIGTERM')
    expect(await next.exited).toBe(0)
    expect(next.output()).not.toContain('demo data created')
  })

  it('seeds no demo data for an issuer that is not a loopback address, unless asked for', async () => {
    const store = `sqlite:${join(folder, 'public-issuer.db')}`
    const quiet = await startMain({ PIPESHUB_STORE: store, PIPESHUB_ISSUER: 'https://auth.example.com' })
    quiet.child.kill('SIGTERM')
    expect(await quiet.exited).toBe(0)
    expect(quiet.output()).not.toContain('demo data created')
    const asked = await startMain({
      PIPESHUB_STORE: store,
      PIPESHUB_ISSUER: 'https://auth.example.com',
      PIPESHUB_SEED_DEMO: 'true',
    })
    await asked.waitFor('The callback page shows the curl')
    asked.child.kill('SIGTERM')
    expect(await asked.exited).toBe(0)
  })

  it('seeds once when two instances start together on an empty PostgreSQL schema: one prints, both serve', async () => {
    const schema = uniqueSchema('token_server_seed')
    const store = `${TEST_DATABASE_URL}?schema=${schema}`
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        await dropSchema(schema)
        const both = await Promise.all([
          startMain({ PIPESHUB_STORE: store }),
          startMain({ PIPESHUB_STORE: store }),
        ])
        // The banner is printed before "ready", so the seeding instance has printed it by now.
        await Promise.race(both.map((one) => one.waitFor('The callback page shows the curl')))
        for (const one of both) one.child.kill('SIGTERM')
        expect(await Promise.all(both.map((one) => one.exited))).toEqual([0, 0])
        expect(both.filter((one) => one.output().includes('demo data created'))).toHaveLength(1)
        const opened = await openConfiguredStore({ store })
        try {
          expect(await opened.clients.list()).toHaveLength(2)
          expect(await opened.users.list()).toHaveLength(1)
        } finally {
          await opened.close()
        }
      }
    } finally {
      await dropSchema(schema)
    }
  })

  it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const started = await startMain({
      PIPESHUB_STORE: `sqlite:${join(folder, 'graceful.db')}`,
      PIPESHUB_SEED_DEMO: 'false',
      // The request's first line ("incoming request") is a debug line: the one at info comes at its end.
      PIPESHUB_LOG_LEVEL: 'debug',
    })
    const { port } = new URL(started.issuer)
    const body = 'grant_type=client_credentials&client_id=nobody&client_secret=nothing-at-all-here'
    const socket = connect({ host: '127.0.0.1', port: Number(port) })
    let response = ''
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString('utf8')
    })
    const closed = new Promise<void>((resolveClose) => socket.once('close', () => resolveClose()))
    await new Promise<void>((resolveConnect) => socket.once('connect', () => resolveConnect()))
    // Headers and half of the body: the request is in flight until the rest arrives.
    socket.write(
      `POST /api/v1/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 20)}`,
    )
    await started.waitFor('"url":"/api/v1/oauth2/token"')

    started.child.kill('SIGTERM')
    await started.waitFor('shutting down: finishing in-flight requests')
    socket.write(body.slice(20))
    await closed
    expect(response).toMatch(/^HTTP\/1\.1 401 /)
    expect(response).toContain('"error":"invalid_client"')
    expect(await started.exited).toBe(0)
    expect(started.output()).toContain('"msg":"stopped"')
  })

  it('serves /metrics on its own listener with PIPESHUB_METRICS_PORT, and warns about a mistyped variable', async () => {
    const started = await startMain({
      PIPESHUB_STORE: 'memory:',
      PIPESHUB_SEED_DEMO: 'false',
      PIPESHUB_METRICS_PORT: '0',
      PIPESHUB_PROT: '1',
    })
    // A mistyped variable is not silently ignored.
    expect(started.output()).toContain(
      'pipeshub-token-server: configuration: warning: PIPESHUB_PROT is not a setting of the token server (ignored); did you mean PIPESHUB_PORT?',
    )
    const line = started
      .output()
      .split('\n')
      .find((entry) => entry.includes('"msg":"metrics listener ready"'))
    const url = (JSON.parse(line ?? '{}') as { url?: string }).url ?? ''
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    const scraped = await fetch(url)
    expect(scraped.status).toBe(200)
    expect(await scraped.text()).toContain('# TYPE pipeshub_http_requests_total counter')
    expect((await fetch(`${started.issuer}/metrics`)).status).toBe(404)
    started.child.kill('SIGTERM')
    expect(await started.exited).toBe(0)
  })

  it('drains with PIPESHUB_SHUTDOWN_DELAY: readiness 503 at once, requests still served, then the listener closes', async () => {
    const started = await startMain({
      PIPESHUB_STORE: 'memory:',
      PIPESHUB_SEED_DEMO: 'false',
      PIPESHUB_SHUTDOWN_DELAY: '3',
    })
    expect((await fetch(`${started.issuer}/readyz`)).status).toBe(200)
    const signalled = Date.now()
    started.child.kill('SIGTERM')
    await started.waitFor('"msg":"draining: readiness is 503, closing the listener after the delay"')
    // The load balancer's next probe sees 503; traffic it still sends is answered.
    expect((await fetch(`${started.issuer}/readyz`)).status).toBe(503)
    const discovery = await fetch(`${started.issuer}/.well-known/openid-configuration`)
    expect(discovery.status).toBe(200)
    expect(await started.exited).toBe(0)
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(3000)
    await expect(fetch(`${started.issuer}/healthz`)).rejects.toThrow()
  })

  it('stops with one line per configuration problem and exit code 1', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', PIPESHUB_PORT: '99999', PIPESHUB_LOG_LEVEL: 'loud' },
    })
    expect(result.status).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual([
      'pipeshub-token-server: configuration: PIPESHUB_PORT="99999": must be an integer from 0 to 65535',
      'pipeshub-token-server: configuration: PIPESHUB_LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent',
    ])
  })
})
