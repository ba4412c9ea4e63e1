import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Type from 'typebox'
import { afterAll, describe, expect, it } from 'vitest'
import { typeboxFormat } from './codegen/generate.js'
import { type JsonSchema, validatorsModule } from './codegen/validator-module.js'
import { type CompiledValidator, codec, WireValidationError } from './index.js'

// A codec over a validator generated from a schema that is not one of the messages, through the same
// generator the build runs, imported as the build would import it.

const Wire = Type.Object({
  grant: Type.String({ minLength: 1 }),
  nested: Type.Optional(Type.Object({ inner: Type.Integer() })),
  secret: Type.Optional(Type.Never()),
})
interface Model {
  grant: string
  inner?: number
}

const directory = mkdtempSync(join(tmpdir(), 'pipeshub-models-codec-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

async function generated(name: string, schema: JsonSchema): Promise<CompiledValidator> {
  const file = join(directory, `${name}.ts`)
  const walker = new URL('./schema-issues.ts', import.meta.url).href
  writeFileSync(file, validatorsModule({ [name]: schema }, typeboxFormat, 'codec.test.ts', walker))
  const module = (await import(file)) as Record<string, CompiledValidator['check']>
  return {
    check: module[`check${name}`] as CompiledValidator['check'],
    issues: module[`issues${name}`] as never,
  }
}

const testCodec = codec<{ grant: string; nested?: { inner: number } }, Model>(
  'TestMessage',
  await generated('TestMessage', Wire as JsonSchema),
  (wire): Model =>
    wire.nested === undefined ? { grant: wire.grant } : { grant: wire.grant, inner: wire.nested.inner },
  (model) =>
    model.inner === undefined
      ? { grant: model.grant }
      : { grant: model.grant, nested: { inner: model.inner } },
)

describe('codec', () => {
  it('reports a missing member at the member, not at its parent', () => {
    expect(testCodec.validate({ nested: {} })).toEqual([
      { path: '/grant', keyword: 'required', message: 'is required' },
      { path: '/nested/inner', keyword: 'required', message: 'is required' },
    ])
  })

  it('reports a member that must be absent as such', () => {
    expect(testCodec.validate({ grant: 'g', secret: 's' })).toEqual([
      { path: '/secret', keyword: 'not', message: 'must not be present' },
    ])
  })

  it('throws a WireValidationError naming the message and every issue', () => {
    expect(() => testCodec.decode({ grant: '', nested: { inner: 1.5 } })).toThrow(
      new WireValidationError('TestMessage', [
        { path: '/grant', keyword: 'minLength', message: 'must not have fewer than 1 characters' },
        { path: '/nested/inner', keyword: 'type', message: 'must be integer' },
      ]),
    )
    const error = testCodec.safeDecode({})
    expect(error.ok).toBe(false)
    if (!error.ok) {
      expect(error.error).toBeInstanceOf(WireValidationError)
      expect(error.error.name).toBe('WireValidationError')
      expect(error.error.messageName).toBe('TestMessage')
      expect(error.error.message).toBe('invalid TestMessage: /grant: is required')
    }
  })

  it('reports the object itself at the empty path', () => {
    const error = testCodec.safeDecode('grant=g')
    expect(error.ok).toBe(false)
    if (!error.ok) expect(error.error.message).toMatch(/^invalid TestMessage: \/: /)
  })

  it('reports at most 8 issues however broken the value is', async () => {
    const list = await generated('List', { type: 'array', items: { type: 'string' } })
    const issues = list.issues(Array.from({ length: 1000 }, (_, i) => i))
    expect(issues).toHaveLength(8)
    expect(issues[7]).toEqual({ path: '/7', keyword: 'type', message: 'must be string' })
  })

  it('maps after checking, and checks after mapping on encode', () => {
    expect(testCodec.decode({ grant: 'g', nested: { inner: 2 } })).toEqual({ grant: 'g', inner: 2 })
    expect(testCodec.safeDecode({ grant: 'g' })).toEqual({ ok: true, value: { grant: 'g' } })
    expect(testCodec.encode({ grant: 'g', inner: 2 })).toEqual({ grant: 'g', nested: { inner: 2 } })
    expect(() => testCodec.encode({ grant: 'g', inner: 0.5 })).toThrow('invalid TestMessage: /nested/inner')
  })

  it('narrows with check', () => {
    const value: unknown = { grant: 'g' }
    expect(testCodec.check(value)).toBe(true)
    if (testCodec.check(value)) expect(value.grant).toBe('g')
    expect(testCodec.check({ grant: 1 })).toBe(false)
  })
})

describe('validator generator', () => {
  it('refuses a keyword it does not compile instead of ignoring it', () => {
    const closed = Type.Object({ a: Type.String() }, { additionalProperties: false })
    expect(() => validatorsModule({ Closed: closed as JsonSchema }, typeboxFormat, 'test')).toThrow(
      'Closed: keyword "additionalProperties" is not supported by the generator',
    )
  })
})
