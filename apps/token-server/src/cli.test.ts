import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { verifySecret } from '@pipeshub/server'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, testConfig } from './app.js'
import { PACKAGE_ROOT } from './config.js'
import { tokenRequest } from './test-support/form-session.js'

const CLI = resolve(PACKAGE_ROOT, 'dist/cli.js')
let folder: string
let databaseFile: string

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'pipeshub-cli-'))
  databaseFile = join(folder, 'store.db')
})
afterAll(() => {
  rmSync(folder, { recursive: true, force: true })
})

function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', PIPESHUB_STORE: `sqlite:${databaseFile}`, ...options.env },
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function field(output: string, name: string): string {
  const match = new RegExp(`^${name}:\\s+(\\S+)$`, 'm').exec(output)
  if (!match?.[1]) throw new Error(`no ${name} in:\n${output}`)
  return match[1]
}

const ISSUER = 'http://token-server.test'

/** A token request to a token server on the CLI's SQLite file, for checking that what the CLI did takes effect. */
async function tokenFromCliStore(params: Record<string, string>, headers: Record<string, string> = {}) {
  const store = openSqliteStore({ path: databaseFile })
  const server = await createTokenServer({ config: testConfig(), store, issuer: ISSUER })
  try {
    const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
    return await tokenRequest(`${baseUrl}${server.paths.token}`, params, headers)
  } finally {
    await server.close()
  }
}

