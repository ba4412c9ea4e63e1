import { protectedResourceMetadataCodec } from '@pipeshub/models'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createAuthorizationServer } from '../authorization-server.js'
import { createDPoPNonces } from '../dpop/nonce.js'
import { createDPoPProofVerifier, type DPoPProofVerifier } from '../dpop/proof.js'
import { createMemoryStore } from '../store/memory.js'
import { dpopKey } from '../test-support/dpop.js'
import { basic, ISSUER } from '../test-support/fixtures.js'
import { bearerGuard, protectedResourcePlugin, resourceMetadataChallenge } from './protected-resource.js'

const RESOURCE = 'https://api.pipeshub.test/mcp'
const METADATA_URL = 'https://api.pipeshub.test/.well-known/oauth-protected-resource/mcp'

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function resourceServer(dpop?: (store: ReturnType<typeof createMemoryStore>) => DPoPProofVerifier) {
  const store = createMemoryStore()
  const server = createAuthorizationServer({ issuer: ISSUER, store, resources: [{ resource: RESOURCE }] })
  const instance = Fastify()
  app = instance
  await instance.register(protectedResourcePlugin, {
    metadata: {
      resource: RESOURCE,
      authorizationServers: [ISSUER],
      scopesSupported: ['kb:read'],
      bearerMethodsSupported: ['header'],
    },
  })
  instance.get(
    '/mcp',
    {
      preHandler: bearerGuard({
        resource: RESOURCE,
        verifyAccessToken: (t) => server.verifyAccessToken(t, { audience: RESOURCE }),
        dpop: dpop?.(store),
      }),
    },
    async (request) => ({
      sub: (request as unknown as { accessToken: { sub: string } }).accessToken.sub,
    }),
  )
  const registered = await server.registerClient({
    name: 'svc',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read'],
  })
  const token = (resource?: string, dpop?: string) =>
    server.token(
      { grant_type: 'client_credentials', scope: 'kb:read', ...(resource === undefined ? {} : { resource }) },
      {
        authorization: basic(registered.client.clientId, registered.clientSecret ?? ''),
        ...(dpop === undefined ? {} : { dpop: [dpop] }),
      },
    )
  return { app: instance, token, clientId: registered.client.clientId }
}

