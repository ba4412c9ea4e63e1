import { CLIENT_ASSERTION_ALGORITHMS, checkClientJwks } from './client-assertion.js'
import { checkJwksUri } from './client-jwks-uri.js'
import { isPublicClient } from './client-kind.js'
import { hashGeneratedSecret } from './client-secret-hash.js'
import { OAuthError, stored } from './errors.js'
import { grantFor, isGrantType } from './grants/registry.js'
import { PIPESHUB_SCOPES } from './scopes.js'
import { CLIENT_SECRET_HASH_COST, generateClientId, generateClientSecret, hashSecret } from './secrets.js'
import type { ServerContext } from './server-context.js'
import type { ClientJwks, ClientRecord, GrantType, SigningAlgorithm, Store } from './store/types.js'
import { ID_TOKEN_SIGNING_ALGORITHMS } from './tokens.js'

/** PipesHub's bounds on per-client lifetimes, seconds. */
export const ACCESS_TOKEN_LIFETIME_BOUNDS = { min: 300, max: 86_400 } as const
export const REFRESH_TOKEN_LIFETIME_BOUNDS = { min: 3_600, max: 31_536_000 } as const

export interface ClientRegistrationInput {
  name: string
  /** `true` registers a public client (authentication method `none`, PKCE required). */
  public?: boolean
  redirectUris?: readonly string[]
  /**
   * OpenID Connect RP-Initiated Logout 1.0 §3.1: where the end-session endpoint may send the browser
   * after logout; exact match, the same rules as `redirectUris`.
   */
  postLogoutRedirectUris?: readonly string[]
  /** Default: `authorization_code` + `refresh_token` (public or with redirect URIs), else `client_credentials`. */
  grantTypes?: readonly GrantType[]
  /** Scopes the client may request; default: the whole registry. */
  scopes?: readonly string[]
  allowPlainPkce?: boolean
  /**
   * Origins of the client's browser apps (`https://app.example.com`; http only for loopback): the
   * token, revocation and userinfo endpoints answer CORS requests from these origins only.
   */
  webOrigins?: readonly string[]
  accessTokenLifetime?: number | null
  refreshTokenLifetime?: number | null
  /**
   * `id_token_signed_response_alg` (OIDC Dynamic Client Registration §2): RS256, ES256 or EdDSA;
   * absent or `null` for the default, RS256.
   */
  idTokenSignedResponseAlg?: SigningAlgorithm | null
  /** What the app does, shown on the consent page (at most 1000 characters); `null` for none. */
  description?: string | null
  /** https URLs (http for loopback) of the app's logo, home page and privacy policy; `null` for none. */
  logoUrl?: string | null
  homepageUrl?: string | null
  privacyPolicyUrl?: string | null
  /** RFC 9126 §6: the client's authorization requests must be pushed (default false). */
  requirePushedAuthorizationRequests?: boolean
  /**
   * The client's public keys (RFC 7591 `jwks`): the client gets no secret and authenticates with
   * `private_key_jwt` (RFC 7523 §2.2). Not with `public`.
   */
  jwks?: ClientJwks | null
  /**
   * RFC 7591 `jwks_uri`: where the client publishes its public keys instead (https, or http on a
   * loopback address); it gets no secret and authenticates with `private_key_jwt`. Not with `jwks`,
   * not with `public`; `null` on an update removes it.
   */
  jwksUri?: string | null
  /** `token_endpoint_auth_signing_alg` (RFC 7591 §2): pins its client assertions to one algorithm. */
  tokenEndpointAuthSigningAlg?: string | null
  /**
   * RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request of the client must carry a DPoP
   * proof (default false).
   */
  dpopBoundAccessTokens?: boolean
  /** A fixed client id (a UUID is generated otherwise): for seeding and provider states. */
  clientId?: string
  /** A fixed secret (32 random bytes hex are generated otherwise): for seeding and provider states. */
  clientSecret?: string
  /** Scope registry to validate `scopes` against (default: PipesHub's catalogue). */
  scopeRegistry?: readonly string[]
  now?: number
}

export interface RegisteredClient {
  client: ClientRecord
  /** The plain secret, returned once and never stored; absent for public clients. */
  clientSecret?: string
}

