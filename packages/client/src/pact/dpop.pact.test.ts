import { MatchersV3 } from '@pact-foundation/pact'
import {
  compactJwsPattern,
  consumerPact,
  DPOP_PROOF_HEADER,
  EXAMPLE,
  EXAMPLE_NOW_MS,
  fetchThroughMockServer,
  matchersFor,
  protectedHeaderSegment,
  publicJwk,
  ROUTES,
  STATES,
  tokenResponseHeaders,
} from '@pipeshub/contracts'
import { OAuthTokenResponseWire } from '@pipeshub/models'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { DPoPKey, OAuthClient } from '../index.js'
import {
  CONFIDENTIAL_CLIENT,
  clientCredentialsRequest,
  expectOAuthError,
  oauthErrorResponse,
  pactWithConfidentialClient,
  tokenRequest,
} from './interactions.js'

// RFC 9449 §5: a token request with a DPoP proof gets a DPoP-bound token. The proof is signed with the
// contract's fixed key, so its protected header is pinned in the pact; its claims (bound to a URL, a
// time and one use) are matched as a compact JWS and re-signed for the provider by its verification.

const TOKEN_ENDPOINT = `${EXAMPLE.issuer}${ROUTES.token}`

/** The client's DPoP key: the contract's fixed P-256 key, as an application would load its own. */
async function contractDPoPKey(): Promise<DPoPKey> {
  const privateKey = (await importJWK(EXAMPLE.dpopKey, 'ES256')) as CryptoKey
  const publicKey = (await importJWK(publicJwk(EXAMPLE.dpopKey), 'ES256')) as CryptoKey
  return DPoPKey.fromKeyPair({ privateKey, publicKey })
}

describe('DPoP token request (RFC 9449 §5)', () => {
  it('surfaces invalid_dpop_proof when a client that must send a proof sends none (RFC 9449 §5.2)', async () => {
    const pact = consumerPact().given(STATES.confidentialClientExists, {
      ...CONFIDENTIAL_CLIENT,
      dpopBoundAccessTokens: true,
    })
    pact
      .uponReceiving(
        'a client credentials token request without a DPoP proof from a client that must send one',
      )
      .withRequest(tokenRequest(clientCredentialsRequest(EXAMPLE.scopes.clientCredentials)))
      .willRespondWith(oauthErrorResponse('invalid_dpop_proof'))
    await pact.executeTest(async (mockServer) => {
      await expectOAuthError(
        new OAuthClient({
          metadata: { issuer: EXAMPLE.issuer, tokenEndpoint: TOKEN_ENDPOINT },
          clientId: EXAMPLE.clientId,
          clientSecret: EXAMPLE.clientSecret,
          fetch: fetchThroughMockServer(mockServer.url),
          now: () => EXAMPLE_NOW_MS,
          retry: false,
        }).clientCredentials({ scope: EXAMPLE.scopes.clientCredentials }),
        'invalid_dpop_proof',
        400,
      )
    })
  })

  it('sends a proof of its key with a client credentials request and gets a DPoP token', async () => {
    const dpop = await contractDPoPKey()
    const pact = pactWithConfidentialClient()
    const request = tokenRequest(clientCredentialsRequest(EXAMPLE.scopes.clientCredentials))
    pact
      .uponReceiving('a client credentials token request with a DPoP proof')
      .withRequest({
        ...request,
        headers: {
          ...request.headers,
          DPoP: MatchersV3.regex(
            compactJwsPattern(protectedHeaderSegment(DPOP_PROOF_HEADER)),
            EXAMPLE.dpopProof,
          ),
        },
      })
      .willRespondWith({
        status: 200,
        headers: tokenResponseHeaders(),
        body: matchersFor(
          OAuthTokenResponseWire,
          {
            access_token: EXAMPLE.accessToken,
            // The point of the interaction: the provider bound the token to the proof's key.
            token_type: 'DPoP',
            expires_in: EXAMPLE.expiresIn,
            scope: EXAMPLE.scopes.clientCredentials,
          },
          { exact: ['/token_type'] },
        ),
      })
    await pact.executeTest(async (mockServer) => {
      const proofs: string[] = []
      const throughMock = fetchThroughMockServer(mockServer.url)
      const client = new OAuthClient({
        metadata: { issuer: EXAMPLE.issuer, tokenEndpoint: TOKEN_ENDPOINT },
        clientId: EXAMPLE.clientId,
        clientSecret: EXAMPLE.clientSecret,
        dpop,
        fetch: (input, init) => {
          const proof = new Headers(init?.headers).get('dpop')
          if (proof !== null) proofs.push(proof)
          return throughMock(input, init)
        },
        now: () => EXAMPLE_NOW_MS,
        retry: false,
      })
      const tokens = await client.clientCredentials({ scope: EXAMPLE.scopes.clientCredentials })
      expect(tokens.tokenType).toBe('DPoP')
      expect(tokens.accessToken).toBe(EXAMPLE.accessToken)
      // The pact pins the header; what the provider's re-signing keeps of the claims is checked here.
      expect(proofs).toHaveLength(1)
      const proof = proofs[0] ?? ''
      expect(decodeProtectedHeader(proof)).toEqual(DPOP_PROOF_HEADER)
      const { payload } = await jwtVerify(proof, await importJWK(publicJwk(EXAMPLE.dpopKey), 'ES256'), {
        typ: 'dpop+jwt',
      })
      expect(payload).toEqual({
        jti: expect.any(String),
        htm: 'POST',
        htu: TOKEN_ENDPOINT,
        iat: EXAMPLE_NOW_MS / 1000,
      })
    })
  })
})
