import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAX_RESOURCE_INDICATOR_LENGTH, RESOURCE_INDICATOR_PATTERN } from '@pipeshub/models'
import Type, { type Static } from 'typebox'
import { Check } from 'typebox/schema'
import { closestName, unknownVariableWarnings } from './config-warnings.js'

/** The package folder (apps/token-server), so that defaults do not depend on the working directory. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Default store: an SQLite file in the package's (gitignored) data folder. */
export const DEFAULT_STORE = 'sqlite:./data/pipeshub.db'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** The validated configuration of one token-server process. */
export const TokenServerConfigSchema = Type.Object(
  {
    issuer: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s?#]+$',
        description:
          'Issuer identifier (the `iss` of every token): an http(s) URL without query or fragment.',
      }),
    ),
    host: Type.String({ minLength: 1, description: 'Interface to listen on.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, description: 'TCP port; 0 picks a free one.' }),
    store: Type.String({
      pattern: '^(sqlite:.+|postgres(ql)?://.+|memory:)$',
      description: '`sqlite:<path>` (relative to the package folder), `postgres://...` or `memory:`.',
    }),
    accessTokenTtl: Type.Integer({ minimum: 300, maximum: 86400, description: 'Access token lifetime, s.' }),
    refreshTokenTtl: Type.Integer({
      minimum: 3600,
      maximum: 31536000,
      description: 'Refresh token lifetime, s.',
    }),
    refreshTokenReuseInterval: Type.Integer({
      minimum: 0,
      maximum: 300,
      description:
        'Seconds a confidential client may retry a refresh with the token it already rotated (lost answer); 0 turns it off.',
    }),
    codeTtl: Type.Integer({ minimum: 30, maximum: 600, description: 'Authorization code lifetime, s.' }),
    parTtl: Type.Integer({
      minimum: 5,
      maximum: 600,
      description: 'Lifetime of a pushed authorization request_uri (RFC 9126 expires_in), s.',
    }),
    deviceCodeTtl: Type.Integer({
      minimum: 60,
      maximum: 3600,
      description: 'Lifetime of a device code and its user code (RFC 8628 §3.2 expires_in), s.',
    }),
    devicePollingInterval: Type.Integer({
      minimum: 1,
      maximum: 60,
      description: 'Seconds a device waits between polls (RFC 8628 §3.2 interval); slow_down adds 5.',
    }),
    requirePushedAuthorizationRequests: Type.Boolean({
      description: 'RFC 9126: refuse authorization requests that were not pushed (every client).',
    }),
    dpopRequireNonce: Type.Boolean({
      description:
        'RFC 9449 §8: every DPoP proof must carry a nonce of this server (use_dpop_nonce, DPoP-Nonce).',
    }),
    signingAlg: Type.Union([Type.Literal('ES256'), Type.Literal('EdDSA'), Type.Literal('RS256')]),
    trustProxy: Type.Union([Type.Boolean(), Type.Integer({ minimum: 1 }), Type.String({ minLength: 1 })], {
      description:
        'Fastify trustProxy: false, true, a hop count, or a comma-separated list of addresses/CIDRs.',
    }),
    logLevel: Type.Union([
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ]),
    logFormat: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
      description: 'auto: pretty on a terminal, JSON otherwise.',
    }),
    rateLimitToken: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      description: 'Token requests per minute per client id (or per IP without one).',
    }),
    rateLimitLogin: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      description: 'Login attempts (POST) per minute per IP.',
    }),
    rateLimitClientAuthFailures: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      description:
        'Failed client authentications per minute per IP (token, revocation, introspection), refused before any secret is hashed.',
    }),
    rateLimitClientAuthFailuresTotal: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      description: 'Failed client authentications per minute from all sources together.',
    }),
    rateLimitUserCodeFailuresTotal: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      description:
        'RFC 8628 §5.1: unknown user codes entered at the device verification page per minute, from all sources together.',
    }),
    redisUrl: Type.Optional(
      Type.String({
        pattern: '^rediss?://.+$',
        description: 'Redis holding the rate-limit counters shared by every instance (`redis://host:6379`).',
      }),
    ),
    redisKeyPrefix: Type.String({ minLength: 1, maxLength: 100, description: 'Prefix of the Redis keys.' }),
    redisCommandTimeoutMs: Type.Integer({
      minimum: 10,
      maximum: 60000,
      description: 'How long a request waits for Redis before its limit is counted per instance instead.',
    }),
    headersTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 600000,
      description: 'Milliseconds a client has to send the request headers.',
    }),
    requestTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 600000,
      description: 'Milliseconds a client has to send the whole request (headers and body).',
    }),
    idleTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 600000,
      description: 'Milliseconds a connection may stay silent (a body trickling slower than this is cut).',
    }),
    keepAliveTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 600000,
      description: 'Milliseconds an idle keep-alive connection is kept open for the next request.',
    }),
    maxConnections: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      description: 'Open connections at most; further connections are closed at once.',
    }),
    maxConnectionsPerAddress: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000000,
        description:
          'Open connections at most from one client address, so that one source cannot take every slot; 0 turns it off. Default: 128, or off when trustProxy is set (connections then come from the proxy).',
      }),
    ),
    seedDemo: Type.Union([Type.Boolean(), Type.Literal('loopback')], {
      description:
        'Create demo clients and a demo user on an empty store (and serve /demo/callback): `loopback` only when the issuer is a loopback address, `true` always.',
    }),
    shutdownDelay: Type.Integer({
      minimum: 0,
      maximum: 300,
      description:
        'Seconds between readiness turning 503 and the listener closing at shutdown, so that load balancers stop sending first.',
    }),
    keyRotationDays: Type.Integer({
      minimum: 0,
      maximum: 3650,
      description: 'Days between scheduled signing-key rotations; 0 turns the schedule off.',
    }),
    metricsPort: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65535,
        description:
          'Serve /metrics on its own listener at this port (on metricsHost) instead of the public one.',
      }),
    ),
    metricsHost: Type.String({ minLength: 1, description: 'Interface of the metrics listener.' }),
    introspectionClients: Type.Array(Type.String({ minLength: 1, pattern: '^[\\x21-\\x7E]+$' }), {
      maxItems: 1000,
      description:
        'Client ids of resource servers that may introspect any access token (RFC 7662 section 4); other clients only their own tokens.',
    }),
    accountClients: Type.Array(Type.String({ minLength: 1, pattern: '^[\\x21-\\x7E]+$' }), {
      maxItems: 1000,
      description:
        "Client ids whose end-user access tokens may manage the user's account (personal access tokens, the apps they allowed); the frontend client is one always.",
    }),
    administrators: Type.Array(Type.String({ minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7E]+$' }), {
      maxItems: 1000,
      description:
        "Usernames of the organisation's administrators: only they may grant admin-only scopes (org:admin, ...) and manage OAuth apps.",
    }),
    resources: Type.Array(
      Type.Object(
        {
          resource: Type.String({
            pattern: RESOURCE_INDICATOR_PATTERN,
            maxLength: MAX_RESOURCE_INDICATOR_LENGTH,
            description: 'The resource indicator clients send (RFC 8707): absolute URI, no fragment.',
          }),
          scopes: Type.Optional(
            Type.Array(Type.String({ pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' }), {
              description: 'Scopes a token for the resource may carry (identity scopes always).',
            }),
          ),
          accessTokenLifetime: Type.Optional(
            Type.Integer({ minimum: 60, maximum: 86400, description: 'Access token lifetime for it, s.' }),
          ),
        },
        { additionalProperties: false },
      ),
      {
        maxItems: 100,
        description:
          'Resource servers clients may name with RFC 8707 `resource`: each token for them carries them as `aud`.',
      },
    ),
    registration: Type.Boolean({
      description: 'Dynamic client registration (RFC 7591/7592) at <prefix>/oauth2/register.',
    }),
    registrationInitialAccessTokens: Type.Array(Type.String({ minLength: 16, pattern: '^[\\x21-\\x7E]+$' }), {
      maxItems: 100,
      description:
        'Initial access tokens that registration needs (RFC 7591 section 3); none: open registration.',
    }),
    rateLimitRegistration: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      description: 'Registration endpoint requests per minute per IP.',
    }),
    mcpResource: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s#]+$',
        maxLength: MAX_RESOURCE_INDICATOR_LENGTH,
        description:
          "PipesHub's MCP server (`<backend>/mcp`): its RFC 9728 metadata is published and tokens may name it as `resource`.",
      }),
    ),
    mcpResourceDocumentation: Type.Optional(
      Type.String({ pattern: '^https?://[^\\s#]+$', description: 'The MCP server documentation URL.' }),
    ),
    frontendUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s?#]+$',
        description:
          "PipesHub's frontend: login and consent happen there, driven by the authorization endpoint's JSON answers, instead of this server's pages.",
      }),
    ),
    frontendClientId: Type.Optional(
      Type.String({
        minLength: 1,
        pattern: '^[\\x21-\\x7E]+$',
        description:
          "The frontend's own client: the user's session with the frontend is an access token of this client carrying openid.",
      }),
    ),
  },
  { additionalProperties: false },
)

