import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import Provider, { type Configuration } from 'oidc-provider'
import type { Scenario } from '../scenario.js'
import {
  clientCredentialsScenario,
  credentialScenario,
  dpopClientCredentialsScenario,
  listeningPort,
} from './client-credentials-request.js'
import { mapAdapterFactory } from './map-adapter.js'
import { BENCH_CODE_CHALLENGE, BENCH_CODE_VERIFIER } from './pkce.js'
import {
  ACCESS_TOKEN_TTL_SECONDS,
  BENCH_CLIENT,
  BENCH_USER,
  type RunningTarget,
  USER_SCOPE,
} from './target.js'

export type OidcProviderGrant = 'client_credentials' | 'refresh_token' | 'authorization_code'

const RESOURCE = 'https://api.pipeshub.com'
const RESOURCE_SCOPE = 'kb:read kb:write'

/**
 * node-oidc-provider 9 configured for the grants under test: client_credentials enabled, refresh
 * tokens rotated on every use, ES256 JWT access tokens (RFC 9068, through resource indicators with a
 * default resource) so that it signs the same token the others do. Loopback only; no dev interactions.
 */
export async function startOidcProvider(
  grant: OidcProviderGrant,
  options: { dpop?: boolean } = {},
): Promise<RunningTarget> {
  const dpop = options.dpop === true
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })
  const configuration: Configuration = {
    ...(grant === 'authorization_code' ? { adapter: mapAdapterFactory() } : {}),
    clients: [
      {
        client_id: BENCH_CLIENT.clientId,
        client_secret: BENCH_CLIENT.clientSecret,
        grant_types: ['client_credentials', 'refresh_token', 'authorization_code'],
        response_types: ['code'],
        redirect_uris: [BENCH_CLIENT.redirectUri],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: `offline_access ${RESOURCE_SCOPE}`,
        ...(dpop ? { dpop_bound_access_tokens: true } : {}),
      },
    ],
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    jwks: { keys: [{ ...signingKey, kid: 'bench-es256', alg: 'ES256', use: 'sig' }] as never },
    cookies: { keys: ['bench-cookie-signing-key-not-secret'] },
    scopes: ['openid', 'offline_access', 'kb:read', 'kb:write'],
    rotateRefreshToken: true,
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 600,
      RefreshToken: 30 * 24 * 3600,
      Grant: 30 * 24 * 3600,
    },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // On by default in v9; no nonceSecret, so no nonces (requireNonce defaults to false) and a
      // replayed jti is refused (allowReplay false), as the token server does.
      dPoP: { enabled: true, allowReplay: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: RESOURCE_SCOPE,
          audience: RESOURCE,
          accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  }
  const provider = new Provider('http://127.0.0.1', configuration)
  const server = createServer(provider.callback())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  // A grant as the consent step would have left it: offline access plus the API scope.
  const newGrant = async (): Promise<string> => {
    const consent = new provider.Grant({ accountId: BENCH_USER, clientId: BENCH_CLIENT.clientId })
    consent.addOIDCScope('offline_access')
    consent.addResourceScope(RESOURCE, 'kb:read')
    return consent.save()
  }
  const client = await provider.Client.find(BENCH_CLIENT.clientId)
  if (client === undefined) throw new Error('bench client not registered')

  let scenario: Scenario
  let prepare: (count: number) => Promise<string[]>
  const port = listeningPort(server.address())
  if (grant === 'client_credentials' && dpop) {
    // Its htu check compares with the token endpoint URL on the request's own host.
    scenario = dpopClientCredentialsScenario('/token', `http://127.0.0.1:${port}/token`)
    prepare = async () => []
  } else if (grant === 'client_credentials') {
    scenario = clientCredentialsScenario('/token')
    prepare = async () => []
  } else if (grant === 'refresh_token') {
    scenario = credentialScenario('refresh-chain', '/token', 'grant_type=refresh_token&refresh_token=')
    prepare = async (count) => {
      const issued: string[] = []
      // One grant per chain: the memory adapter tracks every token of a grant in one list.
      for (let i = 0; i < count; i++) {
        const refreshToken = new provider.RefreshToken({
          client,
          accountId: BENCH_USER,
          grantId: await newGrant(),
          gty: 'authorization_code',
          scope: USER_SCOPE,
          resource: RESOURCE,
          rotations: 0,
        })
        issued.push(await refreshToken.save())
      }
      return issued
    }
  } else {
    scenario = credentialScenario(
      'one-shot',
      '/token',
      'grant_type=authorization_code&code=',
      `&redirect_uri=${encodeURIComponent(BENCH_CLIENT.redirectUri)}&code_verifier=${BENCH_CODE_VERIFIER}`,
    )
    prepare = async (count) => {
      const issued: string[] = []
      for (let i = 0; i < count; i++) {
        const code = new provider.AuthorizationCode({
          client,
          accountId: BENCH_USER,
          grantId: await newGrant(),
          gty: 'authorization_code',
          scope: USER_SCOPE,
          resource: RESOURCE,
          redirectUri: BENCH_CLIENT.redirectUri,
          codeChallenge: BENCH_CODE_CHALLENGE,
          codeChallengeMethod: 'S256',
          authTime: Math.floor(Date.now() / 1000),
        })
        issued.push(await code.save())
      }
      return issued
    }
  }
  return {
    port,
    scenario,
    notes:
      grant === 'authorization_code'
        ? 'unbounded Map adapter (its memory adapter keeps only 1000 entries), ES256 JWT access tokens, PKCE S256'
        : `bundled memory adapter, ES256 JWT access tokens via resource indicators, refresh rotation on every use${
            dpop
              ? '; DPoP feature on (no nonce, replay refused), client with dpop_bound_access_tokens, a fresh ES256 DPoP proof per request'
              : ''
          }`,
    prepare,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