function clientCredentials(clientId: string, clientSecret: string) {
  return tokenFromCliStore(
    { grant_type: 'client_credentials' },
    { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
  )
}

/** client_credentials authenticated by a private_key_jwt assertion (RFC 7523) signed under `kid`. */
async function tokenWithClientAssertion(
  clientId: string,
  kid: string,
  privateKey: Parameters<SignJWT['sign']>[0],
) {
  const assertion = await new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(ISSUER)
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(privateKey)
  return tokenFromCliStore({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  })
}

describe('pipeshub-token-server CLI', () => {
  it('prints its usage with --help and exits 2 on an unknown command or option', () => {
    const help = cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: pipeshub-token-server <command>')
    const unknown = cli(['clients', 'explode'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command: clients explode')
    const badOption = cli(['clients', 'list', '--colour'])
    expect(badOption.code).toBe(2)
  })

  it('runs as the README writes it: `pnpm pipeshub-token-server <command>` from the repository root', () => {
    const pnpm = process.env.npm_execpath ?? 'pnpm'
    const command = pnpm.endsWith('.js') || pnpm.endsWith('.cjs') ? process.execPath : pnpm
    const args = command === process.execPath ? [pnpm] : []
    const result = spawnSync(command, [...args, 'pipeshub-token-server', 'clients', 'list', '--json'], {
      cwd: resolve(PACKAGE_ROOT, '../..'),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PIPESHUB_STORE: 'memory:' },
    })
    expect(result.status, result.stderr).toBe(0)
    // Standard output is the command's own (pnpm echoes the script on stderr).
    expect(JSON.parse(result.stdout)).toEqual([])
  })

  it('applies migrations with `migrate`', () => {
    const result = cli(['migrate'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`migrations applied to sqlite:${databaseFile}`)
  })

  it('creates a confidential client whose secret, shown once, gets a token', async () => {
    const created = cli(['clients', 'create', '--name', 'Reporting job', '--scope', 'org:read'])
    expect(created.code).toBe(0)
    const clientId = field(created.stdout, 'client_id')
    const clientSecret = field(created.stdout, 'client_secret')
    expect(clientSecret).toMatch(/^[0-9a-f]{64}$/)

    const listed = cli(['clients', 'list', '--json'])
    expect(listed.code).toBe(0)
    const clients = JSON.parse(listed.stdout) as Array<Record<string, unknown>>
    expect(clients).toContainEqual(
      expect.objectContaining({
        client_id: clientId,
        name: 'Reporting job',
        type: 'confidential',
        status: 'active',
        scopes: ['org:read'],
        web_origins: [],
      }),
    )
    expect(listed.stdout).not.toContain(clientSecret)

    const token = await clientCredentials(clientId, clientSecret)
    expect(token.status).toBe(200)
    expect(token.body.scope).toBe('org:read')
  })

  it('registers a private_key_jwt client from a --jwks file, which then authenticates with an assertion', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const jwksFile = join(folder, 'client-jwks.json')
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'cli-key' }] }))
    const created = cli([
      'clients',
      'create',
      '--name',
      'Keyed service',
      '--scope',
      'org:read',
      '--grant',
      'client_credentials',
      '--require-par',
      '--jwks',
      jwksFile,
      '--token-endpoint-auth-signing-alg',
      'ES256',
    ])
    expect(created.code).toBe(0)
    expect(created.stdout).not.toContain('client_secret')
    const clientId = field(created.stdout, 'client_id')
    const listed = JSON.parse(cli(['clients', 'list', '--json']).stdout) as Array<Record<string, unknown>>
    expect(listed.find((client) => client.client_id === clientId)).toMatchObject({
      type: 'confidential',
      token_endpoint_auth_method: 'private_key_jwt',
      require_pushed_authorization_requests: true,
    })

    const token = await tokenWithClientAssertion(clientId, 'cli-key', privateKey)
    expect(token.status).toBe(200)
    expect(token.body.scope).toBe('org:read')

    writeFileSync(jwksFile, JSON.stringify({ keys: [await exportJWK(privateKey)] }))
    const refused = cli([
      'clients',
      'create',
      '--name',
      'Leaky',
      '--grant',
      'client_credentials',
      '--jwks',
      jwksFile,
    ])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('jwks must hold public keys only')
  })

  it('registers a private_key_jwt client with --jwks-uri, whose keys the server fetches from there', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'published-key' }
    const jwks = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    )
    await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done))
    const jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`
    try {
      const refused = cli([
        'clients',
        'create',
        '--name',
        'x',
        '--grant',
        'client_credentials',
        '--jwks-uri',
        'http://rp.example/jwks',
      ])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('jwks_uri must be https')
      const created = cli([
        'clients',
        'create',
        '--name',
        'Publishing service',
        '--scope',
        'org:read',
        '--grant',
        'client_credentials',
        '--jwks-uri',
        jwksUri,
      ])
      expect(created.code).toBe(0)
      expect(created.stdout).not.toContain('client_secret')
      const clientId = field(created.stdout, 'client_id')
      const listed = JSON.parse(cli(['clients', 'list', '--json']).stdout) as Array<Record<string, unknown>>
      expect(listed.find((client) => client.client_id === clientId)).toMatchObject({
        type: 'confidential',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: jwksUri,
      })
      const token = await tokenWithClientAssertion(clientId, 'published-key', privateKey)
      expect(token.status).toBe(200)
      expect(token.body.scope).toBe('org:read')
    } finally {
      jwks.closeAllConnections()
      await new Promise((done) => jwks.close(done))
    }
  })

  it('registers a client whose token requests must carry a DPoP proof (RFC 9449 §5.2), and changes it', async () => {
    const created = cli([
      'clients',
      'create',
      '--name',
      'Bound service',
      '--grant',
      'client_credentials',
      '--scope',
      'org:read',
      '--dpop-bound-access-tokens',
      'true',
    ])
    expect(created.code).toBe(0)
    const clientId = field(created.stdout, 'client_id')
    const clientSecret = field(created.stdout, 'client_secret')
    const shown = () => JSON.parse(cli(['clients', 'show', clientId]).stdout) as Record<string, unknown>
    expect(shown().dpop_bound_access_tokens).toBe(true)
    const refused = await clientCredentials(clientId, clientSecret)
    expect(refused.status).toBe(400)
    expect(refused.body.error).toBe('invalid_dpop_proof')
    expect(cli(['clients', 'update', clientId, '--dpop-bound-access-tokens', 'false']).code).toBe(0)
    expect(shown().dpop_bound_access_tokens).toBe(false)
    expect((await clientCredentials(clientId, clientSecret)).status).toBe(200)
    const wrong = cli(['clients', 'update', clientId, '--dpop-bound-access-tokens', 'yes'])
    expect(wrong.code).toBe(2)
  })

  it('registers post-logout redirect URIs (RP-Initiated Logout §3.1), replaces them, and refuses an http one', () => {
    const created = cli([
      'clients',
      'create',
      '--name',
      'Web',
      '--redirect-uri',
      'https://web.example.com/cb',
      '--post-logout-redirect-uri',
      'https://web.example.com/bye',
    ])
    expect(created.code).toBe(0)
    const clientId = field(created.stdout, 'client_id')
    expect(JSON.parse(cli(['clients', 'show', clientId]).stdout).post_logout_redirect_uris).toEqual([
      'https://web.example.com/bye',
    ])
    const updated = cli([
      'clients',
      'update',
      clientId,
      '--post-logout-redirect-uri',
      'http://127.0.0.1:8080/bye',
    ])
    expect(JSON.parse(updated.stdout).post_logout_redirect_uris).toEqual(['http://127.0.0.1:8080/bye'])
    const refused = cli([
      'clients',
      'create',
      '--name',
      'Web',
      '--post-logout-redirect-uri',
      'http://web.example.com/bye',
    ])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('post-logout redirect URI http://web.example.com/bye must use https')
  })

  it('registers the web origins of a browser app, and refuses one that is not an origin', () => {
    const created = cli([
      'clients',
      'create',
      '--name',
      'SPA',
      '--public',
      '--redirect-uri',
      'https://app.example.com/cb',
      '--web-origin',
      'https://app.example.com',
      '--web-origin',
      'http://127.0.0.1:5173',
    ])
    expect(created.code).toBe(0)
    const clientId = field(created.stdout, 'client_id')
    const listed = JSON.parse(cli(['clients', 'list', '--json']).stdout) as Array<Record<string, unknown>>
    expect(listed.find((client) => client.client_id === clientId)?.web_origins).toEqual([
      'https://app.example.com',
      'http://127.0.0.1:5173',
    ])
    const refused = cli(['clients', 'create', '--name', 'SPA', '--web-origin', 'https://app.example.com/cb'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(
      'web origin https://app.example.com/cb must be scheme://host[:port] only',
    )
  })

  it('rotates a client secret: the new one works, the old one is invalid_client', async () => {
    const created = cli(['clients', 'create', '--name', 'Rotating', '--scope', 'org:read'])
    const clientId = field(created.stdout, 'client_id')
    const oldSecret = field(created.stdout, 'client_secret')
    const rotated = cli(['clients', 'rotate-secret', clientId])
    expect(rotated.code).toBe(0)
    const newSecret = field(rotated.stdout, 'client_secret')
    expect(newSecret).not.toBe(oldSecret)
    expect((await clientCredentials(clientId, newSecret)).status).toBe(200)
    const old = await clientCredentials(clientId, oldSecret)
    expect(old.status).toBe(401)
    expect(old.body.error).toBe('invalid_client')
  })

  it('revokes every token of a client through the same service as the app management API', async () => {
    const created = cli(['clients', 'create', '--name', 'Leaky', '--scope', 'org:read'])
    const clientId = field(created.stdout, 'client_id')
    const clientSecret = field(created.stdout, 'client_secret')
    const issued = await clientCredentials(clientId, clientSecret)
    const store = openSqliteStore({ path: databaseFile })
    const server = await createTokenServer({
      config: testConfig(),
      store,
      issuer: ISSUER,
    })
    try {
      const active = () =>
        server.authorizationServer
          .verifyAccessToken(String(issued.body.access_token), { audience: ISSUER })
          .then(
            () => true,
            () => false,
          )
      expect(await active()).toBe(true)
      const revoked = cli(['clients', 'revoke-tokens', clientId])
      expect([revoked.code, revoked.stdout.trim()]).toEqual([
        0,
        `client ${clientId}: every token revoked (0 grants)`,
      ])
      expect(await active()).toBe(false)
      expect(cli(['clients', 'revoke-tokens', 'no-such-client']).stderr.trim()).toBe(
        'pipeshub-token-server: no client no-such-client',
      )
    } finally {
      await server.close()
    }
  })

  it('disables a client so that it gets no more tokens, and enables it again with its settings', async () => {
    const created = cli(['clients', 'create', '--name', 'Retired', '--scope', 'org:read'])
    const clientId = field(created.stdout, 'client_id')
    const clientSecret = field(created.stdout, 'client_secret')
    const status = () =>
      (JSON.parse(cli(['clients', 'list', '--json']).stdout) as Array<Record<string, unknown>>).find(
        (client) => client.client_id === clientId,
      )
    const before = status()
    const disabled = cli(['clients', 'disable', clientId])
    expect(disabled.code).toBe(0)
    expect(status()?.status).toBe('disabled')
    const refused = await clientCredentials(clientId, clientSecret)
    expect(refused.status).toBe(401)
    expect(refused.body.error).toBe('invalid_client')

    const enabled = cli(['clients', 'enable', clientId])
    expect(enabled.code).toBe(0)
    expect(status()).toEqual(before)
    expect((await clientCredentials(clientId, clientSecret)).status).toBe(200)
    expect(cli(['clients', 'enable', '00000000-0000-4000-8000-000000000000']).code).toBe(1)
  })

  it('disables a user so that their refresh token fails, and enables them again', async () => {
    expect(
      cli(['users', 'create', '--username', 'carol', '--password-stdin'], {
        input: 'a long enough password\n',
      }).code,
    ).toBe(0)
    const created = cli([
      'clients',
      'create',
      '--name',
      'Carol app',
      '--grant',
      'authorization_code',
      '--grant',
      'refresh_token',
      '--redirect-uri',
      'http://127.0.0.1:9/callback',
      '--scope',
      'kb:read offline_access',
    ])
    const clientId = field(created.stdout, 'client_id')
    const clientSecret = field(created.stdout, 'client_secret')
    const store = openSqliteStore({ path: databaseFile })
    const server = await createTokenServer({
      config: testConfig(),
      store,
      issuer: ISSUER,
    })
    try {
      const carol = await store.users.findByUsername('carol')
      let refreshToken = await server.authorizationServer.issueRefreshToken({
        clientId,
        subject: carol?.subject ?? '',
        scope: ['kb:read', 'offline_access'],
      })
      const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
      const refresh = () =>
        tokenRequest(
          `${baseUrl}${server.paths.token}`,
          { grant_type: 'refresh_token', refresh_token: refreshToken },
          { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
        )
      const status = () =>
        (JSON.parse(cli(['users', 'list', '--json']).stdout) as Array<Record<string, unknown>>).find(
          (user) => user.username === 'carol',
        )
      expect(status()).toMatchObject({ status: 'active', can_sign_in: true })

      const disabled = cli(['users', 'disable', 'carol'])
      expect(disabled.code).toBe(0)
      expect(disabled.stdout.trim()).toBe('user carol disabled')
      expect(disabled.stderr).toContain('"event":"user_disabled"')
      expect(status()).toMatchObject({ status: 'disabled', can_sign_in: false })
      const refused = await refresh()
      expect(refused.status).toBe(400)
      expect(refused.body).toMatchObject({ error: 'invalid_grant' })

      expect(cli(['users', 'enable', 'carol']).code).toBe(0)
      expect(status()).toMatchObject({ status: 'active', can_sign_in: true })
      const refreshed = await refresh()
      expect(refreshed.status).toBe(200)
      refreshToken = String(refreshed.body.refresh_token)
      expect(refreshToken).not.toBe('undefined')
    } finally {
      await server.close()
    }
    const unknown = cli(['users', 'disable', 'nobody'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toBe('pipeshub-token-server: no user nobody')
  })

  it('fails with exit code 1 and one line for an unknown client', () => {
    const result = cli(['clients', 'rotate-secret', '00000000-0000-4000-8000-000000000000'])
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe('pipeshub-token-server: no client 00000000-0000-4000-8000-000000000000')
  })

  it('creates a user with a password read from standard input, stored as a slow hash', async () => {
    const created = cli(['users', 'create', '--username', 'bob', '--name', 'Bob', '--password-stdin'], {
      input: 'a long enough password\n',
    })
    expect(created.code).toBe(0)
    const store = openSqliteStore({ path: databaseFile })
    try {
      const user = await store.users.findByUsername('bob')
      expect(user?.passwordHash).toMatch(/^scrypt\$/)
      expect(await verifySecret('a long enough password', user?.passwordHash ?? '')).toBe(true)
    } finally {
      await store.close()
    }
    const duplicate = cli(['users', 'create', '--username', 'bob', '--password-stdin'], {
      input: 'another password',
    })
    expect(duplicate.code).toBe(1)
    expect(duplicate.stderr).toContain('a user named bob exists')
  })

  it('refuses user fields that could not be shown or typed: empty name, bad e-mail, spaces, control characters', () => {
    for (const args of [
      ['--username', 'dave', '--name', ''],
      ['--username', 'dave', '--name', '   '],
      ['--username', 'dave', '--email', ''],
      ['--username', 'dave', '--email', 'not an address'],
      ['--username', ' dave'],
      ['--username', 'da\u0001ve'],
      ['--username', 'x'.repeat(257)],
    ]) {
      const result = cli(['users', 'create', ...args, '--password-stdin'], {
        input: 'a long enough password',
      })
      expect(result.code, args.join(' ')).toBe(2)
    }
  })

  it('never takes a password from the command line', () => {
    const result = cli(['users', 'create', '--username', 'carol', '--password', 'on the command line'])
    expect(result.code).toBe(2)
    const missingFlag = cli(['users', 'create', '--username', 'carol'], { input: 'a long enough password' })
    expect(missingFlag.code).toBe(2)
    expect(missingFlag.stderr).toContain('pass --password-stdin')
  })

  // Each command is a process of its own: on a loaded machine these take a while.
  it('shows, updates (validating every value) and deletes a client', { timeout: 180_000 }, () => {
    const created = cli(['clients', 'create', '--name', 'Editable', '--scope', 'org:read'])
    const clientId = field(created.stdout, 'client_id')
    const shown = JSON.parse(cli(['clients', 'show', clientId]).stdout) as Record<string, unknown>
    expect(shown).toMatchObject({ client_id: clientId, name: 'Editable', scopes: ['org:read'] })
    expect(JSON.stringify(shown)).not.toContain('scrypt')

    const updated = cli([
      'clients',
      'update',
      clientId,
      '--name',
      'Edited',
      '--scope',
      'org:read kb:read',
      '--web-origin',
      'https://app.example.com',
      '--access-token-ttl',
      '900',
    ])
    expect(updated.code).toBe(0)
    expect(JSON.parse(updated.stdout)).toMatchObject({
      name: 'Edited',
      scopes: ['org:read', 'kb:read'],
      web_origins: ['https://app.example.com'],
      access_token_lifetime: 900,
    })
    const back = cli(['clients', 'update', clientId, '--access-token-ttl', 'default'])
    expect(JSON.parse(back.stdout)).toMatchObject({ access_token_lifetime: null, name: 'Edited' })

    for (const [args, message] of [
      [['--name', ''], 'name must be 1-200 characters'],
      [['--scope', 'no:such'], 'unknown scope no:such'],
      [['--access-token-ttl', '5'], 'accessTokenLifetime must be an integer between 300 and 86400'],
      [['--access-token-ttl', 'soon'], '--access-token-ttl must be a number of seconds or "default"'],
      [['--web-origin', 'https://app.example.com/path'], 'must be scheme://host[:port] only'],
      [['--redirect-uri', 'http://app.example.com/cb'], 'must use https'],
      [[], 'nothing to change'],
    ] as const) {
      const refused = cli(['clients', 'update', clientId, ...args])
      expect(refused.code, args.join(' ')).not.toBe(0)
      expect(refused.stderr, args.join(' ')).toContain(message)
    }
    // Nothing refused was stored.
    expect(JSON.parse(cli(['clients', 'show', clientId]).stdout)).toMatchObject({
      name: 'Edited',
      scopes: ['org:read', 'kb:read'],
    })
    expect(cli(['clients', 'delete', clientId]).code).toBe(0)
    const gone = cli(['clients', 'show', clientId])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain(`no client ${clientId}`)
  })

  it('lists users, replaces a password, lists and revokes consents, deletes a user', {
    timeout: 180_000,
  }, async () => {
    expect(
      cli(['users', 'create', '--username', 'dora', '--password-stdin'], { input: 'first password 1' }).code,
    ).toBe(0)
    const users = JSON.parse(cli(['users', 'list', '--json']).stdout) as Array<Record<string, unknown>>
    const dora = users.find((user) => user.username === 'dora')
    expect(dora).toMatchObject({ can_sign_in: true })
    expect(JSON.stringify(users)).not.toContain('scrypt')

    const short = cli(['users', 'set-password', 'dora', '--password-stdin'], { input: 'short' })
    expect(short.code).toBe(1)
    expect(short.stderr).toContain('at least 8 characters')
    expect(
      cli(['users', 'set-password', 'dora', '--password-stdin'], { input: 'second password 2' }).code,
    ).toBe(0)
    const client = field(
      cli(['clients', 'create', '--name', 'Consented', '--scope', 'org:read']).stdout,
      'client_id',
    )
    const store = openSqliteStore({ path: databaseFile })
    try {
      const user = await store.users.findByUsername('dora')
      expect(await verifySecret('second password 2', user?.passwordHash ?? '')).toBe(true)
      await store.consents.put({
        subject: String(dora?.subject),
        clientId: client,
        scope: ['org:read'],
        resources: ['https://mcp.example/mcp'],
        grantedAt: 1,
      })
    } finally {
      await store.close()
    }
    const consents = JSON.parse(cli(['consents', 'list', 'dora', '--json']).stdout) as Array<
      Record<string, unknown>
    >
    expect(consents).toEqual([
      expect.objectContaining({
        client_id: client,
        scope: 'org:read',
        resources: ['https://mcp.example/mcp'],
      }),
    ])
    expect(cli(['consents', 'list', 'dora']).stdout).toContain(`${client}  org:read  https://mcp.example/mcp`)
    expect(cli(['consents', 'revoke', 'dora', client]).code).toBe(0)
    expect(cli(['consents', 'list', 'dora']).stdout).toContain('No consents of dora.')
    const again = cli(['consents', 'revoke', 'dora', client])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('has no consent')

    expect(cli(['users', 'delete', 'dora']).code).toBe(0)
    const missing = cli(['users', 'delete', 'dora'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no user dora')
  })

  it('rotates signing keys: the new key is published next to the current one', async () => {
    const store = openSqliteStore({ path: databaseFile })
    const before = (await store.signingKeys.list()).length
    await store.close()
    const rotated = cli(['keys', 'rotate'])
    expect(rotated.code).toBe(0)
    // One new key per algorithm in use, the access-token algorithm first.
    const lines = rotated.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^new ES256 key \S+: published now, signs from /)
    for (const line of lines)
      expect(line).toMatch(/^new (ES256|EdDSA|RS256) key \S+: published now, signs from /)
    const after = openSqliteStore({ path: databaseFile })
    try {
      expect((await after.signingKeys.list()).length).toBe(before + lines.length)
    } finally {
      await after.close()
    }
  })

  it('stops with one line per configuration problem and exit code 1, without a stack trace', () => {
    const result = cli(['clients', 'list'], {
      env: { PIPESHUB_PORT: 'eighty', PIPESHUB_SIGNING_ALG: 'HS256' },
    })
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual([
      'pipeshub-token-server: configuration: PIPESHUB_PORT="eighty": must be an integer from 0 to 65535',
      'pipeshub-token-server: configuration: PIPESHUB_SIGNING_ALG="HS256": must be one of ES256, EdDSA, RS256',
    ])
  })
})
