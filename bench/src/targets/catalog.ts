/** Every server under test, as the harness knows it (metadata only; the server code loads in its own process). */

export type TargetGroup = 'floor' | 'pipeshub' | 'peer'
export type Grant = 'client_credentials' | 'refresh_token' | 'authorization_code'

export interface TargetDefinition {
  /** Stable id, used on the command line (`--only`), in results and in the chart. */
  readonly id: string
  readonly label: string
  readonly group: TargetGroup
  readonly server: string
  readonly grant: Grant
  /** Storage behind it, in words. */
  readonly store: string
  /** Sends a fresh DPoP proof with every request and expects `token_type` DPoP (RFC 9449). */
  readonly dpop?: true
  /** The target its ratio is taken against, when not node-oidc-provider's target of the same grant. */
  readonly peer?: string
  /** Needs PostgreSQL on 127.0.0.1:5432. */
  readonly needsPostgres?: boolean
}

export const TARGETS: readonly TargetDefinition[] = [
  {
    id: 'floor-http',
    label: 'HTTP floor (Fastify, fixed JSON)',
    group: 'floor',
    server: 'fastify',
    grant: 'client_credentials',
    store: 'none',
  },
  {
    id: 'floor-crypto',
    label: 'Crypto floor (Fastify, Basic auth + ES256 JWT)',
    group: 'floor',
    server: 'fastify',
    grant: 'client_credentials',
    store: 'none',
  },
  {
    id: 'deployable-cc',
    label: 'Token server client_credentials (deployable)',
    group: 'pipeshub',
    server: '@pipeshub/token-server (built, as npm start runs it)',
    grant: 'client_credentials',
    store: 'SQLite (file, WAL)',
  },
  {
    id: 'deployable-cc-dpop',
    label: 'Token server client_credentials with DPoP (deployable)',
    group: 'pipeshub',
    server: '@pipeshub/token-server (built, as npm start runs it)',
    grant: 'client_credentials',
    store: 'SQLite (file, WAL)',
    dpop: true,
    peer: 'oidc-provider-cc-dpop',
  },
  {
    id: 'deployable-refresh',
    label: 'Token server refresh_token (deployable)',
    group: 'pipeshub',
    server: '@pipeshub/token-server (built, as npm start runs it)',
    grant: 'refresh_token',
    store: 'SQLite (file, WAL)',
  },
  {
    id: 'deployable-code',
    label: 'Token server authorization_code (deployable)',
    group: 'pipeshub',
    server: '@pipeshub/token-server (built, as npm start runs it)',
    grant: 'authorization_code',
    store: 'SQLite (file, WAL)',
  },
  {
    id: 'pipeshub-cc-es256',
    label: 'PipesHub client_credentials ES256',
    group: 'pipeshub',
    server: '@pipeshub/server',
    grant: 'client_credentials',
    store: 'SQLite (file, WAL)',
  },
  {
    id: 'pipeshub-cc-eddsa',
    label: 'PipesHub client_credentials EdDSA',
    group: 'pipeshub',
    server: '@pipeshub/server',
    grant: 'client_credentials',
    store: 'SQLite (file, WAL)',
  },
  {
    id: 'pipeshub-refresh-sqlite',
    label: 'PipesHub refresh_token (SQLite)',
    group: 'pipeshub',
    server: '@pipeshub/server',
    grant: 'refresh_token',
    store: 'SQLite (file, WAL)',
  },
  {
    id: 'pipeshub-refresh-postgres',
    label: 'PipesHub refresh_token (PostgreSQL)',
    group: 'pipeshub',
    server: '@pipeshub/server',
    grant: 'refresh_token',
    store: 'PostgreSQL 127.0.0.1:5432',
    needsPostgres: true,
  },
  {
    id: 'pipeshub-code-sqlite',
    label: 'PipesHub authorization_code (SQLite)',
    group: 'pipeshub',
    server: '@pipeshub/server',
    grant: 'authorization_code',
    store: 'SQLite (file, WAL)',
  },
  {
    id: 'oidc-provider-cc',
    label: 'node-oidc-provider client_credentials',
    group: 'peer',
    server: 'oidc-provider',
    grant: 'client_credentials',
    store: 'memory adapter',
  },
  {
    id: 'oidc-provider-cc-dpop',
    label: 'node-oidc-provider client_credentials with DPoP',
    group: 'peer',
    server: 'oidc-provider',
    grant: 'client_credentials',
    store: 'memory adapter',
    dpop: true,
    peer: 'oidc-provider-cc-dpop',
  },
  {
    id: 'oidc-provider-refresh',
    label: 'node-oidc-provider refresh_token',
    group: 'peer',
    server: 'oidc-provider',
    grant: 'refresh_token',
    store: 'memory adapter',
  },
  {
    id: 'oidc-provider-code',
    label: 'node-oidc-provider authorization_code',
    group: 'peer',
    server: 'oidc-provider',
    grant: 'authorization_code',
    store: 'Map adapter',
  },
  {
    id: 'oauth2-server-cc',
    label: '@node-oauth/oauth2-server client_credentials',
    group: 'peer',
    server: '@node-oauth/oauth2-server',
    grant: 'client_credentials',
    store: 'in-memory model',
  },
  {
    id: 'oauth2-server-refresh',
    label: '@node-oauth/oauth2-server refresh_token',
    group: 'peer',
    server: '@node-oauth/oauth2-server',
    grant: 'refresh_token',
    store: 'in-memory model',
  },
]

export function targetById(id: string): TargetDefinition {
  const target = TARGETS.find((candidate) => candidate.id === id)
  if (target === undefined)
    throw new Error(`unknown target ${id}; known: ${TARGETS.map((t) => t.id).join(', ')}`)
  return target
}
