import { decodeJwt, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { DPoPKey } from './dpop.js'
import { OAuthError, ResponseValidationError } from './errors.js'
import { OAuthClient, type OAuthClientOptions } from './oauth-client.js'
import { cannedFetch, json, type RecordedRequest, type Reply, text } from './test-support/canned-fetch.js'

// The client side of RFC 9449 against canned answers: what goes on the wire, and what the client does
// with a nonce challenge. The interop suite (src/interop/) runs the same against node-oidc-provider.

const metadata = {
  issuer: 'https://as.example',
  authorizationEndpoint: 'https://as.example/authorize',
  tokenEndpoint: 'https://as.example/token',
  userinfoEndpoint: 'https://as.example/userinfo',
}
const dpopTokens = { access_token: 'at-dpop', token_type: 'DPoP', expires_in: 60, refresh_token: 'rt-1' }
const useNonce: Reply = json(
  400,
  { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' },
  { 'DPoP-Nonce': 'eyJ7S_zG.eyJH0-Z.HX4w-7v' },
)

async function clientWith(replies: Reply[], options: Partial<OAuthClientOptions> = {}) {
  const canned = cannedFetch(...replies)
  const dpop = await DPoPKey.generate()
  const client = new OAuthClient({ metadata, clientId: 'spa', fetch: canned.fetch, dpop, ...options })
  return { client, dpop, requests: canned.requests }
}

async function proofOf(request: RecordedRequest | undefined) {
  const proof = request?.headers.get('dpop')
  if (proof === null || proof === undefined) throw new Error('the request has no DPoP header')
  return (await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' })).payload
}

describe('DPoP at the token endpoint (RFC 9449 §5)', () => {
  it('sends a proof for POST to the token endpoint with every token request, and accepts token_type DPoP', async () => {
    const { client, dpop, requests } = await clientWith([json(200, dpopTokens)])
    const tokens = await client.refresh({ refreshToken: 'rt-0' })
    expect(tokens).toMatchObject({ accessToken: 'at-dpop', tokenType: 'DPoP' })
    const proof = await proofOf(requests[0])
    expect(proof).toMatchObject({ htm: 'POST', htu: metadata.tokenEndpoint })
    expect(proof).not.toHaveProperty('ath')
    expect(decodeProtectedHeader(requests[0]?.headers.get('dpop') as string).jwk).toEqual(dpop.publicJwk)
  })

  it('answers use_dpop_nonce once with a new proof carrying the nonce (RFC 9449 §8), even for a code exchange', async () => {
    const { client, requests } = await clientWith([useNonce, json(200, dpopTokens)])
    await client.exchangeAuthorizationCode({
      code: 'c',
      redirectUri: 'https://app/cb',
      codeVerifier: 'v'.repeat(43),
    })
    expect(requests).toHaveLength(2)
    const [first, second] = [await proofOf(requests[0]), await proofOf(requests[1])]
    expect(first).not.toHaveProperty('nonce')
    expect(second.nonce).toBe('eyJ7S_zG.eyJH0-Z.HX4w-7v')
    expect(second.jti).not.toBe(first.jti)
    expect(requests[1]?.form.get('code')).toBe('c')
  })

  it('reports a second use_dpop_nonce as the OAuthError it is, instead of asking forever', async () => {
    const { client, requests } = await clientWith([useNonce])
    const error = await client.clientCredentials().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OAuthError)
    expect(error).toMatchObject({ error: 'use_dpop_nonce', status: 400 })
    expect(requests).toHaveLength(2)
  })

  it('keeps a nonce a successful response gives (RFC 9449 §8.2) for the next proof', async () => {
    const { client, requests } = await clientWith([json(200, dpopTokens, { 'DPoP-Nonce': 'next-nonce' })])
    await client.clientCredentials()
    await client.clientCredentials()
    expect((await proofOf(requests[1])).nonce).toBe('next-nonce')
  })

  it('signs a new proof for every retry of a 503 (a proof replayed is refused)', async () => {
    const { client, requests } = await clientWith([text(503, 'busy'), json(200, dpopTokens)], {
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    })
    await client.clientCredentials()
    expect(requests).toHaveLength(2)
    expect((await proofOf(requests[0])).jti).not.toBe((await proofOf(requests[1])).jti)
  })

  it('refuses a DPoP token type when the client has no DPoP key: it could not present the token', async () => {
    const canned = cannedFetch(json(200, dpopTokens))
    const client = new OAuthClient({ metadata, clientId: 'spa', fetch: canned.fetch })
    const error = await client.clientCredentials().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect((error as ResponseValidationError).issues[0]).toMatchObject({ path: '/token_type' })
    expect(canned.requests[0]?.headers.get('dpop')).toBeNull()
  })

  it('keeps a Bearer token from a server that ignored the proof (RFC 9449 §5)', async () => {
    const { client } = await clientWith([json(200, { ...dpopTokens, token_type: 'Bearer' })])
    await expect(client.clientCredentials()).resolves.toMatchObject({ tokenType: 'Bearer' })
  })

  it('refuses a key whose algorithm the server does not list in dpop_signing_alg_values_supported', async () => {
    const dpop = await DPoPKey.generate('EdDSA')
    expect(
      () =>
        new OAuthClient({
          metadata: { ...metadata, dpopSigningAlgValuesSupported: ['ES256'] },
          clientId: 'spa',
          dpop,
        }),
    ).toThrow('does not accept DPoP proofs signed EdDSA')
  })

  it('binds the authorization code to the key: dpop_jkt on the authorization request (RFC 9449 §10)', async () => {
    const { client, dpop } = await clientWith([])
    const request = await client.createAuthorizationRequest({ redirectUri: 'https://app/cb' })
    expect(request.url.searchParams.get('dpop_jkt')).toBe(dpop.thumbprint)
  })
})

describe('DPoP at resource servers (RFC 9449 §7) and userinfo', () => {
  const challenge: Reply = text(401, '', {
    'WWW-Authenticate':
      'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
    'DPoP-Nonce': 'rs-nonce',
  })

  it('userinfo presents a DPoP token as "Authorization: DPoP" with a proof carrying ath, and answers the nonce challenge (§9)', async () => {
    const { client, requests } = await clientWith([challenge, json(200, { sub: 'ada' })])
    await expect(client.userinfo({ accessToken: 'at-dpop', tokenType: 'DPoP' })).resolves.toMatchObject({
      sub: 'ada',
    })
    expect(requests).toHaveLength(2)
    expect(requests[1]?.headers.get('authorization')).toBe('DPoP at-dpop')
    const proof = await proofOf(requests[1])
    expect(proof).toMatchObject({ htm: 'GET', htu: metadata.userinfoEndpoint, nonce: 'rs-nonce' })
    expect(proof.ath).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('userinfo sends a Bearer token of the response as Bearer, without a proof', async () => {
    const { client, requests } = await clientWith([json(200, { sub: 'ada' })])
    await client.userinfo({ accessToken: 'at-bearer', tokenType: 'Bearer' })
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer at-bearer')
    expect(requests[0]?.headers.get('dpop')).toBeNull()
  })

  it('a DPoP token without the key to prove it is a TypeError before anything is sent', async () => {
    const canned = cannedFetch(json(200, { sub: 'ada' }))
    const client = new OAuthClient({ metadata, clientId: 'spa', fetch: canned.fetch })
    await expect(client.userinfo({ accessToken: 'at', tokenType: 'DPoP' })).rejects.toThrow(TypeError)
    expect(canned.requests).toHaveLength(0)
  })

  it('fetchProtectedResource: method, body and headers of the caller, the proof for them, the body left to read', async () => {
    const { client, requests } = await clientWith([challenge, text(201, 'created')])
    const response = await client.fetchProtectedResource(
      'https://rs.example/items?page=2',
      { accessToken: 'at-dpop', tokenType: 'DPoP' },
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' },
    )
    expect(response.status).toBe(201)
    expect(await response.text()).toBe('created')
    expect(requests.map((request) => request.body)).toEqual(['hello', 'hello'])
    const proof = await proofOf(requests[1])
    expect(proof).toMatchObject({ htm: 'POST', htu: 'https://rs.example/items', nonce: 'rs-nonce' })
    expect(requests[1]?.headers.get('content-type')).toBe('text/plain')
    expect(decodeJwt(requests[1]?.headers.get('dpop') as string).ath).toBe(proof.ath)
  })

  it('fetchProtectedResource hands back an error status as a response, not an exception', async () => {
    const { client, requests } = await clientWith([text(403, 'no')])
    const response = await client.fetchProtectedResource(new URL('https://rs.example/'), 'at-dpop')
    expect(response.status).toBe(403)
    expect(requests).toHaveLength(1)
  })
})
