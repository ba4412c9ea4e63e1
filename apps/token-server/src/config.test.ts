import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  accountClientsOf,
  CONFIG_ENV,
  ConfigError,
  DEFAULT_CONFIG,
  demoEnabled,
  issuerFor,
  loadConfig,
  PACKAGE_ROOT,
  sqlitePath,
} from './config.js'

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig({ env })
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('uses the documented defaults when no variable is set', () => {
    expect(loadConfig({ env: {} })).toEqual(DEFAULT_CONFIG)
    expect(DEFAULT_CONFIG.host).toBe('127.0.0.1')
    expect(DEFAULT_CONFIG.port).toBe(8787)
    expect(DEFAULT_CONFIG.store).toBe('sqlite:./data/pipeshub.db')
  })

  it('reads every PIPESHUB_* variable with its type', () => {
    const config = loadConfig({
      env: {
        PIPESHUB_ISSUER: 'https://auth.example.com/',
        PIPESHUB_HOST: '0.0.0.0',
        PIPESHUB_PORT: '9000',
        PIPESHUB_STORE: 'postgres://root@127.0.0.1:5432/test',
        PIPESHUB_ACCESS_TOKEN_TTL: '900',
        PIPESHUB_REFRESH_TOKEN_TTL: '7200',
        PIPESHUB_REFRESH_TOKEN_REUSE_INTERVAL: '0',
        PIPESHUB_CODE_TTL: '120',
        PIPESHUB_PAR_TTL: '90',
        PIPESHUB_DEVICE_CODE_TTL: '900',
        PIPESHUB_DEVICE_POLLING_INTERVAL: '10',
        PIPESHUB_REQUIRE_PUSHED_AUTHORIZATION_REQUESTS: 'true',
        PIPESHUB_DPOP_REQUIRE_NONCE: 'true',
        PIPESHUB_SIGNING_ALG: 'EdDSA',
        PIPESHUB_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
        PIPESHUB_LOG_LEVEL: 'debug',
        PIPESHUB_RATE_LIMIT_TOKEN: '50',
        PIPESHUB_RATE_LIMIT_LOGIN: '5',
        PIPESHUB_RATE_LIMIT_CLIENT_AUTH_FAILURES: '7',
        PIPESHUB_RATE_LIMIT_CLIENT_AUTH_FAILURES_TOTAL: '70',
        PIPESHUB_RATE_LIMIT_USER_CODE_FAILURES_TOTAL: '40',
        PIPESHUB_REDIS_URL: 'redis://127.0.0.1:6379',
        PIPESHUB_REDIS_KEY_PREFIX: 'oauth:',
        PIPESHUB_REDIS_COMMAND_TIMEOUT_MS: '750',
        PIPESHUB_HEADERS_TIMEOUT_MS: '2000',
        PIPESHUB_REQUEST_TIMEOUT_MS: '4000',
        PIPESHUB_IDLE_TIMEOUT_MS: '3000',
        PIPESHUB_KEEP_ALIVE_TIMEOUT_MS: '1000',
        PIPESHUB_MAX_CONNECTIONS: '64',
        PIPESHUB_SEED_DEMO: 'false',
        PIPESHUB_KEY_ROTATION_DAYS: '7',
        PIPESHUB_INTROSPECTION_CLIENTS: ' rs-1, rs-2 ,,',
        PIPESHUB_ACCOUNT_CLIENT_IDS: 'web-app, cli',
        PIPESHUB_ADMINISTRATORS: 'alice,ops-admin',
        PIPESHUB_REGISTRATION: 'true',
        PIPESHUB_REGISTRATION_INITIAL_ACCESS_TOKENS: 'initial-access-token-1',
        PIPESHUB_RATE_LIMIT_REGISTRATION: '3',
        PIPESHUB_MCP_RESOURCE: 'https://api.example.com/mcp',
        PIPESHUB_RESOURCES:
          '[{"resource":"https://api.example.com/mcp","scopes":["kb:read"],"accessTokenLifetime":600}]',
      },
    })
    expect(config).toEqual({
      issuer: 'https://auth.example.com/',
      host: '0.0.0.0',
      port: 9000,
      store: 'postgres://root@127.0.0.1:5432/test',
      accessTokenTtl: 900,
      refreshTokenTtl: 7200,
      refreshTokenReuseInterval: 0,
      codeTtl: 120,
      parTtl: 90,
      deviceCodeTtl: 900,
      devicePollingInterval: 10,
      requirePushedAuthorizationRequests: true,
      dpopRequireNonce: true,
      signingAlg: 'EdDSA',
      trustProxy: '10.0.0.0/8, 127.0.0.1',
      logLevel: 'debug',
      logFormat: 'auto',
      rateLimitToken: 50,
      rateLimitLogin: 5,
      rateLimitClientAuthFailures: 7,
      rateLimitClientAuthFailuresTotal: 70,
      rateLimitUserCodeFailuresTotal: 40,
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: 'oauth:',
      redisCommandTimeoutMs: 750,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      idleTimeoutMs: 3000,
      keepAliveTimeoutMs: 1000,
      maxConnections: 64,
      seedDemo: false,
      keyRotationDays: 7,
      shutdownDelay: 0,
      metricsHost: '127.0.0.1',
      introspectionClients: ['rs-1', 'rs-2'],
      accountClients: ['web-app', 'cli'],
      administrators: ['alice', 'ops-admin'],
      resources: [{ resource: 'https://api.example.com/mcp', scopes: ['kb:read'], accessTokenLifetime: 600 }],
      registration: true,
      registrationInitialAccessTokens: ['initial-access-token-1'],
      rateLimitRegistration: 3,
      mcpResource: 'https://api.example.com/mcp',
    })
    expect(issuerFor(config)).toBe('https://auth.example.com')
  })

  it('makes the frontend client an account client automatically, and names none by default', () => {
    expect(accountClientsOf(loadConfig({ env: {} }))).toEqual([])
    const frontend = loadConfig({
      env: {
        PIPESHUB_FRONTEND_URL: 'https://app.example.com',
        PIPESHUB_FRONTEND_CLIENT_ID: 'frontend',
        PIPESHUB_ACCOUNT_CLIENT_IDS: 'cli',
      },
    })
    expect(accountClientsOf(frontend)).toEqual(['cli', 'frontend'])
    expect(accountClientsOf({ accountClients: ['frontend'], frontendClientId: 'frontend' })).toEqual([
      'frontend',
    ])
    expect(problemsOf({ PIPESHUB_ACCOUNT_CLIENT_IDS: 'a b' })).toEqual([
      expect.stringMatching(/PIPESHUB_ACCOUNT_CLIENT_IDS=.*comma-separated list of client ids/),
    ])
  })

  it('takes the frontend URL and its client together, or neither', () => {
    const both = loadConfig({
      env: { PIPESHUB_FRONTEND_URL: 'https://app.example.com', PIPESHUB_FRONTEND_CLIENT_ID: 'frontend' },
    })
    expect(both).toMatchObject({ frontendUrl: 'https://app.example.com', frontendClientId: 'frontend' })
    expect(problemsOf({ PIPESHUB_FRONTEND_URL: 'https://app.example.com' })).toEqual([
      expect.stringMatching(/PIPESHUB_FRONTEND_URL and PIPESHUB_FRONTEND_CLIENT_ID go together/),
    ])
    expect(
      problemsOf({ PIPESHUB_FRONTEND_URL: 'https://app.example.com/?x', PIPESHUB_FRONTEND_CLIENT_ID: 'f' }),
    ).toEqual([expect.stringMatching(/PIPESHUB_FRONTEND_URL=.*without query/)])
  })

  it('turns demo data on for a loopback issuer only, unless asked for explicitly', () => {
    expect(loadConfig({ env: {} }).seedDemo).toBe('loopback')
    for (const issuer of ['http://127.0.0.1:8787', 'http://localhost:3000', 'http://[::1]:8787'])
      expect(demoEnabled({ seedDemo: 'loopback' }, issuer)).toBe(true)
    for (const issuer of ['https://auth.example.com', 'http://10.0.0.5:8787', 'http://127.example.com'])
      expect(demoEnabled({ seedDemo: 'loopback' }, issuer)).toBe(false)
    expect(demoEnabled({ seedDemo: true }, 'https://auth.example.com')).toBe(true)
    expect(demoEnabled({ seedDemo: false }, 'http://127.0.0.1:8787')).toBe(false)
  })

  it('reports one line per invalid variable, naming the variable and its value', () => {
    const problems = problemsOf({
      PIPESHUB_PORT: 'eighty',
      PIPESHUB_SIGNING_ALG: 'HS256',
      PIPESHUB_ACCESS_TOKEN_TTL: '10',
      PIPESHUB_STORE: 'mysql://db',
      PIPESHUB_SEED_DEMO: 'maybe',
      PIPESHUB_ISSUER: 'ftp://x',
      PIPESHUB_KEY_ROTATION_DAYS: '-1',
    })
    expect(problems).toEqual([
      'PIPESHUB_ISSUER="ftp://x": must be an http(s) URL without query or fragment',
      'PIPESHUB_PORT="eighty": must be an integer from 0 to 65535',
      'PIPESHUB_STORE="mysql://db": must be sqlite:<path>, postgres://user@host:port/database or memory:',
      'PIPESHUB_ACCESS_TOKEN_TTL="10": must be an integer from 300 to 86400',
      'PIPESHUB_SIGNING_ALG="HS256": must be one of ES256, EdDSA, RS256',
      'PIPESHUB_SEED_DEMO="maybe": must be true, false or loopback',
      'PIPESHUB_KEY_ROTATION_DAYS="-1": must be an integer from 0 to 3650',
    ])
  })

  it('refuses an introspection client id with a space or control character', () => {
    expect(problemsOf({ PIPESHUB_INTROSPECTION_CLIENTS: 'rs-1,rs 2' })).toEqual([
      'PIPESHUB_INTROSPECTION_CLIENTS="rs-1,rs 2": must be a comma-separated list of client ids (printable ASCII, no spaces)',
    ])
  })

  it('reads a JSON file named by PIPESHUB_CONFIG, with variables taking precedence', () => {
    const folder = mkdtempSync(join(tmpdir(), 'pipeshub-config-'))
    const file = join(folder, 'config.json')
    writeFileSync(file, JSON.stringify({ port: 7000, logLevel: 'warn', seedDemo: false }))
    const config = loadConfig({ env: { PIPESHUB_CONFIG: file, PIPESHUB_PORT: '7001' } })
    expect(config.port).toBe(7001)
    expect(config.logLevel).toBe('warn')
    expect(config.seedDemo).toBe(false)
  })

  it('rejects unknown settings, wrong types and unreadable files in PIPESHUB_CONFIG', () => {
    const folder = mkdtempSync(join(tmpdir(), 'pipeshub-config-'))
    const file = join(folder, 'config.json')
    writeFileSync(file, JSON.stringify({ prot: 1, port: '8080' }))
    expect(problemsOf({ PIPESHUB_CONFIG: file })).toEqual([
      `PIPESHUB_CONFIG (${file}): unknown setting "prot" (did you mean "port"?) (known: ${Object.keys(CONFIG_ENV).join(', ')})`,
      `${file}: "port": must be an integer from 0 to 65535`,
    ])
    writeFileSync(file, '{ not json')
    expect(problemsOf({ PIPESHUB_CONFIG: file })).toEqual([`PIPESHUB_CONFIG (${file}): not valid JSON`])
    expect(problemsOf({ PIPESHUB_CONFIG: join(folder, 'absent.json') })).toEqual([
      `PIPESHUB_CONFIG (${join(folder, 'absent.json')}): file not found`,
    ])
  })

  it('warns about a mistyped PIPESHUB_* variable, naming the closest known one', () => {
    const warnings: string[] = []
    const config = loadConfig({
      env: {
        PIPESHUB_PROT: '9000',
        PIPESHUB_ACCES_TOKEN_TTL: '900',
        PIPESHUB_TTL_CODE: '60',
        PIPESHUB_FROBNICATE: '1',
        PIPESHUB_TEST_DATABASE_URL: 'postgres://x/y',
        PIPESHUB_PORT: '9001',
        NOT_OURS: 'x',
      },
      onWarning: (warning) => warnings.push(warning),
    })
    expect(config.port).toBe(9001)
    expect(warnings).toEqual([
      'PIPESHUB_ACCES_TOKEN_TTL is not a setting of the token server (ignored); did you mean PIPESHUB_ACCESS_TOKEN_TTL?',
      'PIPESHUB_FROBNICATE is not a setting of the token server (ignored); see the README for the PIPESHUB_* variables',
      'PIPESHUB_PROT is not a setting of the token server (ignored); did you mean PIPESHUB_PORT?',
      'PIPESHUB_TTL_CODE is not a setting of the token server (ignored); did you mean PIPESHUB_CODE_TTL?',
    ])
  })

  it('names PIPESHUB_TRUST_PROXY when an entry is no address or range (not "invalid IP address")', () => {
    expect(problemsOf({ PIPESHUB_TRUST_PROXY: '10.0.0.0/8, banana' })).toEqual([
      'PIPESHUB_TRUST_PROXY="10.0.0.0/8, banana": "banana" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal',
    ])
    expect(problemsOf({ PIPESHUB_TRUST_PROXY: '10.0.0.0/33' })[0]).toContain('"10.0.0.0/33" is not')
    const accepted = loadConfig({
      env: { PIPESHUB_TRUST_PROXY: 'loopback, 10.0.0.0/8, 192.168.0.0/255.255.0.0, ::1, fd00::/8' },
    })
    expect(accepted.trustProxy).toBe('loopback, 10.0.0.0/8, 192.168.0.0/255.255.0.0, ::1, fd00::/8')
  })

  it('resolves a relative SQLite path against the package folder, not the working directory', () => {
    expect(sqlitePath('sqlite:./data/pipeshub.db')).toBe(join(PACKAGE_ROOT, 'data', 'pipeshub.db'))
    expect(sqlitePath('sqlite:/var/lib/pipeshub.db')).toBe('/var/lib/pipeshub.db')
    expect(sqlitePath('postgres://x/y')).toBeUndefined()
  })

  it('derives the issuer from host and port when none is configured', () => {
    expect(issuerFor(DEFAULT_CONFIG)).toBe('http://127.0.0.1:8787')
    expect(issuerFor({ ...DEFAULT_CONFIG, host: '::1' }, 9999)).toBe('http://[::1]:9999')
  })
})

describe('PIPESHUB_RESOURCES', () => {
  it('refuses text that is not JSON, a relative or fragment resource, and a resource named twice', () => {
    for (const value of [
      'https://api.example.com/mcp',
      '[{"resource":"/mcp"}]',
      '[{"resource":"https://api.example.com/mcp#x"}]',
      '[{"resource":"https://a.example/"},{"resource":"https://a.example/"}]',
      '[{"resource":"https://a.example/","accessTokenLifetime":30}]',
    ]) {
      expect(() => loadConfig({ env: { PIPESHUB_RESOURCES: value } }), value).toThrow(/PIPESHUB_RESOURCES=/)
    }
  })
})
