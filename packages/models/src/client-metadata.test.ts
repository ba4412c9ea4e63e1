import { describe, expect, it } from 'vitest'
import {
  type ClientMetadata,
  clientMetadataProblem,
  clientRegistrationRequestCodec,
  clientRegistrationResponseCodec,
} from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'

// RFC 7591 §3.1's example request (its redirect URIs are https).
const EXAMPLE = {
  redirect_uris: ['https://client.example.org/callback', 'https://client.example.org/callback2'],
  client_name: 'My Example Client',
  token_endpoint_auth_method: 'client_secret_basic',
  logo_uri: 'https://client.example.org/logo.png',
  ext: 'ignored',
}

describe('RFC 7591 client metadata', () => {
  it('decodes the RFC 7591 §3.1 example, ignoring unknown metadata', () => {
    expect(clientRegistrationRequestCodec.decode(EXAMPLE)).toEqual({
      redirectUris: ['https://client.example.org/callback', 'https://client.example.org/callback2'],
      clientName: 'My Example Client',
      tokenEndpointAuthMethod: 'client_secret_basic',
      logoUri: 'https://client.example.org/logo.png',
    })
  })

  it('refuses an unknown auth method, grant or response type by member', () => {
    const paths = (value: unknown) =>
      clientRegistrationRequestCodec.validate(value).map((issue) => issue.path)
    expect(paths({ token_endpoint_auth_method: 'client_secret_jwt' })).toContain(
      '/token_endpoint_auth_method',
    )
    expect(paths({ grant_types: ['password'] })).toContain('/grant_types/0')
    expect(paths({ response_types: ['token'] })).toContain('/response_types/0')
    expect(paths({ redirect_uris: 'https://a.example/cb' })).toContain('/redirect_uris')
  })

  it('carries the registration access token and configuration URI in the response', () => {
    const wire = {
      client_id: 's6BhdRkqt3',
      client_secret: 'cf136dc3c1fc93f31185e5885805d',
      client_id_issued_at: 2893256800,
      client_secret_expires_at: 0,
      registration_access_token: 'this.is.an.access.token.value.ffx83',
      registration_client_uri: 'https://server.example.com/connect/register?client_id=s6BhdRkqt3',
      redirect_uris: ['https://client.example.org/callback'],
    }
    expect(clientRegistrationResponseCodec.decode(wire)).toMatchObject({
      clientId: 's6BhdRkqt3',
      registrationAccessToken: 'this.is.an.access.token.value.ffx83',
      clientSecretExpiresAt: 0,
    })
    expect(clientRegistrationResponseCodec.encode(clientRegistrationResponseCodec.decode(wire))).toEqual(wire)
  })
})

