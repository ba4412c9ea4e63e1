import { fileURLToPath } from 'node:url'

/** The consumer of the contract: `@pipeshub/client`, as its Pact tests name it. */
export const CONSUMER = 'pipeshub-client'

/** The provider of the contract: the deployable token server (`apps/token-server`). */
export const PROVIDER = 'pipeshub-token-server'

/** Pact names its files `{consumer}-{provider}.json`; this is the one the client's tests write. */
export const PACT_FILE_NAME = `${CONSUMER}-${PROVIDER}.json`

/** The folder of committed pacts: `contracts/pacts/` (this module is `contracts/dist/parties.js`). */
export const PACTS_DIR = fileURLToPath(new URL('../pacts/', import.meta.url))

/** Absolute path of the committed pact between the client and the token server. */
export const PACT_FILE = `${PACTS_DIR}${PACT_FILE_NAME}`

/**
 * The second consumer: PipesHub's generated TypeScript SDK, code already in users' hands. Its
 * interactions are written from its request and response shapes (`contracts/src/pipeshub-sdk/`).
 */
export const SDK_CONSUMER = 'pipeshub-sdk'

/** Absolute path of the committed pact between PipesHub's SDK and the token server. */
export const SDK_PACT_FILE = `${PACTS_DIR}${SDK_CONSUMER}-${PROVIDER}.json`

/** Every committed pact the provider is verified against, one per consumer. */
export const PACT_FILES = [PACT_FILE, SDK_PACT_FILE] as const

/**
 * Pacts written only to prove the contract can fail (a client expecting what the provider never
 * sends). Not committed (`contracts/.gitignore`); the provider's must-fail tests verify them.
 */
export const WHAT_IF_PACTS_DIR = fileURLToPath(new URL('../what-if-pacts/', import.meta.url))

/** Routes of the token server the contract covers, relative to its origin (PipesHub's `/api/v1` mount). */
export const ROUTES = {
  token: '/api/v1/oauth2/token',
  pushedAuthorizationRequest: '/api/v1/oauth2/par',
  authorization: '/api/v1/oauth2/authorize',
  deviceAuthorization: '/api/v1/oauth2/device_authorization',
  revocation: '/api/v1/oauth2/revoke',
  introspection: '/api/v1/oauth2/introspect',
  userinfo: '/api/v1/oauth2/userinfo',
  /** OpenID Connect RP-Initiated Logout 1.0 end-session endpoint (in discovery; the browser goes there). */
  endSession: '/api/v1/oauth2/logout',
  /** PipesHub's personal access tokens of the end-user (list, create; `<it>/<id>` revokes one). */
  personalAccessTokens: '/api/v1/personal-access-tokens',
  /** The apps the end-user allowed (list; `<it>/<client_id>` takes one back). */
  consents: '/api/v1/oauth2/consents',
  /** PipesHub's OAuth app management (an administrator's): `<it>/<appId>`, `<it>/<appId>/suspend`, ... */
  oauthClients: '/api/v1/oauth-clients',
  jwks: '/.well-known/jwks.json',
  authorizationServerMetadata: '/.well-known/oauth-authorization-server',
  openidConfiguration: '/.well-known/openid-configuration',
  /** RFC 9728 §3.1: the metadata of PipesHub's MCP server (`<origin>/mcp`), published next to this server. */
  mcpResourceMetadata: '/.well-known/oauth-protected-resource/mcp',
} as const
