import { MatchersV3 } from '@pact-foundation/pact'
import {
  CLIENT_ASSERTION_HEADER,
  compactJwsPattern,
  consumerPact,
  EXAMPLE,
  EXAMPLE_CLIENT_ASSERTION_CLAIMS,
  EXAMPLE_NOW_MS,
  FORM_CONTENT_TYPE,
  fetchThroughMockServer,
  JWT_BEARER_ASSERTION_TYPE,
  protectedHeaderSegment,
  publicJwk,
  ROUTES,
  STATES,
} from '@pipeshub/contracts'
import { importJWK, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { OAuthClient } from '../index.js'
import { tokenResponse } from './interactions.js'

// RFC 7523 §2.2: a confidential client without a secret authenticates with an assertion signed by its
// key. The key is the contract's fixed one (the provider state registers its public part), so the
// assertion's header is pinned in the pact; its claims are matched as a compact JWS and re-signed for
// the provider (aud, iat, exp, jti only) by its verification.

const TOKEN_ENDPOINT = `${EXAMPLE.issuer}${ROUTES.token}`

/** The example assertion: RS256 is deterministic, so these bytes are the same on every run. */
async function exampleClientAssertion(): Promise<string> {
  const { alg, ...key } = EXAMPLE.clientAssertionKey
  return new SignJWT({ ...EXAMPLE_CLIENT_ASSERTION_CLAIMS })
    .setProtectedHeader({ ...CLIENT_ASSERTION_HEADER })
    .sign(await importJWK(key, alg))
}

describe('private_key_jwt client authentication (RFC 7523 §2.2)', () => {
  it('authenticates a client credentials request with an assertion of its key', async () => {
    const pact = consumerPact().given(STATES.privateKeyJwtClientExists, {
      clientId: EXAMPLE.privateKeyJwtClientId,
      jwks: { keys: [publicJwk(EXAMPLE.clientAssertionKey)] },
      signingAlg: EXAMPLE.clientAssertionKey.alg,
      scopes: EXAMPLE.scopes.clientCredentials.split(' '),
      grantTypes: ['client_credentials'],
    })
    pact
      .uponReceiving('a client credentials token request authenticated with private_key_jwt')
      .withRequest({
        method: 'POST',
        path: ROUTES.token,
        headers: { Accept: 'application/json', 'Content-Type': FORM_CONTENT_TYPE },
        // Not `formBody`: the client-authentication members are no part of the grant's request schema.
        body: {
          grant_type: 'client_credentials',
          scope: EXAMPLE.scopes.clientCredentials,
          client_id: EXAMPLE.privateKeyJwtClientId,
          client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
          client_assertion: MatchersV3.regex(
            compactJwsPattern(protectedHeaderSegment(CLIENT_ASSERTION_HEADER)),
            await exampleClientAssertion(),
          ),
        },
      })
      .willRespondWith(tokenResponse({ scope: EXAMPLE.scopes.clientCredentials }))
    await pact.executeTest(async (mockServer) => {
      const assertions: string[] = []
      const throughMock = fetchThroughMockServer(mockServer.url)
      const client = new OAuthClient({
        metadata: { issuer: EXAMPLE.issuer, tokenEndpoint: TOKEN_ENDPOINT },
        clientId: EXAMPLE.privateKeyJwtClientId,
        privateKeyJwt: { key: { ...EXAMPLE.clientAssertionKey } },
        fetch: (input, init) => {
          const sent = new URLSearchParams(String(init?.body ?? '')).get('client_assertion')
          if (sent !== null) assertions.push(sent)
          return throughMock(input, init)
        },
        now: () => EXAMPLE_NOW_MS,
        retry: false,
      })
      const tokens = await client.clientCredentials({ scope: EXAMPLE.scopes.clientCredentials })
      expect(tokens.tokenType).toBe('Bearer')
      expect(tokens.accessToken).toBe(EXAMPLE.accessToken)
      // What the provider's re-signing keeps (iss, sub, the lifetime) is the client's to get right.
      expect(assertions).toHaveLength(1)
      const { alg, ...key } = publicJwk(EXAMPLE.clientAssertionKey)
      const { payload, protectedHeader } = await jwtVerify(
        assertions[0] ?? '',
        await importJWK(key, String(alg)),
        { currentDate: new Date(EXAMPLE_NOW_MS) },
      )
      expect(protectedHeader).toEqual(CLIENT_ASSERTION_HEADER)
      expect(payload).toEqual({
        iss: EXAMPLE.privateKeyJwtClientId,
        sub: EXAMPLE.privateKeyJwtClientId,
        aud: EXAMPLE.issuer,
        jti: expect.any(String),
        iat: EXAMPLE_NOW_MS / 1000,
        exp: EXAMPLE_NOW_MS / 1000 + 60,
      })
    })
  })
})
