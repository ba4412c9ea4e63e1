import { clientRegistrationResponseCodec, errorResponseCodec } from '@pipeshub/models'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory.js'
import { dpopKey } from '../test-support/dpop.js'
import { ISSUER } from '../test-support/fixtures.js'
import { type AuthorizationServerApp, buildAuthorizationServerApp } from './app.js'

const REGISTER = '/api/v1/oauth2/register'
const NATIVE = {
  redirect_uris: ['http://127.0.0.1:33418/callback'],
  token_endpoint_auth_method: 'none',
  client_name: 'agent',
}

let app: AuthorizationServerApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function start(registration: { initialAccessTokens?: string[]; scopes?: string[] } = {}) {
  app = await buildAuthorizationServerApp({ issuer: ISSUER, store: createMemoryStore(), registration })
  return app
}

const post = (app: AuthorizationServerApp, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: REGISTER,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })

function expectError(res: { statusCode: number; json(): unknown }, error: string, status = 400) {
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(errorResponseCodec.check(body)).toBe(true)
  expect(body).toMatchObject({ error })
}

describe('RFC 7591 dynamic client registration over HTTP', () => {
  it('registers a public native client, publishes the endpoint in discovery, and answers 201 no-store', async () => {
    const app = await start({ scopes: ['openid', 'offline_access', 'kb:read'] })
    const discovery = await app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })
    expect(discovery.json()).toMatchObject({ registration_endpoint: `${ISSUER}${REGISTER}` })
    const res = await post(app, NATIVE)
    expect(res.statusCode).toBe(201)
    expect(res.headers['cache-control']).toBe('no-store')
    const body = res.json()
    expect(clientRegistrationResponseCodec.check(body)).toBe(true)
    expect(body).toMatchObject({
      client_name: 'agent',
      redirect_uris: NATIVE.redirect_uris,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'openid offline_access kb:read',
      registration_client_uri: `${ISSUER}${REGISTER}/${body.client_id}`,
    })
    expect(body.client_secret).toBeUndefined()
    expect(typeof body.registration_access_token).toBe('string')
    const stored = await app.authorizationServer.store.clientRegistrations.get(body.client_id)
    // The registration access token is stored hashed, never as sent.
    expect(stored?.accessTokenHash).not.toBe(body.registration_access_token)
    expect(JSON.stringify(stored)).not.toContain(body.registration_access_token)
    expect(await app.authorizationServer.store.clients.get(body.client_id)).toMatchObject({
      secretHash: null,
      grantTypes: ['authorization_code'],
    })
  })

  it('gives a confidential client a secret that authenticates at the token endpoint', async () => {
    const app = await start()
    const res = await post(app, {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'kb:read',
    })
    expect(res.statusCode).toBe(201)
    const { client_id, client_secret, client_secret_expires_at } = res.json()
    expect(client_secret_expires_at).toBe(0)
    const token = await app.inject({
      method: 'POST',
      url: '/api/v1/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret }).toString(),
    })
    expect(token.statusCode).toBe(200)
    expect(token.json()).toMatchObject({ scope: 'kb:read' })
  })

  it.each([
    [{ redirect_uris: ['http://app.example/cb'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://app.example/cb#f'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: 'https://app.example/cb' }, 'invalid_redirect_uri'],
    [{ token_endpoint_auth_method: 'none' }, 'invalid_redirect_uri'],
    [{ ...NATIVE, grant_types: ['client_credentials'], response_types: [] }, 'invalid_client_metadata'],
    [{ ...NATIVE, response_types: ['token'] }, 'invalid_client_metadata'],
    [{ ...NATIVE, token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    [{ ...NATIVE, scope: 'org:admin' }, 'invalid_client_metadata'],
    [{ ...NATIVE, scope: 'kb:read  kb:write' }, 'invalid_client_metadata'],
    [{ ...NATIVE, client_name: 7 }, 'invalid_client_metadata'],
  ])('refuses bad metadata with its RFC 7591 §3.2.2 error (%#)', async (body, error) => {
    const app = await start({ scopes: ['openid', 'kb:read'] })
    expectError(await post(app, body), error)
  })

  it('registers dpop_bound_access_tokens (RFC 9449 §5.2): token requests without a proof are refused', async () => {
    const app = await start()
    const res = await post(app, {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'kb:read',
      dpop_bound_access_tokens: true,
    })
    expect(res.statusCode).toBe(201)
    const { client_id, client_secret, dpop_bound_access_tokens } = res.json()
    expect(dpop_bound_access_tokens).toBe(true)
    const token = async (headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/oauth2/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id,
          client_secret,
        }).toString(),
      })
    expectError(await token(), 'invalid_dpop_proof')
    const key = await dpopKey()
    const bound = await token({ dpop: await key.proof({ htu: `${ISSUER}/api/v1/oauth2/token` }) })
    expect(bound.statusCode).toBe(200)
    expect(bound.json()).toMatchObject({ token_type: 'DPoP' })
    expectError(await post(app, { ...NATIVE, dpop_bound_access_tokens: 'yes' }), 'invalid_client_metadata')
  })

  it('registers a private_key_jwt client with jwks (RFC 7591 §2, RFC 7523): no secret, an assertion gets the token', async () => {
    const app = await start()
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(publicKey)), kid: 'dcr-key' }
    const res = await post(app, {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [jwk] },
      scope: 'kb:read',
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(clientRegistrationResponseCodec.check(body)).toBe(true)
    expect(body.client_secret).toBeUndefined()
    expect(body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } })
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'dcr-key' })
      .setIssuer(body.client_id)
      .setSubject(body.client_id)
      .setAudience(ISSUER)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey)
    const token = await app.inject({
      method: 'POST',
      url: '/api/v1/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    })
    expect(token.statusCode).toBe(200)
    // A private key, an unsupported algorithm, or both kinds of keys: refused.
    const keyed = {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'private_key_jwt',
    }
    expectError(
      await post(app, { ...keyed, jwks: { keys: [await exportJWK(privateKey)] } }),
      'invalid_client_metadata',
    )
    expectError(
      await post(app, { ...keyed, jwks: { keys: [jwk] }, token_endpoint_auth_signing_alg: 'HS256' }),
      'invalid_client_metadata',
    )
    expectError(
      await post(app, { ...keyed, jwks: { keys: [jwk] }, jwks_uri: 'https://rp.example/jwks' }),
      'invalid_client_metadata',
    )
    // Open registration fetches no URL an anonymous registrant names.
    expectError(await post(app, { ...keyed, jwks_uri: 'https://rp.example/jwks' }), 'invalid_client_metadata')
  })

  it('takes jwks_uri when registration needs an initial access token, and keeps the kind of authentication on update', async () => {
    const app = await start({ initialAccessTokens: ['initial-token-0123456789'] })
    const auth = { authorization: 'Bearer initial-token-0123456789' }
    const keyed = {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'private_key_jwt',
    }
    const res = await post(app, { ...keyed, jwks_uri: 'https://rp.example/jwks.json' }, auth)
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body.jwks_uri).toBe('https://rp.example/jwks.json')
    expect((await app.authorizationServer.store.clients.get(body.client_id))?.jwksUri).toBe(
      'https://rp.example/jwks.json',
    )
    const put = (metadata: Record<string, unknown>) =>
      app.inject({
        method: 'PUT',
        url: `${REGISTER}/${body.client_id}`,
        headers: {
          authorization: `Bearer ${body.registration_access_token}`,
          'content-type': 'application/json',
        },
        payload: JSON.stringify({ client_id: body.client_id, ...metadata }),
      })
    const moved = await put({ ...keyed, jwks_uri: 'https://rp.example/keys.json' })
    expect(moved.json().jwks_uri).toBe('https://rp.example/keys.json')
    expect((await app.authorizationServer.store.clients.get(body.client_id))?.jwksUri).toBe(
      'https://rp.example/keys.json',
    )
    expectError(
      await put({ ...keyed, token_endpoint_auth_method: 'client_secret_basic', jwks_uri: undefined }),
      'invalid_client_metadata',
    )
  })

  it('answers invalid_request for a body that is not a JSON object, and for another media type', async () => {
    const app = await start()
    expectError(await post(app, '[1]'), 'invalid_request')
    expectError(await post(app, '{"client_name":"a","client_name":"b"}'), 'invalid_request')
    expectError(await post(app, '{'), 'invalid_request')
    const form = await app.inject({
      method: 'POST',
      url: REGISTER,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'client_name=a',
    })
    expectError(form, 'invalid_request')
  })

  it('needs an initial access token when one is configured', async () => {
    const app = await start({ initialAccessTokens: ['iat-secret-1'] })
    const none = await post(app, NATIVE)
    expectError(none, 'invalid_token', 401)
    expect(none.headers['www-authenticate']).toContain('error="invalid_token"')
    expectError(await post(app, NATIVE, { authorization: 'Bearer wrong' }), 'invalid_token', 401)
    expect((await post(app, NATIVE, { authorization: 'Bearer iat-secret-1' })).statusCode).toBe(201)
  })
})