export type TokenServerConfig = Static<typeof TokenServerConfigSchema>
type ConfigKey = keyof TokenServerConfig

export const DEFAULT_CONFIG: TokenServerConfig = {
  host: '127.0.0.1',
  port: 8787,
  store: DEFAULT_STORE,
  accessTokenTtl: 3600,
  refreshTokenTtl: 30 * 24 * 3600,
  refreshTokenReuseInterval: 30,
  codeTtl: 600,
  parTtl: 60,
  deviceCodeTtl: 600,
  devicePollingInterval: 5,
  requirePushedAuthorizationRequests: false,
  dpopRequireNonce: false,
  signingAlg: 'ES256',
  trustProxy: false,
  logLevel: 'info',
  logFormat: 'auto',
  rateLimitToken: 600,
  rateLimitLogin: 20,
  rateLimitClientAuthFailures: 20,
  rateLimitClientAuthFailuresTotal: 300,
  rateLimitUserCodeFailuresTotal: 100,
  redisKeyPrefix: 'pipeshub:rate-limit:',
  redisCommandTimeoutMs: 500,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
  seedDemo: 'loopback',
  shutdownDelay: 0,
  keyRotationDays: 30,
  metricsHost: '127.0.0.1',
  introspectionClients: [],
  accountClients: [],
  administrators: [],
  resources: [],
  registration: false,
  registrationInitialAccessTokens: [],
  rateLimitRegistration: 10,
}

