import { Compile } from 'typebox/compile'
import { describe, expect, it } from 'vitest'
import {
  authorizationCodeTokenRequestCodec,
  clientCredentialsTokenRequestCodec,
  DEVICE_CODE_GRANT_TYPE,
  deviceCodeTokenRequestCodec,
  refreshTokenRequestCodec,
  TOKEN_REQUEST_GRANT_TYPES,
  TokenRequestWire,
  tokenRequestCodecFor,
} from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields, type MemberBoundaries } from './test-support/wire-fields.js'

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'

const vschar: MemberBoundaries = {
  accept: [' ', '~', 'SplxlOBeZQQYbYS6WxSbIA', 'x'.repeat(2048)],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: 'cödé', keyword: 'pattern' },
    { value: 'tab\there', keyword: 'pattern' },
    { value: ['a', 'b'], keyword: 'type' },
    { value: 1, keyword: 'type' },
  ],
}
const clientId: MemberBoundaries = {
  accept: ['0f6c1d1e-8a6b-4e39-9a8f-4f7f2b1c9d00', 's6BhdRkqt3', ' '],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: 'clïent', keyword: 'pattern' },
    { value: 7, keyword: 'type' },
  ],
}
const clientSecret: MemberBoundaries = {
  accept: ['7Fjfp0ZBr1KtDRbnfVdmIw', 'a'.repeat(64)],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: 'sécret', keyword: 'pattern' },
    { value: null, keyword: 'type' },
  ],
}
const scopeValues = ['kb:read', 'kb:read kb:write', 'org:admin openid']
const resource: MemberBoundaries = {
  accept: [
    'https://mcp.example.com/mcp',
    'https://api.example.com/v1?tenant=a',
    'urn:example:resource',
    ['https://a.example/mcp', 'https://b.example/api'],
  ],
  reject: [
    { value: '/mcp', keyword: 'anyOf' },
    { value: 'https://mcp.example.com/mcp#section', keyword: 'anyOf' },
    { value: [], keyword: 'anyOf' },
    { value: ['https://a.example', 'relative'], keyword: 'anyOf' },
    { value: 7, keyword: 'anyOf' },
  ],
}

describeWireFields(authorizationCodeTokenRequestCodec, {
  full: {
    grant_type: 'authorization_code',
    code: 'SplxlOBeZQQYbYS6WxSbIA',
    redirect_uri: 'https://client.example.com/cb',
    code_verifier: VERIFIER,
    client_id: 's6BhdRkqt3',
    client_secret: '7Fjfp0ZBr1KtDRbnfVdmIw',
    resource: ['https://mcp.example.com/mcp'],
  },
  required: ['grant_type', 'code'],
  members: {
    grant_type: {
      accept: ['authorization_code'],
      reject: [
        { value: 'Authorization_Code', keyword: 'const' },
        { value: 'refresh_token', keyword: 'const' },
        { value: '', keyword: 'const' },
      ],
    },
    code: vschar,
    redirect_uri: {
      accept: [
        'https://client.example.com/cb',
        'http://127.0.0.1:51004/callback?tenant=a',
        'com.example.app:/oauth2redirect',
      ],
      reject: [
        { value: '/cb', keyword: 'format' },
        { value: 'https://client.example.com/cb#fragment', keyword: 'pattern' },
        { value: 'https://client example.com/cb', keyword: 'format' },
        { value: '', keyword: 'format' },
      ],
    },
    code_verifier: {
      accept: ['a'.repeat(43), 'Z'.repeat(128), `${'0'.repeat(40)}-._~`, VERIFIER],
      reject: [
        { value: 'a'.repeat(42), keyword: 'pattern' },
        { value: 'a'.repeat(129), keyword: 'pattern' },
        { value: `${'a'.repeat(42)}+`, keyword: 'pattern' },
        { value: `${'a'.repeat(42)}=`, keyword: 'pattern' },
        { value: 43, keyword: 'type' },
      ],
    },
    resource,
    client_id: clientId,
    client_secret: clientSecret,
  },
})
describeRoundTrips(authorizationCodeTokenRequestCodec)

describeWireFields(clientCredentialsTokenRequestCodec, {
  full: {
    grant_type: 'client_credentials',
    scope: 'kb:read',
    client_id: 's6BhdRkqt3',
    client_secret: 'secret',
    resource: 'https://mcp.example.com/mcp',
  },
  required: ['grant_type'],
  members: {
    grant_type: {
      accept: ['client_credentials'],
      reject: [
        { value: 'password', keyword: 'const' },
        { value: 'CLIENT_CREDENTIALS', keyword: 'const' },
      ],
    },
    scope: {
      accept: scopeValues,
      reject: [
        { value: '', keyword: 'pattern' },
        { value: 'kb:read  kb:write', keyword: 'pattern' },
        { value: ['kb:read'], keyword: 'type' },
      ],
    },
    resource,
    client_id: clientId,
    client_secret: clientSecret,
  },
})
describeRoundTrips(clientCredentialsTokenRequestCodec)