describe('RFC 7592 client configuration endpoint over HTTP', () => {
  async function registered() {
    const app = await start()
    const body = (await post(app, NATIVE)).json()
    const url = `${REGISTER}/${body.client_id}`
    const auth = { authorization: `Bearer ${body.registration_access_token}` }
    return { app, body, url, auth }
  }

  it('reads the registration with its token, and only with it', async () => {
    const { app, body, url, auth } = await registered()
    const read = await app.inject({ method: 'GET', url, headers: auth })
    expect(read.statusCode).toBe(200)
    expect(read.json()).toMatchObject({ client_id: body.client_id, client_name: 'agent' })
    expect(read.json().registration_access_token).toBeUndefined()
    expectError(await app.inject({ method: 'GET', url }), 'invalid_token', 401)
    expectError(
      await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer nope' } }),
      'invalid_token',
      401,
    )
    const other = (await post(app, NATIVE)).json()
    // One client's token opens no other client's registration.
    expectError(
      await app.inject({ method: 'GET', url: `${REGISTER}/${other.client_id}`, headers: auth }),
      'invalid_token',
      401,
    )
  })

  it('replaces the metadata with PUT, keeping client_id and what the server assigned', async () => {
    const { app, body, url, auth } = await registered()
    const put = (payload: unknown) =>
      app.inject({
        method: 'PUT',
        url,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      })
    const updated = await put({
      ...NATIVE,
      client_id: body.client_id,
      client_name: 'renamed',
      redirect_uris: ['http://127.0.0.1:40000/cb'],
    })
    expect(updated.statusCode).toBe(200)
    expect(updated.json()).toMatchObject({
      client_name: 'renamed',
      redirect_uris: ['http://127.0.0.1:40000/cb'],
    })
    expect(await app.authorizationServer.store.clients.get(body.client_id)).toMatchObject({
      name: 'renamed',
      redirectUris: ['http://127.0.0.1:40000/cb'],
    })
    expectError(await put({ ...NATIVE, client_id: 'another' }), 'invalid_request')
    expectError(
      await put({ ...NATIVE, client_id: body.client_id, registration_access_token: 'x' }),
      'invalid_request',
    )
    expectError(
      await put({ ...NATIVE, client_id: body.client_id, redirect_uris: ['http://evil.example/cb'] }),
      'invalid_redirect_uri',
    )
    expectError(
      await put({
        client_id: body.client_id,
        redirect_uris: NATIVE.redirect_uris,
        token_endpoint_auth_method: 'client_secret_basic',
      }),
      'invalid_client_metadata',
    )
    // The refused updates changed nothing.
    expect((await app.authorizationServer.store.clients.get(body.client_id))?.name).toBe('renamed')
  })

  it('registers, echoes and replaces post_logout_redirect_uris (RP-Initiated Logout §3.1), refusing http', async () => {
    const { app, body, url, auth } = await registered()
    expect(body.post_logout_redirect_uris).toBeUndefined()
    const withLogout = (
      await post(app, { ...NATIVE, post_logout_redirect_uris: ['http://127.0.0.1:33418/bye'] })
    ).json()
    expect(withLogout.post_logout_redirect_uris).toEqual(['http://127.0.0.1:33418/bye'])
    expect(
      (await app.authorizationServer.store.clients.get(withLogout.client_id))?.postLogoutRedirectUris,
    ).toEqual(['http://127.0.0.1:33418/bye'])
    expectError(
      await post(app, { ...NATIVE, post_logout_redirect_uris: ['http://evil.example/bye'] }),
      'invalid_client_metadata',
    )
    const put = await app.inject({
      method: 'PUT',
      url,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({
        ...NATIVE,
        client_id: body.client_id,
        post_logout_redirect_uris: ['https://app.example/bye'],
      }),
    })
    expect(put.json().post_logout_redirect_uris).toEqual(['https://app.example/bye'])
    expect((await app.authorizationServer.store.clients.get(body.client_id))?.postLogoutRedirectUris).toEqual(
      ['https://app.example/bye'],
    )
  })

  it('sets and clears dpop_bound_access_tokens with PUT (RFC 7592 §2.2: what is left out goes back to false)', async () => {
    const { app, body, url, auth } = await registered()
    const put = (extra: Record<string, unknown>) =>
      app.inject({
        method: 'PUT',
        url,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ ...NATIVE, client_id: body.client_id, ...extra }),
      })
    const stored = async () =>
      (await app.authorizationServer.store.clients.get(body.client_id))?.dpopBoundAccessTokens
    expect((await put({ dpop_bound_access_tokens: true })).json().dpop_bound_access_tokens).toBe(true)
    expect(await stored()).toBe(true)
    expect((await put({})).json().dpop_bound_access_tokens).toBeUndefined()
    expect(await stored()).toBeUndefined()
  })

  it('deletes the registration: 204, the token stops working and the client is disabled', async () => {
    const { app, body, url, auth } = await registered()
    const deleted = await app.inject({ method: 'DELETE', url, headers: auth })
    expect(deleted.statusCode).toBe(204)
    expectError(await app.inject({ method: 'GET', url, headers: auth }), 'invalid_token', 401)
    expect((await app.authorizationServer.store.clients.get(body.client_id))?.disabledAt).not.toBeNull()
  })

  it('is absent when registration is not configured', async () => {
    app = await buildAuthorizationServerApp({ issuer: ISSUER, store: createMemoryStore() })
    expectError(await post(app, { client_name: 'agent' }), 'invalid_request', 404)
    const discovery = await app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })
    expect(discovery.json().registration_endpoint).toBeUndefined()
  })
})