type ValueKind = 'string' | 'integer' | 'boolean' | 'trustProxy' | 'list' | 'json'

/** Environment variable of each key, and how its text is read. */
export const CONFIG_ENV: Record<ConfigKey, { env: string; kind: ValueKind; doc: string }> = {
  issuer: { env: 'PIPESHUB_ISSUER', kind: 'string', doc: 'http://<host>:<port>' },
  host: { env: 'PIPESHUB_HOST', kind: 'string', doc: '127.0.0.1' },
  port: { env: 'PIPESHUB_PORT', kind: 'integer', doc: '8787' },
  store: { env: 'PIPESHUB_STORE', kind: 'string', doc: DEFAULT_STORE },
  accessTokenTtl: { env: 'PIPESHUB_ACCESS_TOKEN_TTL', kind: 'integer', doc: '3600' },
  refreshTokenTtl: { env: 'PIPESHUB_REFRESH_TOKEN_TTL', kind: 'integer', doc: '2592000' },
  refreshTokenReuseInterval: { env: 'PIPESHUB_REFRESH_TOKEN_REUSE_INTERVAL', kind: 'integer', doc: '30' },
  codeTtl: { env: 'PIPESHUB_CODE_TTL', kind: 'integer', doc: '600' },
  parTtl: { env: 'PIPESHUB_PAR_TTL', kind: 'integer', doc: '60' },
  deviceCodeTtl: { env: 'PIPESHUB_DEVICE_CODE_TTL', kind: 'integer', doc: '600' },
  devicePollingInterval: { env: 'PIPESHUB_DEVICE_POLLING_INTERVAL', kind: 'integer', doc: '5' },
  requirePushedAuthorizationRequests: {
    env: 'PIPESHUB_REQUIRE_PUSHED_AUTHORIZATION_REQUESTS',
    kind: 'boolean',
    doc: 'false',
  },
  dpopRequireNonce: { env: 'PIPESHUB_DPOP_REQUIRE_NONCE', kind: 'boolean', doc: 'false' },
  signingAlg: { env: 'PIPESHUB_SIGNING_ALG', kind: 'string', doc: 'ES256' },
  trustProxy: { env: 'PIPESHUB_TRUST_PROXY', kind: 'trustProxy', doc: 'false' },
  logLevel: { env: 'PIPESHUB_LOG_LEVEL', kind: 'string', doc: 'info' },
  logFormat: { env: 'PIPESHUB_LOG_FORMAT', kind: 'string', doc: 'auto' },
  rateLimitToken: { env: 'PIPESHUB_RATE_LIMIT_TOKEN', kind: 'integer', doc: '600' },
  rateLimitLogin: { env: 'PIPESHUB_RATE_LIMIT_LOGIN', kind: 'integer', doc: '20' },
  rateLimitClientAuthFailures: {
    env: 'PIPESHUB_RATE_LIMIT_CLIENT_AUTH_FAILURES',
    kind: 'integer',
    doc: '20',
  },
  rateLimitClientAuthFailuresTotal: {
    env: 'PIPESHUB_RATE_LIMIT_CLIENT_AUTH_FAILURES_TOTAL',
    kind: 'integer',
    doc: '300',
  },
  rateLimitUserCodeFailuresTotal: {
    env: 'PIPESHUB_RATE_LIMIT_USER_CODE_FAILURES_TOTAL',
    kind: 'integer',
    doc: '100',
  },
  redisUrl: { env: 'PIPESHUB_REDIS_URL', kind: 'string', doc: '' },
  redisKeyPrefix: { env: 'PIPESHUB_REDIS_KEY_PREFIX', kind: 'string', doc: 'pipeshub:rate-limit:' },
  redisCommandTimeoutMs: { env: 'PIPESHUB_REDIS_COMMAND_TIMEOUT_MS', kind: 'integer', doc: '500' },
  headersTimeoutMs: { env: 'PIPESHUB_HEADERS_TIMEOUT_MS', kind: 'integer', doc: '10000' },
  requestTimeoutMs: { env: 'PIPESHUB_REQUEST_TIMEOUT_MS', kind: 'integer', doc: '30000' },
  idleTimeoutMs: { env: 'PIPESHUB_IDLE_TIMEOUT_MS', kind: 'integer', doc: '10000' },
  keepAliveTimeoutMs: { env: 'PIPESHUB_KEEP_ALIVE_TIMEOUT_MS', kind: 'integer', doc: '5000' },
  maxConnections: { env: 'PIPESHUB_MAX_CONNECTIONS', kind: 'integer', doc: '1024' },
  maxConnectionsPerAddress: {
    env: 'PIPESHUB_MAX_CONNECTIONS_PER_ADDRESS',
    kind: 'integer',
    doc: '128 (off with PIPESHUB_TRUST_PROXY)',
  },
  seedDemo: { env: 'PIPESHUB_SEED_DEMO', kind: 'boolean', doc: 'loopback' },
  shutdownDelay: { env: 'PIPESHUB_SHUTDOWN_DELAY', kind: 'integer', doc: '0' },
  keyRotationDays: { env: 'PIPESHUB_KEY_ROTATION_DAYS', kind: 'integer', doc: '30' },
  metricsPort: { env: 'PIPESHUB_METRICS_PORT', kind: 'integer', doc: '' },
  metricsHost: { env: 'PIPESHUB_METRICS_HOST', kind: 'string', doc: '127.0.0.1' },
  introspectionClients: { env: 'PIPESHUB_INTROSPECTION_CLIENTS', kind: 'list', doc: '' },
  accountClients: { env: 'PIPESHUB_ACCOUNT_CLIENT_IDS', kind: 'list', doc: '' },
  administrators: { env: 'PIPESHUB_ADMINISTRATORS', kind: 'list', doc: '' },
  resources: { env: 'PIPESHUB_RESOURCES', kind: 'json', doc: '[]' },
  registration: { env: 'PIPESHUB_REGISTRATION', kind: 'boolean', doc: 'false' },
  registrationInitialAccessTokens: {
    env: 'PIPESHUB_REGISTRATION_INITIAL_ACCESS_TOKENS',
    kind: 'list',
    doc: '',
  },
  rateLimitRegistration: { env: 'PIPESHUB_RATE_LIMIT_REGISTRATION', kind: 'integer', doc: '10' },
  mcpResource: { env: 'PIPESHUB_MCP_RESOURCE', kind: 'string', doc: '' },
  mcpResourceDocumentation: { env: 'PIPESHUB_MCP_RESOURCE_DOCUMENTATION', kind: 'string', doc: '' },
  frontendUrl: { env: 'PIPESHUB_FRONTEND_URL', kind: 'string', doc: '' },
  frontendClientId: { env: 'PIPESHUB_FRONTEND_CLIENT_ID', kind: 'string', doc: '' },
}