describeWireFields(refreshTokenRequestCodec, {
  full: {
    grant_type: 'refresh_token',
    refresh_token: 'tGzv3JOkF0XG5Qx2TlKWIA',
    scope: 'kb:read',
    resource: 'https://mcp.example.com/mcp',
    client_id: 'c',
  },
  required: ['grant_type', 'refresh_token'],
  members: {
    grant_type: {
      accept: ['refresh_token'],
      reject: [{ value: 'refresh', keyword: 'const' }],
    },
    refresh_token: vschar,
    scope: {
      accept: scopeValues,
      reject: [
        { value: ' kb:read', keyword: 'pattern' },
        { value: 3, keyword: 'type' },
      ],
    },
    resource,
    client_id: clientId,
    client_secret: clientSecret,
  },
})
describeRoundTrips(refreshTokenRequestCodec)

describeWireFields(deviceCodeTokenRequestCodec, {
  full: {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    device_code: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
    client_id: '1406020730',
    client_secret: '7Fjfp0ZBr1KtDRbnfVdmIw',
  },
  required: ['grant_type', 'device_code'],
  members: {
    grant_type: {
      accept: ['urn:ietf:params:oauth:grant-type:device_code'],
      reject: [
        { value: 'device_code', keyword: 'const' },
        { value: 'urn:ietf:params:oauth:grant-type:device_code ', keyword: 'const' },
      ],
    },
    device_code: vschar,
    client_id: clientId,
    client_secret: clientSecret,
  },
})
describeRoundTrips(deviceCodeTokenRequestCodec)

describe('deviceCodeTokenRequestCodec', () => {
  // RFC 8628 §3.4, the example request's form body.
  it('decodes the RFC 8628 §3.4 example request', () => {
    const form = new URLSearchParams(
      'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS&client_id=1406020730',
    )
    expect(deviceCodeTokenRequestCodec.decode(Object.fromEntries(form))).toEqual({
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      deviceCode: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
      clientId: '1406020730',
    })
  })

  it('is a grant type of TokenRequest', () => {
    expect(TOKEN_REQUEST_GRANT_TYPES).toContain('urn:ietf:params:oauth:grant-type:device_code')
  })
})

describe('authorizationCodeTokenRequestCodec', () => {
  it('maps the form parameters to the camelCase model', () => {
    expect(
      authorizationCodeTokenRequestCodec.decode({
        grant_type: 'authorization_code',
        code: 'c',
        redirect_uri: 'https://client.example.com/cb',
        code_verifier: VERIFIER,
        client_id: 'id',
        client_secret: 'secret',
      }),
    ).toEqual({
      grantType: 'authorization_code',
      code: 'c',
      redirectUri: 'https://client.example.com/cb',
      codeVerifier: VERIFIER,
      clientId: 'id',
      clientSecret: 'secret',
    })
  })
})

describe('tokenRequestCodecFor', () => {
  it.each([
    ['authorization_code', authorizationCodeTokenRequestCodec],
    ['client_credentials', clientCredentialsTokenRequestCodec],
    ['refresh_token', refreshTokenRequestCodec],
    ['urn:ietf:params:oauth:grant-type:device_code', deviceCodeTokenRequestCodec],
  ] as const)('picks the codec of the %s grant', (grantType, codec) => {
    expect(tokenRequestCodecFor(grantType)).toBe(codec)
  })

  it.each([
    undefined,
    '',
    'password',
    'device_code',
    'urn:ietf:params:oauth:grant-type:device_code ',
    'toString',
    '__proto__',
    1,
  ])('has no codec for grant_type %s', (grantType) => {
    expect(tokenRequestCodecFor(grantType)).toBeUndefined()
  })

  it('names the members of the grant the request asks for', () => {
    const codec = tokenRequestCodecFor('refresh_token')
    expect(codec?.validate({ grant_type: 'refresh_token' })).toEqual([
      { path: '/refresh_token', keyword: 'required', message: 'is required' },
    ])
  })
})

describe('TokenRequestWire', () => {
  const validator = Compile(TokenRequestWire)
  it('accepts a request of each grant', () => {
    expect(validator.Check({ grant_type: 'authorization_code', code: 'c' })).toBe(true)
    expect(validator.Check({ grant_type: 'client_credentials' })).toBe(true)
    expect(validator.Check({ grant_type: 'refresh_token', refresh_token: 'r' })).toBe(true)
    expect(validator.Check({ grant_type: DEVICE_CODE_GRANT_TYPE, device_code: 'd' })).toBe(true)
  })
  it('refuses a grant without its own members, or an unknown grant', () => {
    expect(validator.Check({ grant_type: 'authorization_code' })).toBe(false)
    expect(validator.Check({ grant_type: 'refresh_token', code: 'c' })).toBe(false)
    expect(validator.Check({ grant_type: 'password', username: 'u', password: 'p' })).toBe(false)
    expect(validator.Check({ grant_type: DEVICE_CODE_GRANT_TYPE, code: 'c' })).toBe(false)
  })
})
