import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SigningAlgorithm } from '@pipeshub/server'
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '@pipeshub/test-support/postgres'
import { exportJWK, generateKeyPair } from 'jose'
import { createTokenServer, type TokenServer, testConfig } from '../app.js'
import { openConfiguredStore } from '../store.js'
import { createTestUser } from '../test-support/users.js'

export type InteropStore = 'sqlite' | 'postgres'

/** The issuer the relying parties see. Their requests reach the loopback server through `fetch` below. */
export const INTEROP_ISSUER = 'http://token-server.interop.test'
/** The relying parties' redirect URI: never served, the tests read the redirect's `Location` instead. */
export const REDIRECT_URI = 'http://127.0.0.1:9/callback'
/** Where the confidential client's logout comes back (OpenID Connect RP-Initiated Logout 1.0 §3.1). */
export const POST_LOGOUT_REDIRECT_URI = 'http://127.0.0.1:9/signed-out'
export const USER_SCOPE = 'openid profile email offline_access kb:read'

export interface RegisteredConfidentialClient {
  clientId: string
  clientSecret: string
}

export interface InteropServer {
  readonly server: TokenServer
  readonly alg: SigningAlgorithm
  /** Where the server listens (loopback, port 0). */
  readonly baseUrl: string
  /**
   * `fetch` for the libraries: the issuer's origin mapped to the loopback server, so that the issuer in
   * discovery, tokens and redirects stays one fixed URL the libraries validate against.
   */
  readonly fetch: (url: string, options: object) => Promise<Response>
  /** Maps a URL of the issuer's origin to the loopback server. */
  local(url: string | URL): string
  /** Authorization code + refresh, `client_secret_basic` or `_post`, ID tokens in the server's algorithm. */
  readonly confidential: RegisteredConfidentialClient
  /** Public client (`none`, PKCE), default ID-token algorithm (RS256). */
  readonly publicClientId: string
  /** `client_credentials` only. */
  readonly service: RegisteredConfidentialClient
  /** Public device client (RFC 8628 device_code + refresh_token). */
  readonly deviceClientId: string
  /** `client_credentials` with `private_key_jwt` (RFC 7523): its ES256 private key, `kid` `interop-key`. */
  readonly keyedService: { clientId: string; privateKey: CryptoKey }
  /**
   * `client_credentials` with `private_key_jwt` whose public key the server fetches from its
   * `jwks_uri` (RFC 7591), a loopback JWKS server: its ES256 private key, `kid` `published-key`.
   */
  readonly publishingService: { clientId: string; privateKey: CryptoKey }
  close(): Promise<void>
}

/** The client id of the interop single-page app, an account client. */
const INTEROP_ACCOUNT_CLIENT = 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d'

/**
 * Starts the real token server (`createTokenServer`) on a fresh SQLite file or PostgreSQL schema with
 * the access-token algorithm `alg`, its clients and the test end-user, listening on loopback.
 */
export async function startInteropServer(
  storeKind: InteropStore,
  alg: SigningAlgorithm,
): Promise<InteropServer> {
  let storeUrl: string
  let dispose: () => Promise<void>
  if (storeKind === 'sqlite') {
    const folder = await mkdtemp(join(tmpdir(), 'pipeshub-interop-'))
    storeUrl = `sqlite:${join(folder, 'token-server.db')}`
    dispose = () => rm(folder, { recursive: true, force: true })
  } else {
    const schema = uniqueSchema(`interop_${alg.toLowerCase()}`)
    storeUrl = `${TEST_DATABASE_URL}?schema=${schema}`
    dispose = () => dropSchema(schema)
  }
  // The single-page app stands for the host's frontend: its users' tokens manage their account (the
  // DPoP-guarded personal-access-token API the interop steps call).
  const config = testConfig({ store: storeUrl, signingAlg: alg, accountClients: [INTEROP_ACCOUNT_CLIENT] })
  const store = await openConfiguredStore(config)
  const server = await createTokenServer({ config, store, issuer: INTEROP_ISSUER })
  const authorizationServer = server.authorizationServer
  const confidential = await authorizationServer.registerClient({
    name: 'Interop web app',
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [POST_LOGOUT_REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'email', 'offline_access', 'kb:read', 'kb:write'],
    idTokenSignedResponseAlg: alg,
  })
  const publicClient = await authorizationServer.registerClient({
    clientId: INTEROP_ACCOUNT_CLIENT,
    name: 'Interop single-page app',
    public: true,
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile', 'email', 'offline_access', 'kb:read'],
  })
  const service = await authorizationServer.registerClient({
    name: 'Interop service',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read', 'kb:write'],
  })
  const deviceClient = await authorizationServer.registerClient({
    name: 'Interop TV',
    public: true,
    redirectUris: [],
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'offline_access', 'kb:read'],
  })
  const keyPair = await generateKeyPair('ES256')
  const keyedService = await authorizationServer.registerClient({
    name: 'Interop service with a key pair',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read'],
    jwks: { keys: [{ ...(await exportJWK(keyPair.publicKey)), kid: 'interop-key', alg: 'ES256' }] },
  })
  const published = await generateKeyPair('ES256')
  const publishedJwks = JSON.stringify({
    keys: [{ ...(await exportJWK(published.publicKey)), kid: 'published-key', alg: 'ES256' }],
  })
  const jwksServer = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(publishedJwks),
  )
  await new Promise<void>((listening) => jwksServer.listen(0, '127.0.0.1', listening))
  const publishingService = await authorizationServer.registerClient({
    name: 'Interop service publishing its keys',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read'],
    jwksUri: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
  })
  await createTestUser(store)
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  const local = (url: string | URL) => {
    const target = new URL(url)
    if (target.origin !== INTEROP_ISSUER)
      throw new Error(`the relying party called ${target.origin}, not the issuer`)
    return new URL(`${target.pathname}${target.search}`, baseUrl).toString()
  }
  return {
    server,
    alg,
    baseUrl,
    local,
    // The libraries pass a RequestInit of their own option types (method, headers, body, redirect, signal).
    fetch: (url, options) => fetch(local(url), options as RequestInit),
    confidential: { clientId: confidential.client.clientId, clientSecret: confidential.clientSecret ?? '' },
    publicClientId: publicClient.client.clientId,
    service: { clientId: service.client.clientId, clientSecret: service.clientSecret ?? '' },
    deviceClientId: deviceClient.client.clientId,
    keyedService: { clientId: keyedService.client.clientId, privateKey: keyPair.privateKey },
    publishingService: { clientId: publishingService.client.clientId, privateKey: published.privateKey },
    async close() {
      try {
        jwksServer.closeAllConnections()
        await new Promise((closed) => jwksServer.close(closed))
        await server.close()
      } finally {
        await dispose()
      }
    },
  }
}