/** Invalid configuration: one line per problem, each naming where the value came from. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`)
    this.problems = problems
  }
}

function readEnvValue(text: string, kind: ValueKind): unknown {
  const trimmed = text.trim()
  switch (kind) {
    case 'integer':
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(trimmed)) return true
      if (/^(false|0|no|off)$/i.test(trimmed)) return false
      return trimmed
    case 'trustProxy':
      if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true'
      if (/^\d+$/.test(trimmed)) return Number(trimmed)
      return trimmed
    case 'json':
      try {
        return JSON.parse(trimmed) as unknown
      } catch {
        // Not JSON: left as text, which the schema refuses with the setting's own message.
        return trimmed
      }
    case 'list':
      return trimmed
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
    default:
      return trimmed
  }
}

const KEYS = Object.keys(CONFIG_ENV) as ConfigKey[]
/** Every variable the token server reads. */
export const KNOWN_VARIABLES: readonly string[] = [
  'PIPESHUB_CONFIG',
  ...KEYS.map((key) => CONFIG_ENV[key].env),
]

/**
 * The first entry of a `trustProxy` list that proxy-addr (Fastify's trustProxy) would refuse with
 * `invalid IP address`, which would not name the setting: addresses, `address/prefix` or
 * `address/netmask`, and proxy-addr's names for the reserved ranges.
 */