function invalidMetadata(description: string): OAuthError {
  return new OAuthError('invalid_client_metadata', description)
}

function checkRedirectUri(
  uri: string,
  what = 'redirect URI',
  error: 'invalid_redirect_uri' | 'invalid_client_metadata' = 'invalid_redirect_uri',
): void {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    throw new OAuthError(error, `${what} ${uri} is not an absolute URI`)
  }
  // RFC 6749 §3.1.2: absolute, no fragment. RFC 9700 §2.1: http only for loopback.
  if (url.hash !== '' || uri.includes('#')) throw new OAuthError(error, `${what} ${uri} has a fragment`)
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new OAuthError(error, `${what} ${uri} must use https (http only for loopback)`)
  }
}

/**
 * OpenID Connect RP-Initiated Logout 1.0 §3.1: post-logout redirect URIs follow the redirect URIs' rules;
 * an error names the member (OpenID Connect Registration keeps invalid_redirect_uri for redirect_uris).
 * Answers `undefined` for none, so a record reads back as stored.
 */
function checkPostLogoutRedirectUris(uris: readonly string[] | undefined): string[] | undefined {
  const unique = [...new Set(uris ?? [])]
  for (const uri of unique) {
    if (uri.length > 2000) throw invalidMetadata('a post-logout redirect URI has at most 2000 characters')
    checkRedirectUri(uri, 'post-logout redirect URI', 'invalid_client_metadata')
  }
  return unique.length === 0 ? undefined : unique
}

/**
 * A web origin as a browser sends it in `Origin` (RFC 6454 section 6.1): scheme, host and an optional
 * port, nothing else, so the exact-string comparison with the header is the origin comparison.
 */
export function checkWebOrigin(origin: string): string {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    throw invalidMetadata(`web origin ${origin} is not an absolute URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalidMetadata(`web origin ${origin} must use https or http`)
  if (url.origin !== origin)
    throw invalidMetadata(
      `web origin ${origin} must be scheme://host[:port] only, lower case, no path or default port (${url.origin})`,
    )
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
    throw invalidMetadata(`web origin ${origin} must use https (http only for loopback)`)
  return origin
}

/** An app's page (logo, home page, privacy policy): an absolute https URL, http only for loopback. */
function checkAppUrl(value: string | null | undefined, name: string): string | null {
  if (value === undefined || value === null) return null
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalidMetadata(`${name} ${value} is not an absolute URL`)
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (value.length > 2000 || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)))
    throw invalidMetadata(`${name} must be an https URL of at most 2000 characters (http only for loopback)`)
  return value
}

function checkDescription(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value.trim() === '') return null
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (value.length > 1000 || /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value))
    throw invalidMetadata('description must be at most 1000 characters, without control characters')
  return value
}

function checkLifetime(
  value: number | null | undefined,
  bounds: { min: number; max: number },
  name: string,
): number | null {
  if (value === undefined || value === null) return null
  if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    throw invalidMetadata(`${name} must be an integer between ${bounds.min} and ${bounds.max} seconds`)
  }
  return value
}

function idTokenAlgorithm(value: SigningAlgorithm | null | undefined): SigningAlgorithm | null {
  if (value === undefined || value === null) return null
  if (!ID_TOKEN_SIGNING_ALGORITHMS.includes(value))
    throw invalidMetadata(
      `id_token_signed_response_alg must be one of ${ID_TOKEN_SIGNING_ALGORITHMS.join(', ')}`,
    )
  return value
}

/** The members a client registration or update sets (everything but identity, secret and status). */
type MetadataKey =
  | 'name'
  | 'redirectUris'
  | 'postLogoutRedirectUris'
  | 'grantTypes'
  | 'scopes'
  | 'allowPlainPkce'
  | 'webOrigins'
  | 'accessTokenLifetime'
  | 'refreshTokenLifetime'
  | 'idTokenSignedResponseAlg'
  | 'description'
  | 'logoUrl'
  | 'homepageUrl'
  | 'privacyPolicyUrl'
  | 'requirePushedAuthorizationRequests'
  | 'jwks'
  | 'tokenEndpointAuthSigningAlg'
  | 'dpopBoundAccessTokens'
  | 'jwksUri'

