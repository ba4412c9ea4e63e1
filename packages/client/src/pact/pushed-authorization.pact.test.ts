import { createHash } from 'node:crypto'
import { EXAMPLE, matchersFor, ROUTES, tokenResponseHeaders } from '@pipeshub/contracts'
import { PushedAuthorizationResponseWire } from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import type { OAuthClient } from '../index.js'
import {
  clientAgainst,
  clientAuthenticatedPost,
  expectOAuthError,
  oauthErrorResponse,
  pactWithConfidentialClient,
} from './interactions.js'

// Pushed authorization requests (RFC 9126 §2): the client pushes its authorization request with its
// client authentication and sends the user agent with the request_uri only.

const METADATA = {
  issuer: EXAMPLE.issuer,
  authorizationEndpoint: `${EXAMPLE.issuer}${ROUTES.authorization}`,
  tokenEndpoint: `${EXAMPLE.issuer}${ROUTES.token}`,
  pushedAuthorizationRequestEndpoint: `${EXAMPLE.issuer}${ROUTES.pushedAuthorizationRequest}`,
  jwksUri: `${EXAMPLE.issuer}${ROUTES.jwks}`,
}
const client = (mockServerUrl: string): OAuthClient => clientAgainst(mockServerUrl, METADATA)

/** RFC 7636 §4.2: the S256 challenge of `EXAMPLE.codeVerifier`. */
const CODE_CHALLENGE = createHash('sha256').update(EXAMPLE.codeVerifier).digest('base64url')

/** The pushed parameters (RFC 9126 §2.1: those of the authorization request, RFC 6749 §4.1.1). */
function pushedRequest(redirectUri: string) {
  // Not `formBody`: RFC 9126 defines no message of its own, only the authorization request's parameters.
  return {
    response_type: 'code',
    client_id: EXAMPLE.clientId,
    redirect_uri: redirectUri,
    scope: EXAMPLE.scopes.user,
    state: EXAMPLE.state,
    nonce: EXAMPLE.nonce,
    code_challenge: CODE_CHALLENGE,
    code_challenge_method: 'S256',
  }
}

const push = (mockServerUrl: string, redirectUri: string) =>
  client(mockServerUrl).pushAuthorizationRequest({
    redirectUri,
    scope: EXAMPLE.scopes.user,
    state: EXAMPLE.state,
    nonce: EXAMPLE.nonce,
    codeVerifier: EXAMPLE.codeVerifier,
  })

describe('pushed authorization request (RFC 9126 §2)', () => {
  it('gets a request_uri and its lifetime, 201, and builds the URL from client_id and request_uri', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a pushed authorization request')
      .withRequest(
        clientAuthenticatedPost(ROUTES.pushedAuthorizationRequest, pushedRequest(EXAMPLE.redirectUri)),
      )
      .willRespondWith({
        status: 201,
        headers: tokenResponseHeaders(),
        body: matchersFor(PushedAuthorizationResponseWire, {
          request_uri: EXAMPLE.requestUri,
          expires_in: EXAMPLE.pushedRequestLifetime,
        }),
      })
    await pact.executeTest(async (mockServer) => {
      const request = await push(mockServer.url, EXAMPLE.redirectUri)
      expect(request.requestUri).toBe(EXAMPLE.requestUri)
      expect(request.expiresIn).toBe(EXAMPLE.pushedRequestLifetime)
      expect(request.state).toBe(EXAMPLE.state)
      expect([...request.url.searchParams]).toEqual([
        ['client_id', EXAMPLE.clientId],
        ['request_uri', EXAMPLE.requestUri],
      ])
    })
  })

  it('hears invalid_request for a redirect_uri the client did not register (RFC 9126 §2.3)', async () => {
    const unregistered = 'https://app.example.com/not-registered'
    const pact = pactWithConfidentialClient()
    pact
      .uponReceiving('a pushed authorization request with an unregistered redirect_uri')
      .withRequest(clientAuthenticatedPost(ROUTES.pushedAuthorizationRequest, pushedRequest(unregistered)))
      .willRespondWith(oauthErrorResponse('invalid_request'))
    await pact.executeTest(async (mockServer) => {
      await expectOAuthError(push(mockServer.url, unregistered), 'invalid_request', 400)
    })
  })
})