function invalidProxyEntry(list: string): string | undefined {
  for (const entry of list.split(',').map((part) => part.trim())) {
    if (entry === '') continue
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) continue
    const [address = '', range, ...rest] = entry.split('/')
    const version = isIP(address)
    if (version === 0 || rest.length > 0) return entry
    if (range === undefined) continue
    const bits = version === 4 ? 32 : 128
    const prefixOk = /^\d{1,3}$/.test(range) && Number(range) <= bits
    if (!prefixOk && !(version === 4 && isIP(range) === 4)) return entry
  }
  return undefined
}
const OPTIONAL_KEYS = new Set<ConfigKey>([
  'issuer',
  'redisUrl',
  'metricsPort',
  'maxConnectionsPerAddress',
  'mcpResource',
  'mcpResourceDocumentation',
  'frontendUrl',
  'frontendClientId',
])
// Each setting is checked on its own: a problem per setting, however many a union reports, and no cap
// on the number of settings reported. The configuration is read once per process, so TypeBox's
// interpreting `Check` serves: compiling ~40 validators (and loading the compiler) cost about 30 ms of
// CPU at every start.

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv
  /**
   * Told about `PIPESHUB_*` variables that name no setting (with the closest known name): a typo is
   * never silently ignored, yet other tools' variables do not stop the start.
   */
  onWarning?: (warning: string) => void
  /** Values that win over everything else (command-line flags). */
  overrides?: Partial<TokenServerConfig>
}

/**
 * Reads the configuration: defaults, then the JSON file named by `PIPESHUB_CONFIG`, then `PIPESHUB_*`
 * variables, then overrides. Throws `ConfigError` listing every problem; never a partial result.
 */
export function loadConfig(options: LoadConfigOptions = {}): TokenServerConfig {
  const env = options.env ?? process.env
  const problems: string[] = []
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG }
  const origin: Record<string, string> = {}

  const file = env.PIPESHUB_CONFIG?.trim()
  if (file) {
    const path = isAbsolute(file) ? file : resolve(process.cwd(), file)
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`PIPESHUB_CONFIG (${file}): must contain a JSON object`)
      } else {
        for (const [key, value] of Object.entries(parsed)) {
          if (!KEYS.includes(key as ConfigKey)) {
            const closest = closestName(key, KEYS)
            problems.push(
              `PIPESHUB_CONFIG (${file}): unknown setting "${key}"${closest === undefined ? '' : ` (did you mean "${closest}"?)`} (known: ${KEYS.join(', ')})`,
            )
            continue
          }
          merged[key] = value
          origin[key] = `${file}: "${key}"`
        }
      }
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON'
      problems.push(`PIPESHUB_CONFIG (${file}): ${reason}`)
    }
  }

  for (const warning of unknownVariableWarnings(env, KNOWN_VARIABLES)) options.onWarning?.(warning)
  for (const key of KEYS) {
    const { env: name, kind } = CONFIG_ENV[key]
    const text = env[name]
    if (text === undefined || text.trim() === '') continue
    merged[key] = readEnvValue(text, kind)
    origin[key] = `${name}=${JSON.stringify(text)}`
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue
    merged[key] = value
    origin[key] = `--${key}`
  }

  for (const key of KEYS) {
    if (merged[key] === undefined && OPTIONAL_KEYS.has(key)) continue
    if (!Check(TokenServerConfigSchema.properties[key], merged[key]))
      problems.push(`${origin[key] ?? key}: ${describeExpected(key)}`)
    else if (key === 'trustProxy' && typeof merged[key] === 'string') {
      const wrong = invalidProxyEntry(merged[key])
      if (wrong !== undefined)
        problems.push(
          `${origin[key] ?? key}: "${wrong}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`,
        )
    }
  }
  // The frontend's consent JSON is answered only to the frontend's own client: without it named, any
  // app holding an openid token of the user could approve requests in the user's name.
  if ((merged.frontendUrl === undefined) !== (merged.frontendClientId === undefined))
    problems.push(
      `${origin.frontendUrl ?? origin.frontendClientId ?? 'frontendUrl'}: PIPESHUB_FRONTEND_URL and PIPESHUB_FRONTEND_CLIENT_ID go together`,
    )
  const resources = merged.resources as Array<{ resource?: unknown }> | undefined
  if (Array.isArray(resources) && new Set(resources.map((r) => r?.resource)).size !== resources.length) {
    problems.push(`${origin.resources ?? 'resources'}: ${describeExpected('resources')}`)
  }
  if (problems.length > 0 || !Check(TokenServerConfigSchema, merged)) throw new ConfigError(problems)
  return merged as TokenServerConfig
}