/** The metadata a client registration or update sets, and the scope registry it is checked against. */
export type ClientMetadataInput = Pick<ClientRegistrationInput, MetadataKey | 'scopeRegistry'>

type ClientMetadata = Pick<ClientRecord, MetadataKey>

/** Every rule of a client's metadata, for registration and update alike. */
function validatedMetadata(input: ClientMetadataInput, isPublic: boolean): ClientMetadata {
  const redirectUris = [...new Set(input.redirectUris ?? [])]
  for (const uri of redirectUris) checkRedirectUri(uri)
  const grantTypes = [
    ...new Set(
      input.grantTypes ??
        (isPublic || redirectUris.length > 0
          ? ['authorization_code', 'refresh_token']
          : ['client_credentials']),
    ),
  ] as GrantType[]
  for (const type of grantTypes) {
    if (!isGrantType(type)) throw invalidMetadata(`unsupported grant type ${type}`)
  }
  // Each grant's own rule (client type, redirect URIs), in the order the client listed its grants.
  for (const type of grantTypes) {
    const problem = grantFor(type)?.registrationProblem?.({ isPublic, redirectUris })
    if (problem) throw problem
  }
  const registry = input.scopeRegistry ?? PIPESHUB_SCOPES
  const scopes = [...new Set(input.scopes ?? registry)]
  for (const scope of scopes) {
    if (!registry.includes(scope)) throw invalidMetadata(`unknown scope ${scope}`)
  }
  if (input.name.trim() === '' || input.name.length > 200)
    throw invalidMetadata('name must be 1-200 characters')
  // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present.
  if (input.jwks != null && input.jwksUri != null)
    throw invalidMetadata('a client registers jwks or jwks_uri, not both')
  return {
    name: input.name,
    redirectUris,
    postLogoutRedirectUris: checkPostLogoutRedirectUris(input.postLogoutRedirectUris),
    grantTypes,
    scopes,
    allowPlainPkce: input.allowPlainPkce === true,
    webOrigins: [...new Set(input.webOrigins ?? [])].map(checkWebOrigin),
    accessTokenLifetime: checkLifetime(
      input.accessTokenLifetime,
      ACCESS_TOKEN_LIFETIME_BOUNDS,
      'accessTokenLifetime',
    ),
    refreshTokenLifetime: checkLifetime(
      input.refreshTokenLifetime,
      REFRESH_TOKEN_LIFETIME_BOUNDS,
      'refreshTokenLifetime',
    ),
    idTokenSignedResponseAlg: idTokenAlgorithm(input.idTokenSignedResponseAlg),
    description: checkDescription(input.description),
    logoUrl: checkAppUrl(input.logoUrl, 'logoUrl'),
    homepageUrl: checkAppUrl(input.homepageUrl, 'homepageUrl'),
    privacyPolicyUrl: checkAppUrl(input.privacyPolicyUrl, 'privacyPolicyUrl'),
    requirePushedAuthorizationRequests: input.requirePushedAuthorizationRequests === true,
    jwks: input.jwks === undefined || input.jwks === null ? null : checkClientJwks(input.jwks),
    jwksUri: input.jwksUri === undefined || input.jwksUri === null ? undefined : checkJwksUri(input.jwksUri),
    tokenEndpointAuthSigningAlg: assertionAlgorithm(input.tokenEndpointAuthSigningAlg),
    // `undefined` rather than false, so that an update can clear it and a record reads back unchanged.
    dpopBoundAccessTokens: input.dpopBoundAccessTokens === true ? true : undefined,
  }
}

function assertionAlgorithm(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null
  if (!CLIENT_ASSERTION_ALGORITHMS.includes(value))
    throw invalidMetadata(
      `token_endpoint_auth_signing_alg must be one of ${CLIENT_ASSERTION_ALGORITHMS.join(', ')}`,
    )
  return value
}

const APP_METADATA = [
  'description',
  'logoUrl',
  'homepageUrl',
  'privacyPolicyUrl',
  'postLogoutRedirectUris',
] as const

