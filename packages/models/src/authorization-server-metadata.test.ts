import { describe, expect, it } from 'vitest'
import { authorizationServerMetadataCodec } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields, type MemberBoundaries } from './test-support/wire-fields.js'

const ISSUER = 'https://auth.pipeshub.example'

const url: MemberBoundaries = {
  accept: [`${ISSUER}/api/v1/oauth2/token`, 'http://127.0.0.1:3000/api/v1/oauth2/token?tenant=a'],
  reject: [
    { value: '/api/v1/oauth2/token', keyword: 'format' },
    { value: '', keyword: 'format' },
    { value: 42, keyword: 'type' },
  ],
}
const values: MemberBoundaries = {
  accept: [[], ['code'], ['client_secret_basic', 'client_secret_post', 'none']],
  reject: [
    { value: 'code', keyword: 'type' },
    { value: [''], keyword: 'minLength', path: '/0' },
    { value: ['S256', 256], keyword: 'type', path: '/1' },
  ],
}

const flag: MemberBoundaries = {
  accept: [true, false],
  reject: [
    { value: 'true', keyword: 'type' },
    { value: 1, keyword: 'type' },
    { value: null, keyword: 'type' },
  ],
}

const full = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/api/v1/oauth2/authorize`,
  token_endpoint: `${ISSUER}/api/v1/oauth2/token`,
  jwks_uri: `${ISSUER}/.well-known/jwks.json`,
  registration_endpoint: `${ISSUER}/api/v1/oauth2/register`,
  scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'kb:read'],
  response_types_supported: ['code'],
  response_modes_supported: ['query'],
  grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
  token_endpoint_auth_signing_alg_values_supported: ['ES256'],
  service_documentation: 'https://docs.pipeshub.example/oauth',
  ui_locales_supported: ['en-US', 'fr-FR'],
  op_policy_uri: 'https://pipeshub.example/policy',
  op_tos_uri: 'https://pipeshub.example/terms',
  revocation_endpoint: `${ISSUER}/api/v1/oauth2/revoke`,
  revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  introspection_endpoint: `${ISSUER}/api/v1/oauth2/introspect`,
  introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  code_challenge_methods_supported: ['S256'],
  userinfo_endpoint: `${ISSUER}/api/v1/oauth2/userinfo`,
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256'],
  claims_supported: ['sub', 'iss', 'email', 'email_verified', 'name'],
  authorization_response_iss_parameter_supported: true,
  dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
  pushed_authorization_request_endpoint: `${ISSUER}/api/v1/oauth2/par`,
  require_pushed_authorization_requests: false,
  device_authorization_endpoint: `${ISSUER}/api/v1/oauth2/device_authorization`,
  end_session_endpoint: `${ISSUER}/api/v1/oauth2/logout`,
  request_parameter_supported: false,
  request_uri_parameter_supported: false,
}

function valuesAt(member: string): MemberBoundaries {
  return {
    accept: values.accept,
    // The table's paths are relative to the member; anchor them at it.
    reject: values.reject.map((rejection) =>
      rejection.path === undefined ? rejection : { ...rejection, path: `/${member}${rejection.path}` },
    ),
  }
}

describeWireFields(authorizationServerMetadataCodec, {
  full,
  required: ['issuer', 'response_types_supported'],
  members: {
    issuer: {
      accept: [ISSUER, 'https://auth.pipeshub.example/tenant-a', 'http://127.0.0.1:40123'],
      reject: [
        { value: `${ISSUER}?tenant=a`, keyword: 'pattern' },
        { value: `${ISSUER}#top`, keyword: 'pattern' },
        { value: 'auth.pipeshub.example', keyword: 'format' },
        { value: '', keyword: 'format' },
      ],
    },
    authorization_endpoint: url,
    token_endpoint: url,
    jwks_uri: url,
    registration_endpoint: url,
    scopes_supported: {
      accept: [[], ['openid'], ['kb:read', 'kb:write']],
      reject: [
        { value: 'openid', keyword: 'type' },
        { value: ['kb:read kb:write'], keyword: 'pattern', path: '/scopes_supported/0' },
        { value: [''], keyword: 'pattern', path: '/scopes_supported/0' },
      ],
    },
    response_types_supported: valuesAt('response_types_supported'),
    response_modes_supported: valuesAt('response_modes_supported'),
    grant_types_supported: valuesAt('grant_types_supported'),
    token_endpoint_auth_methods_supported: valuesAt('token_endpoint_auth_methods_supported'),
    token_endpoint_auth_signing_alg_values_supported: valuesAt(
      'token_endpoint_auth_signing_alg_values_supported',
    ),
    service_documentation: url,
    ui_locales_supported: valuesAt('ui_locales_supported'),
    op_policy_uri: url,
    op_tos_uri: url,
    revocation_endpoint: url,
    revocation_endpoint_auth_methods_supported: valuesAt('revocation_endpoint_auth_methods_supported'),
    introspection_endpoint: url,
    introspection_endpoint_auth_methods_supported: valuesAt('introspection_endpoint_auth_methods_supported'),
    code_challenge_methods_supported: valuesAt('code_challenge_methods_supported'),
    userinfo_endpoint: url,
    subject_types_supported: valuesAt('subject_types_supported'),
    id_token_signing_alg_values_supported: valuesAt('id_token_signing_alg_values_supported'),
    claims_supported: valuesAt('claims_supported'),
    authorization_response_iss_parameter_supported: flag,
    dpop_signing_alg_values_supported: valuesAt('dpop_signing_alg_values_supported'),
    pushed_authorization_request_endpoint: url,
    require_pushed_authorization_requests: flag,
    device_authorization_endpoint: url,
    end_session_endpoint: url,
    request_parameter_supported: flag,
    request_uri_parameter_supported: flag,
  },
})
describeRoundTrips(authorizationServerMetadataCodec)