describe('RFC 9728 protected resource metadata for resource servers', () => {
  it('publishes the document at the well-known path of the resource, valid against the schema', async () => {
    const { app } = await resourceServer()
    const res = await app.inject({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.headers['cache-control']).toBe('public, max-age=300')
    const body = res.json()
    expect(protectedResourceMetadataCodec.check(body)).toBe(true)
    expect(body).toEqual({
      resource: RESOURCE,
      authorization_servers: [ISSUER],
      scopes_supported: ['kb:read'],
      bearer_methods_supported: ['header'],
    })
  })

  it('refuses to publish a document the schema cannot describe', async () => {
    const bad = Fastify()
    await expect(
      bad
        .register(protectedResourcePlugin, { metadata: { resource: 'https://api.pipeshub.test/#frag' } })
        .ready(),
    ).rejects.toThrow(/resource/)
    await bad.close()
  })

  it('answers a request without a token 401 with the resource_metadata challenge and no error code', async () => {
    const { app } = await resourceServer()
    const res = await app.inject({ method: 'GET', url: '/mcp' })
    expect(res.statusCode).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`Bearer resource_metadata="${METADATA_URL}"`)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.body).toBe('')
  })

  it('answers invalid_token for a token of another audience and lets a token for the resource through', async () => {
    const { app, token, clientId } = await resourceServer()
    const other = await token()
    const refused = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { authorization: `Bearer ${other.accessToken}` },
    })
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"')
    expect(refused.headers['www-authenticate']).toContain(`resource_metadata="${METADATA_URL}"`)
    const malformed = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { authorization: 'Bearer a b' },
    })
    expect(malformed.headers['www-authenticate']).toContain('error="invalid_request"')
    const good = await token(RESOURCE)
    const ok = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { authorization: `Bearer ${good.accessToken}` },
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ sub: clientId })
  })

  it('refuses a DPoP-bound token presented as Bearer (RFC 9449 §7.2)', async () => {
    const { app, token } = await resourceServer()
    const key = await dpopKey()
    const bound = await token(RESOURCE, await key.proof({ htu: `${ISSUER}/api/v1/oauth2/token` }))
    expect(bound.tokenType).toBe('DPoP')
    const refused = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { authorization: `Bearer ${bound.accessToken}` },
    })
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"')
  })

  it('with a DPoP verifier, accepts a bound token as DPoP with a proof for the request (RFC 9449 §7.1)', async () => {
    const { app, token, clientId } = await resourceServer((store) =>
      createDPoPProofVerifier({ usedJwtIds: store.usedJwtIds, now: () => Math.floor(Date.now() / 1000) }),
    )
    const key = await dpopKey()
    const bound = await token(RESOURCE, await key.proof({ htu: `${ISSUER}/api/v1/oauth2/token` }))
    const accessToken = bound.accessToken
    const call = (headers: Record<string, string>, url = '/mcp?page=2') =>
      app.inject({ method: 'GET', url, headers })
    const proof = (input: Partial<Parameters<typeof key.proof>[0]> = {}) =>
      key.proof({ htm: 'GET', htu: RESOURCE, accessToken, ...input })
    const challenge = (res: { headers: Record<string, unknown> }) => String(res.headers['www-authenticate'])

    const good = await proof()
    const ok = await call({ authorization: `DPoP ${accessToken}`, dpop: good })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ sub: clientId })

    // Without credentials: both schemes, each with the metadata URL, DPoP with its algorithms.
    const none = await call({})
    expect(none.statusCode).toBe(401)
    expect(challenge(none)).toMatch(
      new RegExp(
        `^Bearer resource_metadata="${METADATA_URL}", DPoP resource_metadata="${METADATA_URL}", algs="ES256 `,
      ),
    )
    // §7.2: as Bearer, refused with the DPoP challenge.
    const asBearer = await call({ authorization: `Bearer ${accessToken}` })
    expect([asBearer.statusCode, asBearer.body]).toEqual([401, ''])
    expect(challenge(asBearer)).toMatch(/^DPoP resource_metadata="[^"]+", error="invalid_token"/)

    const refusals: Array<[string, Record<string, string>]> = [
      ['replayed', { authorization: `DPoP ${accessToken}`, dpop: good }],
      ['without a proof', { authorization: `DPoP ${accessToken}` }],
      ['another method', { authorization: `DPoP ${accessToken}`, dpop: await proof({ htm: 'POST' }) }],
      ['another URI', { authorization: `DPoP ${accessToken}`, dpop: await proof({ htu: `${RESOURCE}/x` }) }],
      [
        'another token',
        { authorization: `DPoP ${accessToken}`, dpop: await proof({ accessToken: 'other' }) },
      ],
      ['no ath', { authorization: `DPoP ${accessToken}`, dpop: await proof({ claims: { ath: undefined } }) }],
      [
        'another key',
        {
          authorization: `DPoP ${accessToken}`,
          dpop: await (await dpopKey()).proof({ htm: 'GET', htu: RESOURCE, accessToken }),
        },
      ],
    ]
    for (const [why, headers] of refusals) {
      const refused = await call(headers)
      expect([why, refused.statusCode]).toEqual([why, 401])
      expect([why, challenge(refused)]).toEqual([
        why,
        expect.stringMatching(/^DPoP .*error="invalid_dpop_proof".*algs="/),
      ])
    }

    // A Bearer token presented as DPoP is refused, a Bearer token as Bearer passes.
    const plain = await token(RESOURCE)
    const plainAsDPoP = await call({
      authorization: `DPoP ${plain.accessToken}`,
      dpop: await proof({ accessToken: plain.accessToken }),
    })
    expect(plainAsDPoP.statusCode).toBe(401)
    expect(challenge(plainAsDPoP)).toMatch(/^DPoP .*error="invalid_token"/)
    expect((await call({ authorization: `Bearer ${plain.accessToken}` })).statusCode).toBe(200)
  })

  it('with a verifier requiring nonces, answers use_dpop_nonce with DPoP-Nonce, then accepts the retry (§9)', async () => {
    const now = () => 1_800_000_000
    const { app, token } = await resourceServer((store) =>
      createDPoPProofVerifier({
        usedJwtIds: store.usedJwtIds,
        now,
        nonces: createDPoPNonces({ secrets: async () => [new Uint8Array(32).fill(7)], now }),
      }),
    )
    const key = await dpopKey('ES256', now)
    const bound = await token(
      RESOURCE,
      await key.proof({ htu: `${ISSUER}/api/v1/oauth2/token`, iat: Math.floor(Date.now() / 1000) }),
    )
    const accessToken = bound.accessToken
    const first = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: {
        authorization: `DPoP ${accessToken}`,
        dpop: await key.proof({ htm: 'GET', htu: RESOURCE, accessToken }),
      },
    })
    expect(first.statusCode).toBe(401)
    expect(first.headers['www-authenticate']).toMatch(/^DPoP .*error="use_dpop_nonce"/)
    const nonce = String(first.headers['dpop-nonce'])
    expect(nonce).not.toBe('undefined')
    const retried = await app.inject({
      method: 'GET',
      url: '/mcp',
      headers: {
        authorization: `DPoP ${accessToken}`,
        dpop: await key.proof({ htm: 'GET', htu: RESOURCE, accessToken, nonce }),
      },
    })
    expect(retried.statusCode).toBe(200)
  })

  it('writes the challenge parameters as quoted strings, replacing characters they cannot hold', () => {
    expect(
      resourceMetadataChallenge({
        resourceMetadata: METADATA_URL,
        error: 'insufficient_scope',
        errorDescription: 'needs "kb:read"',
        scope: 'kb:read',
      }),
    ).toBe(
      `Bearer resource_metadata="${METADATA_URL}", error="insufficient_scope", error_description="needs 'kb:read'", scope="kb:read"`,
    )
  })
})