/** `client` without the app metadata it has none of: a stored record reads back the same. */
function withoutEmptyAppMetadata(client: ClientRecord): ClientRecord {
  const result = { ...client }
  for (const key of APP_METADATA) if (result[key] == null) delete result[key]
  return result
}

/** Builds a validated client record and its secret without storing it. */
export async function buildClient(input: ClientRegistrationInput): Promise<RegisteredClient> {
  const isPublic = input.public === true
  const metadata = validatedMetadata(input, isPublic)
  const clientId = input.clientId ?? generateClientId()
  // RFC 6749 A.1: client_id = *VSCHAR.
  if (clientId === '' || clientId.length > 200 || /[^\x20-\x7E]/.test(clientId)) {
    throw invalidMetadata('a client id is 1-200 printable ASCII characters')
  }
  const usesKeys = metadata.jwks !== null || metadata.jwksUri !== undefined
  if (usesKeys && isPublic) throw invalidMetadata('a public client cannot register jwks')
  if (usesKeys && input.clientSecret !== undefined)
    throw invalidMetadata('a client with jwks authenticates with private_key_jwt: it has no secret')
  // A client with keys is confidential, but proves it with an assertion (RFC 7523 §2.2), not a secret.
  const generated =
    isPublic || usesKeys || input.clientSecret !== undefined ? undefined : generateClientSecret()
  const clientSecret = isPublic || usesKeys ? undefined : (input.clientSecret ?? generated)
  if (clientSecret !== undefined && clientSecret.length < 16)
    throw invalidMetadata('a client secret needs at least 16 characters')
  // Only a secret someone chose may be guessable: it alone needs scrypt.
  let secretHash: string | null = null
  if (generated !== undefined) secretHash = hashGeneratedSecret(generated)
  else if (clientSecret !== undefined)
    secretHash = await hashSecret(clientSecret, { cost: CLIENT_SECRET_HASH_COST })
  const client: ClientRecord = withoutEmptyAppMetadata({
    clientId,
    secretHash,
    ...metadata,
    createdAt: input.now ?? Math.floor(Date.now() / 1000),
    disabledAt: null,
  })
  return clientSecret === undefined ? { client } : { client, clientSecret }
}

/**
 * Changes a stored client's metadata (the members given; `null` lifetimes go back to the server
 * default) under the same rules as a registration; its id, secret, type and status stay. The updated
 * record, or undefined for an unknown client.
 */
export async function updateClient(
  store: Store,
  clientId: string,
  changes: Partial<ClientMetadataInput>,
): Promise<ClientRecord | undefined> {
  const current = await store.clients.get(clientId)
  if (current === undefined) return undefined
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined))
  const metadata = validatedMetadata(
    { ...current, ...defined } as ClientMetadataInput,
    isPublicClient(current),
  )
  // The kind of authentication stays: keys neither appear on nor vanish from a client by an update.
  const usesKeys = (client: Pick<ClientRecord, 'jwks' | 'jwksUri'>) =>
    client.jwks !== null || client.jwksUri !== undefined
  if (usesKeys(current) !== usesKeys(metadata))
    throw invalidMetadata('jwks can be replaced but neither added to nor removed from a client')
  const updated = withoutEmptyAppMetadata({ ...current, ...metadata })
  if (!(await store.clients.update(updated))) return undefined
  return updated
}

/** Validates and stores a new client; the plain secret is in the result, only there, only once. */
export async function registerClient(
  store: Store,
  input: ClientRegistrationInput,
): Promise<RegisteredClient> {
  const registered = await buildClient(input)
  await store.clients.create(registered.client)
  return registered
}

/**
 * Registers a client of one server: its scopes checked against the server's, and a key of its ID-token
 * algorithm published before its first ID token is signed.
 */
export async function registerServerClient(
  context: Pick<ServerContext, 'store' | 'now' | 'scopes' | 'signingKeys'>,
  input: ClientRegistrationInput,
): Promise<RegisteredClient> {
  const registered = await registerClient(context.store, {
    scopeRegistry: context.scopes,
    now: context.now(),
    ...input,
  })
  const idTokenAlg = registered.client.idTokenSignedResponseAlg
  if (idTokenAlg !== null) await stored(() => context.signingKeys.signingKey(idTokenAlg))
  return registered
}
