import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { CodeFlowClient } from './code-flow-client.js'
import { IdTokenValidationError, ResponseValidationError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { cannedFetch, json, type RecordedRequest } from './test-support/canned-fetch.js'

const issuer = 'https://as.example'
const metadata = {
  issuer,
  authorizationEndpoint: `${issuer}/authorize`,
  tokenEndpoint: `${issuer}/token`,
  jwksUri: `${issuer}/jwks`,
  idTokenSigningAlgValuesSupported: ['ES256'],
}
const nowMs = Date.parse('2026-12-02T12:00:00Z')
const nowSeconds = nowMs / 1000
const redirectUri = 'https://app.example/callback'

let privateKey: CryptoKey
let publicJwk: JWK

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true })
  privateKey = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
})

function idToken(nonce: string | undefined): Promise<string> {
  return new SignJWT({ sub: 'user-1', ...(nonce === undefined ? {} : { nonce }) })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience('spa')
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 300)
    .sign(privateKey)
}

/** A public client of a server that answers every token request with `body(request)`. */
function clientAnswering(body: (request: RecordedRequest) => Promise<unknown>) {
  const canned = cannedFetch(async (request) => {
    if (request.url === metadata.jwksUri) return json(200, { keys: [publicJwk] })(request)
    return json(200, await body(request))(request)
  })
  const client = new CodeFlowClient({
    metadata,
    clientId: 'spa',
    fetch: canned.fetch,
    now: () => nowMs,
    retry: false,
  })
  return { client, requests: canned.requests }
}

describe('CodeFlowClient: the code flow alone, for browser bundles', () => {
  it('runs the code flow with PKCE, checks the ID token and refreshes, as a public client', async () => {
    const { client, requests } = clientAnswering(async (request) => {
      const refresh = request.form.get('grant_type') === 'refresh_token'
      return {
        access_token: refresh ? 'at-2' : 'at-1',
        token_type: 'Bearer',
        expires_in: 300,
        refresh_token: refresh ? 'rt-2' : 'rt-1',
        id_token: await idToken(refresh ? undefined : 'n-1'),
      }
    })
    const request = await client.createAuthorizationRequest({ redirectUri, scope: 'openid', nonce: 'n-1' })
    const { code } = client.validateAuthorizationCallback(`${redirectUri}?code=c-1&state=${request.state}`, {
      state: request.state,
    })
    const tokens = await client.exchangeAuthorizationCode({
      code,
      redirectUri,
      codeVerifier: request.codeVerifier,
      nonce: 'n-1',
    })
    expect(tokens.idTokenClaims?.sub).toBe('user-1')
    const refreshed = await client.refresh({
      refreshToken: tokens.refreshToken ?? '',
      originalIdTokenClaims: tokens.idTokenClaims,
    })
    expect(refreshed.accessToken).toBe('at-2')
    const exchange = requests.find((r) => r.url === metadata.tokenEndpoint)?.form
    expect(exchange?.get('client_id')).toBe('spa')
    expect(exchange?.get('code_verifier')).toBe(request.codeVerifier)
  })

  it('validates responses as OAuthClient does: an ID token with another nonce is refused', async () => {
    const { client } = clientAnswering(async () => ({
      access_token: 'at-1',
      token_type: 'Bearer',
      id_token: await idToken('n-other'),
    }))
    await expect(
      client.exchangeAuthorizationCode({
        code: 'c',
        redirectUri,
        codeVerifier: 'v'.repeat(43),
        nonce: 'n-1',
      }),
    ).rejects.toBeInstanceOf(IdTokenValidationError)
  })

  it('refuses a token response that breaks RFC 6749 §5.1', async () => {
    const { client } = clientAnswering(async () => ({ access_token: 'at-1' }))
    await expect(client.refresh({ refreshToken: 'rt-1' })).rejects.toBeInstanceOf(ResponseValidationError)
  })

  it('does not sign client assertions: private_key_jwt needs OAuthClient, said at construction', () => {
    expect(
      () => new CodeFlowClient({ metadata, clientId: 'spa', clientAuthentication: 'private_key_jwt' }),
    ).toThrow(/private_key_jwt needs OAuthClient/)
  })

  it('is what OAuthClient extends, so code written for it takes an OAuthClient', () => {
    expect(new OAuthClient({ metadata, clientId: 'spa' })).toBeInstanceOf(CodeFlowClient)
  })
})
