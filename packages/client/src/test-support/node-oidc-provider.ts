import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import Provider, {
  type ClientMetadata,
  type Configuration,
  errors,
  type KoaContextWithOIDC,
} from 'oidc-provider'

/** Where the authorization server sends the user agent back; never listened on (the test reads the redirect). */
export const REDIRECT_URI = 'http://127.0.0.1/callback'
/** RFC 8693 §2.1: the extension grant node-oidc-provider is given below. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
/** RFC 8693 §3 token type identifier of an access token. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'

/** RFC 8707 resource indicator of the one API; tokens for it are RFC 9068 JWTs. */
export const API_RESOURCE = 'https://api.example/'

/** The one end-user account; the login form accepts only this login. */
export const ACCOUNT = {
  sub: 'ada',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  email_verified: true,
} as const

/** Registered clients. Secrets hold characters that RFC 6749 Appendix B makes a Basic header encode. */
export const CONFIDENTIAL_CLIENT = {
  clientId: 'confidential-web',
  clientSecret: `s3cret:+%/${randomBytes(16).toString('hex')}`,
} as const
export const PUBLIC_CLIENT = { clientId: 'public-spa' } as const
export const SERVICE_CLIENT = {
  clientId: 'service',
  clientSecret: randomBytes(24).toString('base64url'),
  clientAuthentication: 'client_secret_post',
} as const
/**
 * A client that authenticates with private_key_jwt (RFC 7523 §2.2) and must push its authorization
 * requests (RFC 9126 §6); its ES256 key pair is made at start (`RunningOidcProvider.privateKeyJwtKey`).
 */
export const PRIVATE_KEY_JWT_CLIENT = { clientId: 'private-key-jwt', keyId: 'pkjwt-1' } as const
/** A public client whose access tokens are always DPoP-bound (RFC 9449 §5.2 `dpop_bound_access_tokens`). */
export const DPOP_CLIENT = { clientId: 'dpop-spa' } as const

/** Where the confidential client's browser lands after logout (registered `post_logout_redirect_uris`). */
export const POST_LOGOUT_REDIRECT_URI = 'http://127.0.0.1/signed-out'

/** Public device clients (RFC 8628): a TV app, one whose device codes live 4 s, one polled under a rate guard. */
export const DEVICE_CLIENT = { clientId: 'pipeshub-cli' } as const
export const SHORT_LIVED_DEVICE_CLIENT = { clientId: 'tv-short-lived' } as const
export const RATE_GUARDED_DEVICE_CLIENT = { clientId: 'tv-rate-guarded' } as const
/** Lifetime of the short-lived client's device codes, in seconds. */
export const SHORT_DEVICE_CODE_TTL = 4
/**
 * node-oidc-provider never answers `slow_down` itself (9.x defines `errors.SlowDown` but its
 * device_code grant does not throw it), so a polling guard in front of it, as an API gateway would
 * run, answers RFC 8628 §3.5 `slow_down` to the rate-guarded client's first poll of a device code and
 * to any poll less than this many seconds after the previous one.
 */
export const DEVICE_POLL_GAP_SECONDS = 8

/** Lifetimes in seconds (node-oidc-provider's defaults, written out so the tests can rely on them). */
export const TTL = {
  AccessToken: 3600,
  ClientCredentials: 600,
  AuthorizationCode: 60,
  IdToken: 3600,
  RefreshToken: 14 * 24 * 3600,
  Interaction: 600,
  Session: 3600,
  Grant: 14 * 24 * 3600,
  DeviceCode: 600,
} as const

/** ID token algorithm per client (node-oidc-provider's default, RS256, for the confidential client). */
export const ID_TOKEN_ALGORITHMS = { confidential: 'RS256', public: 'EdDSA' } as const
/** Public clients that register another ID token algorithm each (Ed25519: RFC 9864's fully specified name). */
export const ALGORITHM_CLIENTS = (['ES256', 'PS256', 'Ed25519'] as const).map((alg) => ({
  clientId: `id-token-${alg.toLowerCase()}`,
  idTokenSigningAlgorithm: alg,
}))