function describeExpected(key: ConfigKey): string {
  const schema = TokenServerConfigSchema.properties[key] as unknown as Record<string, unknown>
  switch (key) {
    case 'signingAlg':
      return 'must be one of ES256, EdDSA, RS256'
    case 'logLevel':
      return `must be one of ${LOG_LEVELS.join(', ')}`
    case 'logFormat':
      return 'must be one of auto, json, pretty'
    case 'trustProxy':
      return 'must be true, false, a hop count or a comma-separated list of addresses'
    case 'seedDemo':
      return 'must be true, false or loopback'
    case 'registration':
      return 'must be true or false'
    case 'registrationInitialAccessTokens':
      return 'must be a comma-separated list of tokens of at least 16 printable ASCII characters'
    case 'store':
      return 'must be sqlite:<path>, postgres://user@host:port/database or memory:'
    case 'issuer':
      return 'must be an http(s) URL without query or fragment'
    case 'redisUrl':
      return 'must be a redis:// or rediss:// URL'
    case 'mcpResource':
    case 'mcpResourceDocumentation':
      return 'must be an http(s) URL without fragment'
    case 'frontendUrl':
      return 'must be an http(s) URL without query or fragment'
    case 'frontendClientId':
      return 'must be a client id (printable ASCII, no spaces)'
    case 'introspectionClients':
    case 'accountClients':
      return 'must be a comma-separated list of client ids (printable ASCII, no spaces)'
    case 'administrators':
      return 'must be a comma-separated list of usernames (printable ASCII, no spaces)'
    case 'resources':
      return 'must be a JSON array of {"resource": "<absolute URI, no fragment>", "scopes"?: [...], "accessTokenLifetime"?: 60-86400}, each resource once'
    default:
      if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') {
        return `must be an integer from ${schema.minimum} to ${schema.maximum}`
      }
      return 'must be a non-empty string'
  }
}

/** The configured account clients and, in frontend-consent mode, the frontend's own client. */
export function accountClientsOf(
  config: Pick<TokenServerConfig, 'accountClients' | 'frontendClientId'>,
): string[] {
  const { accountClients, frontendClientId } = config
  return frontendClientId === undefined || accountClients.includes(frontendClientId)
    ? [...accountClients]
    : [...accountClients, frontendClientId]
}

/** The issuer: configured, or derived from where the server listens. */
export function issuerFor(config: TokenServerConfig, port: number = config.port): string {
  if (config.issuer) return config.issuer.replace(/\/+$/, '')
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  return `http://${host}:${port}`
}

/**
 * Whether the demo data and its callback page are on: demo secrets are printed to the console, so by
 * default only for an issuer on a loopback address (a developer's machine), unless asked for with `true`.
 */
export function demoEnabled(config: Pick<TokenServerConfig, 'seedDemo'>, issuer: string): boolean {
  if (config.seedDemo !== 'loopback') return config.seedDemo
  const host = new URL(issuer).hostname
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
}

/** Resolves `sqlite:<path>` relative to the package folder (not the working directory). */
export function sqlitePath(store: string): string | undefined {
  if (!store.startsWith('sqlite:')) return undefined
  const path = store.slice('sqlite:'.length)
  if (path === ':memory:') return path
  return isAbsolute(path) ? path : resolve(PACKAGE_ROOT, path)
}

/** `fastify({ trustProxy })` wants a list, not a comma-separated string. */
export function fastifyTrustProxy(value: TokenServerConfig['trustProxy']): boolean | number | string[] {
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
  }
  return value
}
