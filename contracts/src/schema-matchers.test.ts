import {
  AuthorizationServerMetadataWire,
  IntrospectionResponseWire,
  OAuthErrorResponseWire,
  OAuthTokenResponseWire,
  wireSchemas,
} from '@pipeshub/models'
import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { ContractExampleError, checkedExample, matchersFor } from './schema-matchers.js'

const pattern = (schema: unknown) => (schema as { pattern: string }).pattern

const tokenResponse = {
  access_token: 'eyJ.a.b',
  token_type: 'Bearer',
  expires_in: 3600,
  scope: 'kb:read kb:write',
}

describe('matchersFor', () => {
  it('turns each pattern into a regex matcher, integers into integer matchers', () => {
    const matchers = matchersFor(OAuthTokenResponseWire, tokenResponse) as Record<
      string,
      Record<string, unknown>
    >
    expect(matchers.access_token).toMatchObject({
      'pact:matcher:type': 'regex',
      regex: pattern(OAuthTokenResponseWire.properties.access_token),
      value: 'eyJ.a.b',
    })
    expect(matchers.token_type).toMatchObject({ 'pact:matcher:type': 'regex', value: 'Bearer' })
    expect(matchers.expires_in).toMatchObject({ 'pact:matcher:type': 'integer', value: 3600 })
    expect(matchers.scope).toMatchObject({
      'pact:matcher:type': 'regex',
      regex: pattern(OAuthTokenResponseWire.properties.scope),
    })
  })

  it('follows the schema when a member is retyped in the models', () => {
    const retyped = Type.Object({ expires_in: Type.String({ pattern: '^[0-9]+$' }) })
    expect(matchersFor(retyped, { expires_in: '3600' })).toEqual({
      expires_in: { 'pact:matcher:type': 'regex', regex: '^[0-9]+$', value: '3600' },
    })
  })

  it('refuses an example member the schema does not define, so a renamed field breaks the test', () => {
    const renamed = { ...tokenResponse, accessToken: 'x' }
    expect(() => matchersFor(OAuthTokenResponseWire, renamed as never)).toThrow(
      /\/accessToken: is not a member/,
    )
  })

  it('refuses an example that lacks a required member', () => {
    const { token_type: _, ...withoutTokenType } = tokenResponse
    expect(() => matchersFor(OAuthTokenResponseWire, withoutTokenType as never)).toThrow(ContractExampleError)
  })

  it('refuses an example of the wrong type and names the member', () => {
    try {
      matchersFor(OAuthTokenResponseWire, { ...tokenResponse, expires_in: '3600' } as never)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ContractExampleError)
      expect((error as ContractExampleError).issues.join()).toContain('/expires_in')
    }
  })

  it('pins booleans exactly and arrays with eachLike of their first item', () => {
    const metadata = matchersFor(AuthorizationServerMetadataWire, {
      issuer: 'https://auth.example',
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'client_credentials'],
    }) as Record<string, Record<string, unknown>>
    expect(metadata.response_types_supported).toMatchObject({ 'pact:matcher:type': 'type', min: 1 })
    expect(metadata.grant_types_supported?.value).toHaveLength(1)
    const introspection = matchersFor(IntrospectionResponseWire, { active: true }) as Record<string, unknown>
    expect(introspection.active).toBe(true)
  })

  it('picks the union member the example belongs to', () => {
    const asString = matchersFor(IntrospectionResponseWire, { active: true, aud: 'api' }) as Record<
      string,
      unknown
    >
    const asArray = matchersFor(IntrospectionResponseWire, { active: true, aud: ['api'] }) as Record<
      string,
      Record<string, unknown>
    >
    expect(asString.aud).toMatchObject({ value: 'api' })
    expect(asArray.aud).toMatchObject({ 'pact:matcher:type': 'type', min: 1 })
  })

  it('keeps const and enum members exact', () => {
    const schema = Type.Object({ kind: Type.Literal('Bearer'), method: Type.Enum(['S256', 'plain']) })
    expect(matchersFor(schema, { kind: 'Bearer', method: 'S256' })).toEqual({
      kind: 'Bearer',
      method: { 'pact:matcher:type': 'regex', regex: '^(S256|plain)$', value: 'S256' },
    })
  })

  it('keeps the members named in `exact` equal to the example, and applies overrides', () => {
    const matchers = matchersFor(
      OAuthErrorResponseWire,
      { error: 'invalid_client', error_description: 'client authentication failed' },
      { exact: ['/error'], overrides: { '/error_description': 'any' } },
    )
    expect(matchers).toEqual({ error: 'invalid_client', error_description: 'any' })
  })

  it('derives matchers for every response schema in the models', () => {
    for (const name of ['OAuthTokenResponse', 'OAuthErrorResponse', 'IntrospectionResponse'] as const) {
      expect(wireSchemas[name]).toBeDefined()
    }
    expect(matchersFor(wireSchemas.OAuthErrorResponse, { error: 'invalid_grant' })).toMatchObject({
      error: { 'pact:matcher:type': 'regex' },
    })
  })
})

describe('checkedExample', () => {
  it('returns a valid example unchanged', () => {
    expect(checkedExample(OAuthErrorResponseWire, { error: 'invalid_scope' })).toEqual({
      error: 'invalid_scope',
    })
  })

  it('throws for an invalid one', () => {
    expect(() => checkedExample(OAuthErrorResponseWire, { error: '' })).toThrow(ContractExampleError)
  })
})