export interface RunningOidcProvider {
  readonly issuer: string
  readonly provider: Provider
  /** The private key of `PRIVATE_KEY_JWT_CLIENT`, whose public JWK the provider has registered. */
  readonly privateKeyJwtKey: CryptoKey
  /** `server_error`s node-oidc-provider reported (a test expects none). */
  readonly serverErrors: readonly Error[]
  /** How many `slow_down` answers the polling guard gave. */
  readonly slowDowns: () => number
  close(): Promise<void>
}

/** Signing keys for the algorithms the clients ask for: the private JWKs node-oidc-provider wants. */
async function signingKeys() {
  const keys = []
  for (const [alg, options] of [
    ['RS256', { modulusLength: 2048 }],
    ['ES256', {}],
    ['EdDSA', { crv: 'Ed25519' }],
  ] as const) {
    const { privateKey } = await generateKeyPair(alg, { ...options, extractable: true })
    // No `alg` on the key: the RSA key also signs PS256, the Ed25519 key both EdDSA and Ed25519.
    keys.push({ ...(await exportJWK(privateKey)), use: 'sig' })
  }
  return keys
}

function configuration(keys: Awaited<ReturnType<typeof signingKeys>>, clientJwk: JWK): Configuration {
  return {
    clients: [
      {
        client_id: PRIVATE_KEY_JWT_CLIENT.clientId,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [{ ...clientJwk, kid: PRIVATE_KEY_JWT_CLIENT.keyId, use: 'sig', alg: 'ES256' }] },
        require_pushed_authorization_requests: true,
        redirect_uris: [REDIRECT_URI],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        scope: 'openid profile offline_access api:read',
      },
      {
        client_id: DPOP_CLIENT.clientId,
        token_endpoint_auth_method: 'none',
        dpop_bound_access_tokens: true,
        redirect_uris: [REDIRECT_URI],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        id_token_signed_response_alg: 'ES256',
        scope: 'openid profile offline_access',
      },
      {
        client_id: CONFIDENTIAL_CLIENT.clientId,
        client_secret: CONFIDENTIAL_CLIENT.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [REDIRECT_URI],
        post_logout_redirect_uris: [POST_LOGOUT_REDIRECT_URI],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE_GRANT],
        scope: 'openid profile email offline_access api:read api:write',
      },
      {
        client_id: PUBLIC_CLIENT.clientId,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        redirect_uris: [REDIRECT_URI],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        id_token_signed_response_alg: ID_TOKEN_ALGORITHMS.public,
        scope: 'openid profile offline_access',
      },
      ...ALGORITHM_CLIENTS.map(
        (client): ClientMetadata => ({
          client_id: client.clientId,
          token_endpoint_auth_method: 'none',
          redirect_uris: [REDIRECT_URI],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          id_token_signed_response_alg: client.idTokenSigningAlgorithm,
          scope: 'openid',
        }),
      ),
      ...[DEVICE_CLIENT, SHORT_LIVED_DEVICE_CLIENT, RATE_GUARDED_DEVICE_CLIENT].map(
        (client): ClientMetadata => ({
          client_id: client.clientId,
          token_endpoint_auth_method: 'none',
          application_type: 'native',
          redirect_uris: [],
          response_types: [],
          grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
          scope: 'openid profile offline_access',
        }),
      ),
      {
        client_id: SERVICE_CLIENT.clientId,
        client_secret: SERVICE_CLIENT.clientSecret,
        token_endpoint_auth_method: SERVICE_CLIENT.clientAuthentication,
        response_types: [],
        grant_types: ['client_credentials'],
        scope: 'api:read api:write',
      },
    ],
    jwks: { keys },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'api:read', 'api:write'],
    async findAccount(_ctx, sub) {
      if (sub !== ACCOUNT.sub) return undefined
      return { accountId: sub, claims: () => ({ ...ACCOUNT }) }
    },
    features: {
      // The interaction below plays the login and consent pages; the built-in HTML ones are off.
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: async (_ctx, resourceIndicator) => {
          if (resourceIndicator !== API_RESOURCE) throw new errors.InvalidTarget()
          return { scope: 'api:read api:write', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }
        },
      },
      introspection: {
        enabled: true,
        // RFC 7662 §2.1: a confidential client may introspect (a resource server's role); a public
        // client only the tokens issued to it.
        allowedPolicy: async (_ctx, client, token) =>
          client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        // RFC 7009 §2.1: a token issued to another client is refused with an error.
        allowedPolicy: async (_ctx, client, token) => {
          if (token.clientId !== client.clientId)
            throw new errors.InvalidRequest('the token was not issued to this client')
          return true
        },
      },
      userinfo: { enabled: true },
      // RFC 9449 §8: a nonce in every proof, so every DPoP exchange first meets use_dpop_nonce.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      pushedAuthorizationRequests: { enabled: true },
      deviceFlow: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    // PKCE for every client, not only the public ones (node-oidc-provider accepts only S256).
    pkce: { required: () => true },
    ttl: {
      ...TTL,
      DeviceCode: (_ctx, _token, client) =>
        client.clientId === SHORT_LIVED_DEVICE_CLIENT.clientId ? SHORT_DEVICE_CODE_TTL : TTL.DeviceCode,
    },
    // Every refresh rotates: a consumed refresh token presented again revokes the grant.
    rotateRefreshToken: true,
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
  }
}

