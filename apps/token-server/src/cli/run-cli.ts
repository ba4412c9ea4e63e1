import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  type AppManagement,
  type ClientJwks,
  createAuthorizationServer,
  type GrantType,
  hashSecret,
  OAuthError,
  registerClient,
  type SecurityEvent,
  type Store,
} from '@pipeshub/server'
import { ConfigError, issuerFor, loadConfig, PACKAGE_ROOT, type TokenServerConfig } from '../config.js'
import { createLogger, logSecurityEvent } from '../logging.js'
import { describeStore, openConfiguredStore } from '../store.js'
import {
  changeClient,
  clientView,
  deleteUser,
  listConsents,
  listUsers,
  revokeConsent,
  setPassword,
  showClient,
} from './admin-commands.js'

const USAGE = `Usage: pipeshub-token-server <command> [options]

Commands:
  clients create --name <name> [--public] [--redirect-uri <uri>]... [--web-origin <origin>]...
                 [--post-logout-redirect-uri <uri>]... [--grant <type>]... [--scope "<a b>"] [--require-par]
                 [--jwks <file> | --jwks-uri <url> [--token-endpoint-auth-signing-alg <alg>]]
                 [--dpop-bound-access-tokens true]
                                  Register a client; prints its id and (confidential) secret once.
                                  --require-par: its authorization requests must be pushed (RFC 9126)
                                  --jwks: a JWK Set file of its public keys; it gets no secret and
                                  authenticates with private_key_jwt (RFC 7523), optionally pinned
                                  to one algorithm
                                  --jwks-uri: where the client publishes that JWK Set instead
                                  (https; http only on loopback), fetched when it authenticates,
                                  so it rotates its keys without re-registering
                                  --web-origin: origin of a browser app (https://app.example.com)
                                  the token, revocation and userinfo endpoints answer CORS for
                                  --dpop-bound-access-tokens true: every token request of the client
                                  must carry a DPoP proof (RFC 9449 §5.2)
                                  --post-logout-redirect-uri: where the logout endpoint may send the
                                  browser back (OpenID Connect RP-Initiated Logout), exact match
  clients list [--json]           List clients (with scopes, redirect URIs, web origins)
  clients show <client_id>        Print one client as JSON
  clients update <client_id> [--name <name>] [--redirect-uri <uri>]... [--web-origin <origin>]...
                 [--post-logout-redirect-uri <uri>]...
                 [--scope "<a b>"] [--access-token-ttl <s>|default] [--refresh-token-ttl <s>|default]
                 [--dpop-bound-access-tokens true|false]
                                  Change a client; a repeated option replaces the whole list
  clients delete <client_id>      Delete a client; its grants are revoked and its tokens stop verifying
  clients disable <client_id>     Disable a client: it fails authentication (invalid_client) and its
                                  tokens stop being active; its settings are kept
  clients enable <client_id>      Enable a disabled client again
  clients rotate-secret <client_id>
                                  Replace a confidential client's secret; prints the new one once
  clients revoke-tokens <client_id>
                                  Revoke every token of a client: its grants, and every access token
                                  issued until now (client_credentials ones too)
  users create --username <name> --password-stdin [--name <full name>] [--email <address>]
                                  Create an end-user; the password is read from standard input
  users list [--json]             List end-users
  users set-password <username> --password-stdin
                                  Replace a user's password (read from standard input)
  users disable <username>        Disable an end-user: they cannot sign in, their refresh tokens and
                                  codes fail (invalid_grant), their access tokens stop being active
  users enable <username>         Enable a disabled end-user again
  users delete <username>         Delete an end-user
  consents list <username> [--json]
                                  The consents a user gave, per client
  consents revoke <username> <client_id>
                                  Forget a consent: the client's next request asks again
  keys rotate                     Publish a new signing key; it signs after the publication delay
  migrate                         Apply pending store migrations and exit

Options:
  -h, --help                      Show this help
  --version                       Print the version

Configuration comes from the same PIPESHUB_* variables as the server (PIPESHUB_STORE above all).
Exit codes: 0 success, 1 failure, 2 usage error.`

