import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { WireValidationError, wireCodec } from './index.js'

const Wire = Type.Object(
  {
    grant: Type.String({ minLength: 1 }),
    nested: Type.Optional(Type.Object({ inner: Type.Integer() }, { additionalProperties: false })),
    secret: Type.Optional(Type.Never()),
  },
  { $id: 'https://schemas.pipeshub.com/oauth/test.schema.json' },
)
interface Model {
  grant: string
  inner?: number
}
const codec = wireCodec(
  'TestMessage',
  Wire,
  (wire): Model =>
    wire.nested === undefined ? { grant: wire.grant } : { grant: wire.grant, inner: wire.nested.inner },
  (model) =>
    model.inner === undefined
      ? { grant: model.grant }
      : { grant: model.grant, nested: { inner: model.inner } },
)

describe('wireCodec', () => {
  it('reports a missing member at the member, not at its parent', () => {
    expect(codec.validate({ nested: {} })).toEqual([
      { path: '/grant', keyword: 'required', message: 'is required' },
      { path: '/nested/inner', keyword: 'required', message: 'is required' },
    ])
  })

  it('reports each member a closed object does not allow at that member', () => {
    expect(codec.validate({ grant: 'g', nested: { inner: 1, extra: true } })).toEqual([
      { path: '/nested/extra', keyword: 'additionalProperties', message: 'is not allowed' },
    ])
  })

  it('reports a member that must be absent as such', () => {
    expect(codec.validate({ grant: 'g', secret: 's' })).toEqual([
      { path: '/secret', keyword: 'not', message: 'must not be present' },
    ])
  })

  it('throws a WireValidationError naming the message and every issue', () => {
    expect(() => codec.decode({ grant: '', nested: { inner: 1.5 } })).toThrow(
      new WireValidationError('TestMessage', [
        { path: '/grant', keyword: 'minLength', message: 'must not have fewer than 1 characters' },
        { path: '/nested/inner', keyword: 'type', message: 'must be integer' },
      ]),
    )
    const error = codec.safeDecode({})
    expect(error.ok).toBe(false)
    if (!error.ok) {
      expect(error.error).toBeInstanceOf(WireValidationError)
      expect(error.error.name).toBe('WireValidationError')
      expect(error.error.messageName).toBe('TestMessage')
      expect(error.error.message).toBe('invalid TestMessage: /grant: is required')
    }
  })

  it('reports the object itself at the empty path', () => {
    const error = codec.safeDecode('grant=g')
    expect(error.ok).toBe(false)
    if (!error.ok) expect(error.error.message).toMatch(/^invalid TestMessage: \/: /)
  })

  it('maps after checking, and checks after mapping on encode', () => {
    expect(codec.decode({ grant: 'g', nested: { inner: 2 } })).toEqual({ grant: 'g', inner: 2 })
    expect(codec.safeDecode({ grant: 'g' })).toEqual({ ok: true, value: { grant: 'g' } })
    expect(codec.encode({ grant: 'g', inner: 2 })).toEqual({ grant: 'g', nested: { inner: 2 } })
    expect(() => codec.encode({ grant: 'g', inner: 0.5 })).toThrow('invalid TestMessage: /nested/inner')
  })

  it('narrows with check', () => {
    const value: unknown = { grant: 'g' }
    expect(codec.check(value)).toBe(true)
    if (codec.check(value)) expect(value.grant).toBe('g')
    expect(codec.check({ grant: 1 })).toBe(false)
  })
})