function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))))
    request.on('error', reject)
  })
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

/**
 * The polling guard (see `DEVICE_POLL_GAP_SECONDS`): reads a token request's body, answers
 * `slow_down` when the rate-guarded client polls too early, and otherwise hands the request on with
 * its body already read (node-oidc-provider then takes it from `request.body`).
 */
function devicePollingGuard(lastPoll: Map<string, number>, onSlowDown: () => void) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const body = await readBody(request)
    ;(request as IncomingMessage & { body?: Buffer }).body = body
    const form = new URLSearchParams(body.toString('utf8'))
    const deviceCode = form.get('device_code')
    if (
      form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:device_code' ||
      form.get('client_id') !== RATE_GUARDED_DEVICE_CLIENT.clientId ||
      deviceCode === null
    )
      return false
    const now = Date.now()
    const previous = lastPoll.get(deviceCode)
    lastPoll.set(deviceCode, now)
    if (previous !== undefined && now - previous >= DEVICE_POLL_GAP_SECONDS * 1000) return false
    onSlowDown()
    json(response, 400, { error: 'slow_down', error_description: 'polling too fast: back off' })
    return true
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(JSON.stringify(body))
}

/**
 * The login and consent "pages" of this provider, as plain HTTP with node-oidc-provider's
 * interaction API: `GET /interaction/:uid` says which prompt is pending; `POST .../login` with
 * `login=<account>` signs in; `POST .../consent` with `decision=allow|deny` grants what the prompt
 * is missing, or ends the request with `access_denied`. Each answers with node-oidc-provider's
 * redirect back to the authorization endpoint.
 */
async function interaction(provider: Provider, request: IncomingMessage, response: ServerResponse) {
  const [, , uid, action] = (request.url ?? '').split('?')[0]?.split('/') ?? []
  const details = await provider.interactionDetails(request, response)
  if (details.uid !== uid) return json(response, 400, { error: 'interaction_mismatch' })
  if (request.method === 'GET' && action === undefined) {
    return json(response, 200, { uid, prompt: details.prompt.name, details: details.prompt.details })
  }
  if (request.method !== 'POST') return json(response, 405, { error: 'method_not_allowed' })
  const form = await readForm(request)
  if (action === 'login' && details.prompt.name === 'login') {
    const login = form.get('login')
    if (login !== ACCOUNT.sub) return json(response, 401, { error: 'unknown_login' })
    return provider.interactionFinished(request, response, { login: { accountId: login } })
  }
  if (action === 'consent' && details.prompt.name === 'consent') {
    if (form.get('decision') !== 'allow') {
      return provider.interactionFinished(request, response, {
        error: 'access_denied',
        error_description: 'the End-User denied the request',
      })
    }
    const accountId = details.session?.accountId
    const clientId = details.params.client_id
    if (accountId === undefined || typeof clientId !== 'string')
      return json(response, 400, { error: 'no_session' })
    const grant =
      details.grantId === undefined
        ? new provider.Grant({ accountId, clientId })
        : await provider.Grant.find(details.grantId)
    if (grant === undefined) return json(response, 400, { error: 'no_grant' })
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
    const grantId = await grant.save()
    return provider.interactionFinished(
      request,
      response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    )
  }
  return json(response, 400, { error: 'unexpected_prompt', prompt: details.prompt.name })
}