/** A mistake in the command line: the message, then the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  readStdin: () => string
  env: NodeJS.ProcessEnv
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  readStdin: () => readFileSync(0, 'utf8'),
  env: process.env,
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  public: { type: 'boolean' },
  'redirect-uri': { type: 'string', multiple: true },
  'web-origin': { type: 'string', multiple: true },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  grant: { type: 'string', multiple: true },
  scope: { type: 'string' },
  username: { type: 'string' },
  email: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'require-par': { type: 'boolean' },
  jwks: { type: 'string' },
  'jwks-uri': { type: 'string' },
  'token-endpoint-auth-signing-alg': { type: 'string' },
  'access-token-ttl': { type: 'string' },
  'refresh-token-ttl': { type: 'string' },
  'dpop-bound-access-tokens': { type: 'string' },
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values']

async function withStore<T>(config: TokenServerConfig, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(config)
  try {
    return await body(store)
  } finally {
    await store.close()
  }
}

/** `--dpop-bound-access-tokens true|false`; `undefined` when not given. */
function dpopBoundOption(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  if (value === 'true' || value === 'false') return value === 'true'
  throw new UsageError('--dpop-bound-access-tokens must be true or false')
}

function requireArgument(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing ${what}`)
  return value
}

/** A JWK Set file, parsed; the registration checks its keys. */
function readJwksFile(path: string): ClientJwks {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new UsageError(`cannot read the --jwks file ${path}`)
  }
  try {
    return JSON.parse(text) as ClientJwks
  } catch {
    throw new UsageError(`the --jwks file ${path} is not JSON`)
  }
}

async function clientsCreate(config: TokenServerConfig, values: Values, io: CliIo): Promise<void> {
  const name = requireArgument(values.name, '--name')
  const scopes = values.scope?.split(' ').filter((scope) => scope !== '')
  const jwks = values.jwks === undefined ? undefined : readJwksFile(values.jwks)
  const jwksUri = values['jwks-uri']
  if (jwks !== undefined && jwksUri !== undefined)
    throw new UsageError('give --jwks or --jwks-uri, not both (RFC 7591 §2)')
  if (jwks === undefined && jwksUri === undefined && values['token-endpoint-auth-signing-alg'] !== undefined)
    throw new UsageError('--token-endpoint-auth-signing-alg needs --jwks or --jwks-uri')
  const registered = await withStore(config, (store) =>
    registerClient(store, {
      name,
      public: values.public === true,
      redirectUris: values['redirect-uri'] ?? [],
      webOrigins: values['web-origin'] ?? [],
      postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
      ...(values.grant ? { grantTypes: values.grant as GrantType[] } : {}),
      ...(scopes ? { scopes } : {}),
      requirePushedAuthorizationRequests: values['require-par'] === true,
      ...(jwks === undefined ? {} : { jwks }),
      ...(jwksUri === undefined ? {} : { jwksUri }),
      ...(values['token-endpoint-auth-signing-alg'] === undefined
        ? {}
        : { tokenEndpointAuthSigningAlg: values['token-endpoint-auth-signing-alg'] }),
      dpopBoundAccessTokens: dpopBoundOption(values['dpop-bound-access-tokens']) === true,
    }),
  )
  io.stdout(`client_id:      ${registered.client.clientId}`)
  if (registered.clientSecret !== undefined) {
    io.stdout(`client_secret:  ${registered.clientSecret}`)
    io.stdout('Store the secret now: it is shown once and only its hash is kept.')
  }
  io.stdout(`grant_types:    ${registered.client.grantTypes.join(' ')}`)
}

async function clientsList(config: TokenServerConfig, values: Values, io: CliIo): Promise<void> {
  const clients = await withStore(config, (store) => store.clients.list())
  const rows = clients.sort((a, b) => a.createdAt - b.createdAt).map(clientView)
  if (values.json) {
    io.stdout(JSON.stringify(rows, null, 2))
    return
  }
  if (rows.length === 0) {
    io.stdout('No clients.')
    return
  }
  for (const row of rows) {
    io.stdout(`${row.client_id}  ${row.type.padEnd(12)}  ${row.status.padEnd(8)}  ${row.name}`)
  }
}

/** Security events of a command (client disabled, key rotated) as JSON entries on stderr, like the server's. */
function securityEvents(io: CliIo): (event: SecurityEvent) => void {
  const log = createLogger({
    level: 'info',
    format: 'json',
    destination: { write: (line: string) => io.stderr(line.trimEnd()) },
  })
  return (event) => logSecurityEvent(log, event)
}

/**
 * Runs an operation of the app management service (the same layer as `/api/v1/oauth-clients`) on the
 * configured store; its "no app" answer is the CLI's "no client".
 */
async function withApps<T>(
  config: TokenServerConfig,
  clientId: string,
  io: CliIo,
  body: (apps: AppManagement) => Promise<T>,
): Promise<T> {
  return withStore(config, async (store) => {
    const server = createAuthorizationServer({
      issuer: issuerFor(config),
      store,
      onSecurityEvent: securityEvents(io),
    })
    try {
      return await body(server.appManagement)
    } catch (error) {
      if (error instanceof OAuthError && error.status === 404) throw new Error(`no client ${clientId}`)
      if (error instanceof OAuthError) throw new Error(`client ${clientId}: ${error.errorDescription}`)
      throw error
    }
  })
}

async function clientsSetDisabled(
  config: TokenServerConfig,
  clientId: string,
  disabled: boolean,
  io: CliIo,
): Promise<void> {
  await withApps(config, clientId, io, (apps) =>
    disabled ? apps.suspend(clientId) : apps.activate(clientId),
  )
  io.stdout(`client ${clientId} ${disabled ? 'disabled' : 'enabled'}`)
}

async function usersSetDisabled(
  config: TokenServerConfig,
  username: string,
  disabled: boolean,
  io: CliIo,
): Promise<void> {
  await withStore(config, async (store) => {
    const user = await store.users.findByUsername(username)
    if (user === undefined) throw new Error(`no user ${username}`)
    const server = createAuthorizationServer({
      issuer: issuerFor(config),
      store,
      onSecurityEvent: securityEvents(io),
    })
    const known = disabled ? await server.disableUser(user.subject) : await server.enableUser(user.subject)
    if (!known) throw new Error(`no user ${username}`)
  })
  io.stdout(`user ${username} ${disabled ? 'disabled' : 'enabled'}`)
}

async function clientsRotateSecret(config: TokenServerConfig, clientId: string, io: CliIo): Promise<void> {
  const { clientSecret } = await withApps(config, clientId, io, (apps) => apps.regenerateSecret(clientId))
  io.stdout(`client_id:      ${clientId}`)
  io.stdout(`client_secret:  ${clientSecret}`)
  io.stdout('The previous secret no longer works. Store this one now: it is shown once.')
}

async function clientsRevokeTokens(config: TokenServerConfig, clientId: string, io: CliIo): Promise<void> {
  const { revokedGrants } = await withApps(config, clientId, io, (apps) => apps.revokeAllTokens(clientId))
  io.stdout(`client ${clientId}: every token revoked (${revokedGrants} grants)`)
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL = /[\x00-\x1F\x7F]/

/**
 * A user's fields as the login form and the UserInfo answer need them: a username one can type (1-256
 * characters, no surrounding spaces, no control character), an optional name (1-200) and an e-mail
 * address of the form local@domain. Anything else is refused here rather than stored.
 */
function checkUserFields(values: Values): { username: string; name: string | null; email: string | null } {
  const username = requireArgument(values.username, '--username')
  if (username !== username.trim()) throw new UsageError('--username must not start or end with a space')
  if (username.length > 256 || CONTROL.test(username))
    throw new UsageError('--username must be 1-256 characters without control characters')
  const name = values.name ?? null
  if (name !== null && (name.trim() === '' || name.length > 200 || CONTROL.test(name)))
    throw new UsageError('--name must be 1-200 characters without control characters')
  const email = values.email ?? null
  if (email !== null && (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)))
    throw new UsageError('--email must be an address of the form local@domain')
  return { username, name, email }
}

async function usersCreate(config: TokenServerConfig, values: Values, io: CliIo): Promise<void> {
  const { username, name, email } = checkUserFields(values)
  if (!values['password-stdin']) {
    throw new UsageError('the password is read from standard input: pass --password-stdin')
  }
  const password = io.readStdin().replace(/\r?\n$/, '')
  if (password.length < 8) throw new Error('the password needs at least 8 characters')
  const subject = randomUUID()
  await withStore(config, async (store) => {
    if (await store.users.findByUsername(username)) throw new Error(`a user named ${username} exists`)
    await store.users.create({
      subject,
      username,
      passwordHash: await hashSecret(password),
      name,
      email,
      emailVerified: false,
      createdAt: Math.floor(Date.now() / 1000),
    })
  })
  io.stdout(`user ${username} created (sub ${subject})`)
}

async function keysRotate(config: TokenServerConfig, io: CliIo): Promise<void> {
  // The same rotation policy as the server's: publication delay, retention after the last token.
  const keys = await withStore(config, (store) =>
    createAuthorizationServer({
      issuer: issuerFor(config),
      store,
      signingAlgorithm: config.signingAlg,
      accessTokenLifetime: config.accessTokenTtl,
      onSecurityEvent: securityEvents(io),
    }).rotateSigningKeys(),
  )
  for (const key of keys) {
    io.stdout(
      `new ${key.alg} key ${key.kid}: published now, signs from ${new Date(key.activatesAt * 1000).toISOString()}`,
    )
  }
}

/** `--access-token-ttl 600` (seconds), or `default` for the server's default; the library checks bounds. */
function lifetimeOption(value: string | undefined, flag: string): number | null | undefined {
  if (value === undefined) return undefined
  if (value === 'default') return null
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`${flag} must be a number of seconds or "default"`)
  return Number(value)
}

function printJson(io: CliIo, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2))
}

function readPassword(values: Values, io: CliIo): string {
  if (!values['password-stdin']) {
    throw new UsageError('the password is read from standard input: pass --password-stdin')
  }
  return io.readStdin().replace(/\r?\n$/, '')
}

/** Runs one command; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let parsed: { values: Values; positionals: string[] }
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    io.stderr(`pipeshub-token-server: ${(error as Error).message}`)
    io.stderr(USAGE)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.stdout(USAGE)
    return 0
  }
  if (values.version) {
    const manifest = JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { version: string }
    io.stdout(manifest.version)
    return 0
  }
  try {
    const config = loadConfig({
      env: io.env,
      onWarning: (warning) => io.stderr(`pipeshub-token-server: configuration: warning: ${warning}`),
    })
    const [group, command, argument] = positionals
    const target = () => requireArgument(argument, '<client_id>')
    switch (`${group ?? ''} ${command ?? ''}`.trim()) {
      case 'clients create':
        await clientsCreate(config, values, io)
        break
      case 'clients list':
        await clientsList(config, values, io)
        break
      case 'clients disable':
        await clientsSetDisabled(config, target(), true, io)
        break
      case 'clients enable':
        await clientsSetDisabled(config, target(), false, io)
        break
      case 'clients rotate-secret':
        await clientsRotateSecret(config, target(), io)
        break
      case 'clients revoke-tokens':
        await clientsRevokeTokens(config, target(), io)
        break
      case 'clients show':
        printJson(io, await withStore(config, (store) => showClient(store, target())))
        break
      case 'clients update': {
        const scopes = values.scope?.split(' ').filter((scope) => scope !== '')
        const changes = {
          name: values.name,
          redirectUris: values['redirect-uri'],
          webOrigins: values['web-origin'],
          postLogoutRedirectUris: values['post-logout-redirect-uri'],
          scopes,
          accessTokenLifetime: lifetimeOption(values['access-token-ttl'], '--access-token-ttl'),
          refreshTokenLifetime: lifetimeOption(values['refresh-token-ttl'], '--refresh-token-ttl'),
          dpopBoundAccessTokens: dpopBoundOption(values['dpop-bound-access-tokens']),
        }
        printJson(io, await withStore(config, (store) => changeClient(store, target(), changes)))
        break
      }
      case 'clients delete':
        await withApps(config, target(), io, (apps) => apps.delete(target()))
        io.stdout(`client ${argument} deleted`)
        break
      case 'users create':
        await usersCreate(config, values, io)
        break
      case 'users list': {
        const users = await withStore(config, listUsers)
        if (values.json) printJson(io, users)
        else if (users.length === 0) io.stdout('No users.')
        else {
          for (const user of users) {
            io.stdout(`${user.username}  ${user.subject}  ${user.status.padEnd(8)}  ${user.email ?? ''}`)
          }
        }
        break
      }
      case 'users set-password': {
        const username = requireArgument(argument, '<username>')
        const password = readPassword(values, io)
        await withStore(config, (store) => setPassword(store, username, password))
        io.stdout(`password of ${username} replaced`)
        break
      }
      case 'users disable':
        await usersSetDisabled(config, requireArgument(argument, '<username>'), true, io)
        break
      case 'users enable':
        await usersSetDisabled(config, requireArgument(argument, '<username>'), false, io)
        break
      case 'users delete': {
        const username = requireArgument(argument, '<username>')
        await withStore(config, (store) => deleteUser(store, username))
        io.stdout(`user ${username} deleted`)
        break
      }
      case 'consents list': {
        const username = requireArgument(argument, '<username>')
        const consents = await withStore(config, (store) => listConsents(store, username))
        if (values.json) printJson(io, consents)
        else if (consents.length === 0) io.stdout(`No consents of ${username}.`)
        else
          for (const consent of consents)
            io.stdout(
              [
                consent.client_id,
                consent.scope,
                ...(consent.resources.length === 0 ? [] : [consent.resources.join(' ')]),
              ].join('  '),
            )
        break
      }
      case 'consents revoke': {
        const username = requireArgument(argument, '<username>')
        const clientId = requireArgument(positionals[3], '<client_id>')
        await withStore(config, (store) =>
          revokeConsent(
            store,
            createAuthorizationServer({
              issuer: issuerFor(config),
              store,
              onSecurityEvent: securityEvents(io),
            }).consentedApps,
            username,
            clientId,
          ),
        )
        io.stdout(`consent of ${username} for ${clientId} revoked`)
        break
      }
      case 'keys rotate':
        await keysRotate(config, io)
        break
      case 'migrate':
        await withStore(config, async () => undefined)
        io.stdout(`migrations applied to ${describeStore(config.store)}`)
        break
      default:
        throw new UsageError(
          group === undefined ? 'missing command' : `unknown command: ${positionals.join(' ')}`,
        )
    }
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`pipeshub-token-server: ${error.message}`)
      io.stderr(USAGE)
      return 2
    }
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.stderr(`pipeshub-token-server: configuration: ${problem}`)
      return 1
    }
    const message = error instanceof OAuthError ? error.errorDescription : (error as Error).message
    io.stderr(`pipeshub-token-server: ${message}`)
    return 1
  }
}