describe('authorizationServerMetadataCodec', () => {
  it('maps the discovery document to camelCase', () => {
    const model = authorizationServerMetadataCodec.decode(full)
    expect(model).toMatchObject({
      issuer: ISSUER,
      tokenEndpoint: full.token_endpoint,
      jwksUri: full.jwks_uri,
      responseTypesSupported: ['code'],
      codeChallengeMethodsSupported: ['S256'],
      userinfoEndpoint: full.userinfo_endpoint,
      idTokenSigningAlgValuesSupported: ['ES256', 'EdDSA', 'RS256'],
      authorizationResponseIssParameterSupported: true,
      deviceAuthorizationEndpoint: full.device_authorization_endpoint,
      endSessionEndpoint: full.end_session_endpoint,
    })
    expect(Object.keys(model)).toHaveLength(Object.keys(full).length)
  })

  it('maps the DPoP (RFC 9449 §5.1) and PAR (RFC 9126 §5) members', () => {
    expect(authorizationServerMetadataCodec.decode(full)).toMatchObject({
      dpopSigningAlgValuesSupported: ['ES256', 'EdDSA'],
      pushedAuthorizationRequestEndpoint: full.pushed_authorization_request_endpoint,
      requirePushedAuthorizationRequests: false,
    })
  })

  it('maps request_parameter_supported and request_uri_parameter_supported (OpenID Discovery §3)', () => {
    expect(authorizationServerMetadataCodec.decode(full)).toMatchObject({
      requestParameterSupported: false,
      requestUriParameterSupported: false,
    })
    expect(
      authorizationServerMetadataCodec.safeDecode({ ...full, request_uri_parameter_supported: 'false' }).ok,
    ).toBe(false)
  })

  it('accepts the minimal RFC 8414 document: issuer and response types', () => {
    expect(
      authorizationServerMetadataCodec.decode({ issuer: ISSUER, response_types_supported: ['code'] }),
    ).toEqual({
      issuer: ISSUER,
      responseTypesSupported: ['code'],
    })
  })

  it('gives the model arrays of its own', () => {
    const wire = {
      issuer: ISSUER,
      response_types_supported: ['code'],
      grant_types_supported: ['refresh_token'],
    }
    const model = authorizationServerMetadataCodec.decode(wire)
    expect(model.responseTypesSupported).not.toBe(wire.response_types_supported)
    expect(model.grantTypesSupported).not.toBe(wire.grant_types_supported)
  })
})