/**
 * RFC 8693 token exchange, registered with node-oidc-provider's `registerGrantType`: an access token
 * this provider issued is exchanged for a new access token of the calling client with the same scope.
 */
function registerTokenExchange(provider: Provider): void {
  provider.registerGrantType<{ subject_token?: string; subject_token_type?: string }>(
    TOKEN_EXCHANGE_GRANT,
    async (ctx) => {
      const { subject_token: subjectToken, subject_token_type: subjectTokenType } = ctx.oidc.params
      if (subjectToken === undefined || subjectTokenType === undefined)
        throw new errors.InvalidRequest('subject_token and subject_token_type are required')
      if (subjectTokenType !== ACCESS_TOKEN_TYPE)
        throw new errors.InvalidRequest('subject_token_type must be an access token')
      const { AccessToken, ClientCredentials } = ctx.oidc.provider
      const subject = (await AccessToken.find(subjectToken)) ?? (await ClientCredentials.find(subjectToken))
      if (subject === undefined || !subject.isValid)
        throw new errors.InvalidGrant('subject_token is invalid, expired or revoked')
      const token = new ClientCredentials({ client: ctx.oidc.client, scope: subject.scope })
      const value = await token.save()
      ctx.body = {
        access_token: value,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: token.tokenType,
        expires_in: token.expiration,
        scope: token.scope,
      }
    },
    ['subject_token', 'subject_token_type'],
  )
}

/**
 * node-oidc-provider (the `oidc-provider` package) on 127.0.0.1 and a free port, configured as an
 * independent authorization server for `@pipeshub/client`: a confidential, a public and a service
 * client, PKCE S256 required, refresh tokens rotated, revocation, introspection and userinfo on,
 * a token exchange grant, the device flow (RFC 8628) for three device clients and RP-initiated logout. Its issuer must be known before it is built, so the node:http server
 * listens first and then hands every request to the provider (or to the interaction pages).
 */
export async function startOidcProvider(): Promise<RunningOidcProvider> {
  let handle: ((request: IncomingMessage, response: ServerResponse) => void) | undefined
  const server: Server = createServer((request, response) => {
    if (handle === undefined) return json(response, 503, { error: 'temporarily_unavailable' })
    handle(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`
  const clientKey = await generateKeyPair('ES256')
  const provider = new Provider(
    issuer,
    configuration(await signingKeys(), await exportJWK(clientKey.publicKey)),
  )
  registerTokenExchange(provider)
  const serverErrors: Error[] = []
  provider.on('server_error', (_ctx: unknown, error: Error) => serverErrors.push(error))
  const callback = provider.callback()
  let slowDowns = 0
  const guard = devicePollingGuard(new Map(), () => slowDowns++)
  handle = (request, response) => {
    if (request.method === 'POST' && request.url === '/token') {
      guard(request, response)
        .then((answered) => {
          if (!answered) callback(request, response)
        })
        .catch((error: unknown) => {
          serverErrors.push(error as Error)
          if (!response.headersSent) json(response, 500, { error: 'server_error' })
        })
      return
    }
    if (request.url?.startsWith('/interaction/')) {
      interaction(provider, request, response).catch((error: unknown) => {
        serverErrors.push(error as Error)
        if (!response.headersSent) json(response, 500, { error: 'server_error' })
        else response.end()
      })
      return
    }
    callback(request, response)
  }
  return {
    issuer,
    provider,
    privateKeyJwtKey: clientKey.privateKey,
    serverErrors,
    slowDowns: () => slowDowns,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