describe('clientMetadataProblem', () => {
  const good: ClientMetadata = {
    redirectUris: ['http://127.0.0.1:33418/callback'],
    tokenEndpointAuthMethod: 'none',
  }

  it('accepts a public native client on a loopback redirect, and the RFC defaults', () => {
    expect(clientMetadataProblem(good)).toBeUndefined()
    expect(clientMetadataProblem({ redirectUris: ['https://app.example/cb'] })).toBeUndefined()
    expect(
      clientMetadataProblem({
        grantTypes: ['client_credentials'],
        responseTypes: [],
        tokenEndpointAuthMethod: 'client_secret_post',
      }),
    ).toBeUndefined()
  })

  it.each([
    ['http://app.example/cb', 'https'],
    ['https://app.example/cb#x', 'fragment'],
    ['com.example.app:/cb', 'https'],
    ['/cb', 'absolute'],
  ])('answers invalid_redirect_uri for %s', (uri, why) => {
    expect(clientMetadataProblem({ redirectUris: [uri] })).toMatchObject({
      error: 'invalid_redirect_uri',
      description: expect.stringContaining(why),
    })
  })

  it('maps dpop_bound_access_tokens (RFC 9449 §5.2) both ways and refuses a non-boolean', () => {
    const wire = { ...EXAMPLE, dpop_bound_access_tokens: true }
    expect(clientRegistrationRequestCodec.decode(wire)).toMatchObject({ dpopBoundAccessTokens: true })
    expect(clientRegistrationRequestCodec.encode(clientRegistrationRequestCodec.decode(wire))).toMatchObject({
      dpop_bound_access_tokens: true,
    })
    expect(
      clientRegistrationRequestCodec.safeDecode({ ...EXAMPLE, dpop_bound_access_tokens: 'true' }).ok,
    ).toBe(false)
  })

  it('maps jwks, jwks_uri and token_endpoint_auth_signing_alg of a private_key_jwt client (RFC 7591 §2)', () => {
    const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }
    const wire = {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key] },
      token_endpoint_auth_signing_alg: 'ES256',
    }
    const model = clientRegistrationRequestCodec.decode(wire)
    expect(model).toMatchObject({ jwks: { keys: [key] }, tokenEndpointAuthSigningAlg: 'ES256' })
    expect(clientRegistrationRequestCodec.encode(model)).toEqual(wire)
    expect(clientMetadataProblem(model)).toBeUndefined()
    const remote = { ...model, jwks: undefined, jwksUri: 'https://rp.example/jwks.json' }
    expect(clientMetadataProblem(remote)).toBeUndefined()
    expect(clientRegistrationRequestCodec.safeDecode({ ...wire, jwks: { keys: [{}] } }).ok).toBe(false)
  })

  it.each([
    [{ jwksUri: 'https://rp.example/jwks' }, 'both'],
    [{ jwks: undefined }, 'needs jwks or jwks_uri'],
    [{ tokenEndpointAuthMethod: 'client_secret_basic' as const }, 'only for private_key_jwt'],
    [{ jwks: undefined, jwksUri: 'http://rp.example/jwks' }, 'https'],
  ])('refuses inconsistent private_key_jwt metadata (%#)', (change, why) => {
    const keyed = {
      grantTypes: ['client_credentials' as const],
      responseTypes: [],
      tokenEndpointAuthMethod: 'private_key_jwt' as const,
      jwks: { keys: [{ kty: 'EC' }] },
    }
    const problem = clientMetadataProblem({ ...keyed, ...change })
    expect(problem?.error).toBe('invalid_client_metadata')
    expect(problem?.description).toContain(why.replace('both', 'must not both'))
  })

  it('decodes post_logout_redirect_uris (OpenID Connect RP-Initiated Logout 1.0 §3.1)', () => {
    expect(
      clientRegistrationRequestCodec.decode({
        ...EXAMPLE,
        post_logout_redirect_uris: ['https://client.example.org/bye'],
      }),
    ).toMatchObject({ postLogoutRedirectUris: ['https://client.example.org/bye'] })
    expect(
      clientMetadataProblem({ ...good, postLogoutRedirectUris: ['http://127.0.0.1:33418/bye'] }),
    ).toBeUndefined()
  })

  it.each([
    ['http://app.example/bye', 'https'],
    ['https://app.example/bye#x', 'fragment'],
    ['/bye', 'absolute'],
  ])('answers invalid_client_metadata for the post-logout redirect URI %s', (uri, why) => {
    expect(clientMetadataProblem({ ...good, postLogoutRedirectUris: [uri] })).toMatchObject({
      error: 'invalid_client_metadata',
      description: expect.stringContaining(why),
    })
  })

  it('answers invalid_redirect_uri for the code flow without redirect URIs', () => {
    expect(clientMetadataProblem({})).toMatchObject({ error: 'invalid_redirect_uri' })
  })

  it.each([
    [{ ...good, responseTypes: [] }, 'response_types'],
    [{ grantTypes: ['client_credentials'], responseTypes: ['code'] }, 'response_types'],
    [{ grantTypes: ['refresh_token'], responseTypes: [] }, 'refresh_token'],
    [
      { grantTypes: ['client_credentials'], responseTypes: [], tokenEndpointAuthMethod: 'none' },
      'client secret',
    ],
    [{ grantTypes: [] }, 'at least one'],
  ] as Array<[ClientMetadata, string]>)(
    'answers invalid_client_metadata for inconsistent metadata (%#)',
    (metadata, why) => {
      expect(clientMetadataProblem(metadata)).toMatchObject({
        error: 'invalid_client_metadata',
        description: expect.stringContaining(why),
      })
    },
  )
})

describeRoundTrips(clientRegistrationRequestCodec)
describeRoundTrips(clientRegistrationResponseCodec)
