import { authorizationServerMetadataCodec, errorResponseCodec } from '@pipeshub/models'
import Fastify from 'fastify'
import { generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { oauth2Plugin } from './http/plugin.js'
import {
  authorizationCodeFor,
  basic,
  createUser,
  ISSUER,
  REDIRECT_URI,
  rejection,
  testServer,
} from './test-support/fixtures.js'

// OpenID Connect RP-Initiated Logout 1.0: the end-session endpoint's checks (§§2-4), the client's
// post_logout_redirect_uris (§3.1) and the endpoint in discovery (§2.1).

const BYE = 'https://app.pipeshub.test/signed-out'

async function setUp() {
  const t = testServer()
  await createUser(t.store)
  const { client, clientSecret } = await t.server.registerClient({
    name: 'web app',
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [BYE],
    scopes: ['openid', 'kb:read'],
  })
  const code = await authorizationCodeFor(t.server, client.clientId, { scope: 'openid kb:read' })
  const tokens = await t.server.token(
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
    { authorization: basic(client.clientId, clientSecret ?? '') },
  )
  return { ...t, client, idToken: tokens.idToken ?? '', accessToken: tokens.accessToken }
}

describe('post_logout_redirect_uris (RP-Initiated Logout §3.1)', () => {
  it('are registered and kept exactly, and absent when none', async () => {
    const { server, client, store } = await setUp()
    expect((await store.clients.get(client.clientId))?.postLogoutRedirectUris).toEqual([BYE])
    const { client: plain } = await server.registerClient({ name: 'm2m' })
    expect(plain.postLogoutRedirectUris).toBeUndefined()
  })

  it.each([
    ['http://app.example/bye', 'https'],
    ['https://app.example/bye#top', 'fragment'],
    ['/bye', 'absolute'],
  ])('refuse %s with invalid_client_metadata', async (uri, why) => {
    const { server } = testServer()
    const error = await rejection(
      server.registerClient({ name: 'rp', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [uri] }),
    )
    expect(error.error).toBe('invalid_client_metadata')
    expect(error.errorDescription).toContain(why)
  })
})

describe('the end-session endpoint (RP-Initiated Logout §§2-4)', () => {
  it('§2: an ID token issued here identifies the client and the end-user', async () => {
    const { server, client, idToken } = await setUp()
    const validated = await server.endSession.validate({ id_token_hint: idToken })
    expect(validated.client?.clientId).toBe(client.clientId)
    expect(validated.idTokenHint).toMatchObject({ subject: 'user-alice', clientId: client.clientId })
    expect(validated.postLogoutRedirectUri).toBeUndefined()
  })

  it('§2: accepts an expired id_token_hint (the OP should accept it even after exp)', async () => {
    const { server, clock, idToken } = await setUp()
    clock.advance(30 * 86_400)
    await expect(server.endSession.validate({ id_token_hint: idToken })).resolves.toMatchObject({
      idTokenHint: { subject: 'user-alice' },
    })
  })

  it('§2: refuses an id_token_hint this server did not sign', async () => {
    const { server, client } = await setUp()
    const { privateKey } = await generateKeyPair('ES256')
    const forged = await new SignJWT({ sub: 'user-alice', aud: client.clientId, iss: ISSUER })
      .setProtectedHeader({ alg: 'ES256', kid: 'someone-else', typ: 'JWT' })
      .sign(privateKey)
    expect((await rejection(server.endSession.validate({ id_token_hint: forged }))).error).toBe(
      'invalid_request',
    )
    expect((await rejection(server.endSession.validate({ id_token_hint: 'not-a-jwt' }))).error).toBe(
      'invalid_request',
    )
  })

  it('§2: refuses an id_token_hint signed with our key whose signature was tampered with', async () => {
    const { server, idToken } = await setUp()
    const [header, payload, signature] = idToken.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const swapped = Buffer.from(JSON.stringify({ ...claims, sub: 'user-mallory' })).toString('base64url')
    const error = await rejection(
      server.endSession.validate({ id_token_hint: `${header}.${swapped}.${signature}` }),
    )
    expect(error.error).toBe('invalid_request')
  })

  it('§2: refuses a token of another issuer even when our key signed it, and an access token', async () => {
    const { server, client, accessToken } = await setUp()
    const { signer } = await server.signingKeys.signingKey('RS256')
    const otherIssuer = await signer.sign('JWT', {
      iss: 'https://other.example',
      sub: 'u',
      aud: client.clientId,
    })
    expect((await rejection(server.endSession.validate({ id_token_hint: otherIssuer }))).error).toBe(
      'invalid_request',
    )
    expect((await rejection(server.endSession.validate({ id_token_hint: accessToken }))).error).toBe(
      'invalid_request',
    )
  })

  it('§2: refuses a client_id that is not the audience of id_token_hint', async () => {
    const { server, idToken } = await setUp()
    const { client: other } = await server.registerClient({ name: 'other', redirectUris: [REDIRECT_URI] })
    const error = await rejection(
      server.endSession.validate({ id_token_hint: idToken, client_id: other.clientId }),
    )
    expect(error.errorDescription).toContain('audience')
  })

  it('§3: redirects only to a post_logout_redirect_uri registered for the client, exactly, with state', async () => {
    const { server, client, idToken } = await setUp()
    const validated = await server.endSession.validate({
      id_token_hint: idToken,
      post_logout_redirect_uri: BYE,
      state: 'af0ifjsldkj',
    })
    expect(server.endSession.redirectUrl(validated)).toBe(`${BYE}?state=af0ifjsldkj`)
    const byClientId = await server.endSession.validate({
      client_id: client.clientId,
      post_logout_redirect_uri: BYE,
    })
    expect(server.endSession.redirectUrl(byClientId)).toBe(BYE)
    for (const unregistered of [`${BYE}/`, `${BYE}?x=1`, 'https://evil.example/bye', REDIRECT_URI]) {
      const error = await rejection(
        server.endSession.validate({ id_token_hint: idToken, post_logout_redirect_uri: unregistered }),
      )
      expect(error.errorDescription).toContain('not registered')
    }
  })

  it('§3: refuses a post_logout_redirect_uri when no client is identified', async () => {
    const { server } = await setUp()
    const error = await rejection(server.endSession.validate({ post_logout_redirect_uri: BYE }))
    expect(error.errorDescription).toContain('identify the client')
  })

  it('§2: refuses an unknown or disabled client, and accepts logout_hint and ui_locales', async () => {
    const { server, client } = await setUp()
    expect((await rejection(server.endSession.validate({ client_id: 'nobody' }))).error).toBe(
      'invalid_request',
    )
    const hinted = await server.endSession.validate({
      logout_hint: 'alice@pipeshub.test',
      ui_locales: 'fr de',
    })
    expect(hinted.request).toMatchObject({ logoutHint: 'alice@pipeshub.test', uiLocales: 'fr de' })
    await server.disableClient(client.clientId)
    expect((await rejection(server.endSession.validate({ client_id: client.clientId }))).error).toBe(
      'invalid_request',
    )
  })
})

describe('the end-session endpoint over HTTP', () => {
  async function app(withHook: boolean) {
    const t = await setUp()
    const fastify = Fastify()
    await fastify.register(oauth2Plugin, {
      authorizationServer: t.server,
      ...(withHook
        ? {
            endSession: ({ reply, endSessionRequest, authorizationServer }) =>
              reply.code(200).send({
                loggedOut: true,
                next: authorizationServer.endSession.redirectUrl(endSessionRequest) ?? null,
              }),
          }
        : {}),
    })
    return { ...t, fastify }
  }

  it('§2.1: publishes end_session_endpoint in discovery', async () => {
    const { fastify } = await app(false)
    const res = await fastify.inject({ method: 'GET', url: '/.well-known/openid-configuration' })
    expect(authorizationServerMetadataCodec.decode(res.json()).endSessionEndpoint).toBe(
      `${ISSUER}/api/v1/oauth2/logout`,
    )
  })

  it('§2: accepts GET and POST; without a logout hook it redirects with state, or answers 204', async () => {
    const { fastify, idToken } = await app(false)
    const query = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 's 1' })
    const get = await fastify.inject({ method: 'GET', url: `/api/v1/oauth2/logout?${query}` })
    expect(get.statusCode).toBe(302)
    expect(get.headers.location).toBe(`${BYE}?state=s+1`)
    const post = await fastify.inject({
      method: 'POST',
      url: '/api/v1/oauth2/logout',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ id_token_hint: idToken }).toString(),
    })
    expect(post.statusCode).toBe(204)
    const put = await fastify.inject({ method: 'PUT', url: '/api/v1/oauth2/logout' })
    expect(put.statusCode).toBe(405)
    expect(put.headers.allow).toBe('GET, POST')
  })

  it('§4: an invalid request is answered invalid_request (400) and never redirected', async () => {
    const { fastify } = await app(true)
    for (const query of [
      new URLSearchParams({ post_logout_redirect_uri: BYE }),
      new URLSearchParams({ client_id: 'nobody', post_logout_redirect_uri: 'https://evil.example/' }),
      new URLSearchParams({ id_token_hint: 'x.y.z' }),
      new URLSearchParams({ post_logout_redirect_uri: 'not a uri' }),
    ]) {
      const res = await fastify.inject({ method: 'GET', url: `/api/v1/oauth2/logout?${query}` })
      expect(res.statusCode).toBe(400)
      expect(res.headers.location).toBeUndefined()
      expect(errorResponseCodec.decode(res.json()).error).toBe('invalid_request')
    }
  })

  it('hands a valid request to the host hook with its validated redirect', async () => {
    const { fastify, client } = await app(true)
    const query = new URLSearchParams({
      client_id: client.clientId,
      post_logout_redirect_uri: BYE,
      state: 'x',
    })
    const res = await fastify.inject({ method: 'GET', url: `/api/v1/oauth2/logout?${query}` })
    expect(res.json()).toEqual({ loggedOut: true, next: `${BYE}?state=x` })
  })
})
