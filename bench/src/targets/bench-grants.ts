import type { AuthorizationServer, Store } from '@pipeshub/server'
import { basicAuthorization, type Scenario } from '../scenario.js'
import type { Grant } from './catalog.js'
import {
  clientCredentialsScenario,
  credentialScenario,
  dpopClientCredentialsScenario,
} from './client-credentials-request.js'
import { BENCH_CODE_CHALLENGE, BENCH_CODE_VERIFIER } from './pkce.js'
import { BENCH_CLIENT, BENCH_USER, USER_SCOPE } from './target.js'

// What every PipesHub target (the library app and the deployable token server) sets up, through the
// server's own API: the bench client and user, then per grant the request and its one-time credentials.

/**
 * Registers the bench client and user; answers the client's secret. The server generates the secret,
 * as for every client a deployment creates (CLI, app management, registration): a secret of our own
 * choosing would be hashed with scrypt, as any chosen secret is. With `dpopBound`, the client is
 * registered with RFC 9449 §5.2 `dpop_bound_access_tokens`.
 */
export async function registerBenchParties(
  server: AuthorizationServer,
  store: Store,
  options: { dpopBound?: boolean } = {},
): Promise<string> {
  const { clientSecret } = await server.registerClient({
    ...(options.dpopBound === true ? { dpopBoundAccessTokens: true } : {}),
    name: 'bench client',
    clientId: BENCH_CLIENT.clientId,
    grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
    redirectUris: [BENCH_CLIENT.redirectUri],
    scopes: ['kb:read', 'kb:write', 'offline_access'],
  })
  await store.users.create({
    subject: BENCH_USER,
    username: 'bench-user',
    passwordHash: null,
    name: 'Bench User',
    email: 'bench@example.com',
    emailVerified: true,
    createdAt: Math.floor(Date.now() / 1000),
  })
  if (clientSecret === undefined) throw new Error('the bench client got no secret')
  return clientSecret
}

/** The request scenario of `grant` at the server's token endpoint, and how to issue its credentials. */
export async function benchGrant(
  server: AuthorizationServer,
  grant: Grant,
  clientSecret: string,
  options: { dpop?: boolean } = {},
): Promise<{ scenario: Scenario; prepare: (count: number) => Promise<string[]> }> {
  const tokenPath = server.paths.token
  const authorization = basicAuthorization(BENCH_CLIENT.clientId, clientSecret)
  // What the consent step of the app would do: a validated request, then a code for the user.
  const authorizationRequest = await server.validateAuthorizationRequest({
    response_type: 'code',
    client_id: BENCH_CLIENT.clientId,
    redirect_uri: BENCH_CLIENT.redirectUri,
    scope: USER_SCOPE,
    state: 'bench-state',
    code_challenge: BENCH_CODE_CHALLENGE,
    code_challenge_method: 'S256',
  })
  const issueCode = async (): Promise<string> => {
    const location = await server.issueAuthorizationCode({
      request: authorizationRequest,
      subject: BENCH_USER,
      authTime: server.now(),
    })
    const code = new URL(location).searchParams.get('code')
    if (code === null) throw new Error(`no code in the authorization response ${location}`)
    return code
  }
  const codeExchange = (code: string) => ({
    grant_type: 'authorization_code',
    code,
    redirect_uri: BENCH_CLIENT.redirectUri,
    code_verifier: BENCH_CODE_VERIFIER,
  })

  if (grant === 'client_credentials' && options.dpop === true) {
    // htu is the token endpoint exactly as the server checks it: the one its metadata publishes.
    const htu = server.metadata().token_endpoint
    if (typeof htu !== 'string') throw new Error('the server metadata names no token_endpoint')
    return { scenario: dpopClientCredentialsScenario(tokenPath, htu, clientSecret), prepare: async () => [] }
  }
  if (grant === 'client_credentials')
    return { scenario: clientCredentialsScenario(tokenPath, '', clientSecret), prepare: async () => [] }
  if (grant === 'refresh_token') {
    return {
      scenario: credentialScenario(
        'refresh-chain',
        tokenPath,
        'grant_type=refresh_token&refresh_token=',
        '',
        clientSecret,
      ),
      prepare: async (count) => {
        const issued: string[] = []
        for (let i = 0; i < count; i++) {
          const response = await server.token(codeExchange(await issueCode()), { authorization })
          if (response.refreshToken === undefined)
            throw new Error('the code exchange issued no refresh token')
          issued.push(response.refreshToken)
        }
        return issued
      },
    }
  }
  return {
    scenario: credentialScenario(
      'one-shot',
      tokenPath,
      'grant_type=authorization_code&code=',
      `&redirect_uri=${encodeURIComponent(BENCH_CLIENT.redirectUri)}&code_verifier=${BENCH_CODE_VERIFIER}`,
      clientSecret,
    ),
    prepare: async (count) => {
      const issued: string[] = []
      for (let i = 0; i < count; i++) issued.push(await issueCode())
      return issued
    },
  }
}
