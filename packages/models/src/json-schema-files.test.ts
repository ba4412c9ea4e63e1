import { readFile } from 'node:fs/promises'
import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import * as models from './index.js'
import { jsonSchemaFiles } from './json-schema-files.js'

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>
  scripts: Record<string, string>
}

describe('jsonSchemaFiles', () => {
  const files = jsonSchemaFiles(models.wireSchemas)

  it('writes one file per wire schema, named after its $id', () => {
    expect(files.map((file) => file.name)).toEqual(Object.keys(models.wireSchemas))
    for (const { name, file, text } of files) {
      const schema = JSON.parse(text) as { $id: string; $schema: string; title: string }
      expect(schema.$id).toBe(`https://schemas.pipeshub.com/oauth/${file}`)
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
      expect(schema.title).toBe(name)
    }
  })

  it('includes the token response as RFC 6749 §5.1 names its members', () => {
    const file = files.find((candidate) => candidate.file === 'oauth-token-response.schema.json')
    const schema = JSON.parse(file?.text ?? '{}') as {
      required: string[]
      properties: Record<string, unknown>
    }
    expect(schema.required).toEqual(['access_token', 'token_type'])
    expect(Object.keys(schema.properties)).toEqual([
      'access_token',
      'token_type',
      'expires_in',
      'refresh_token',
      'scope',
      'id_token',
    ])
  })

  it('lists in wireSchemas every exported schema that has a $id', () => {
    const withId = Object.values(models).filter(
      (value) =>
        typeof value === 'object' && value !== null && typeof (value as { $id?: unknown }).$id === 'string',
    )
    expect(new Set(Object.values(models.wireSchemas))).toEqual(new Set(withId))
  })

  it('refuses a schema without $id, or two schemas with one file name', () => {
    expect(() => jsonSchemaFiles({ Anonymous: Type.Object({}) })).toThrow('wire schema Anonymous has no $id')
    const twin = Type.Object(
      {},
      { $id: 'https://schemas.pipeshub.com/oauth/oauth-token-response.schema.json' },
    )
    expect(() => jsonSchemaFiles({ OAuthTokenResponse: models.OAuthTokenResponseWire, Twin: twin })).toThrow(
      'share the $id',
    )
    expect(() => jsonSchemaFiles({ Odd: Type.Object({}, { $id: 'https://x.example/odd.json' }) })).toThrow(
      'not ending in <name>.schema.json',
    )
  })

  it('is published under @pipeshub/models/schemas/<name>.schema.json by the build', () => {
    expect(manifest.exports['./schemas/*.json']).toBe('./dist/schemas/*.json')
    expect(manifest.scripts.build).toContain('scripts/emit-json-schemas.mjs')
  })
})
