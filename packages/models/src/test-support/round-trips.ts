import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { WireCodec } from '../wire-codec.js'
import { arbitraryFor } from './arbitrary.js'
import { expectTypeBoxAgreement } from './typebox-reference.js'

/**
 * fast-check properties of one codec: encode(decode(wire)) is the wire object, decode(encode(model))
 * is the model, and unknown members change nothing.
 */
export function describeRoundTrips<Model>(
  // biome-ignore lint/suspicious/noExplicitAny: any wire schema
  codec: WireCodec<any, Model>,
): void {
  describe(`${codec.name} round trips`, () => {
    const wires = arbitraryFor(codec.schema)
    const models = wires.map((wire) => codec.decode(wire))
    const known = new Set(Object.keys((codec.schema as { properties: object }).properties))
    const extensions = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }).filter((name) => !known.has(name) && name !== '__proto__'),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 3 },
    )

    it('encode(decode(wire)) is the wire object', { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(wires, (wire) => {
          expectTypeBoxAgreement(codec, wire)
          expect(codec.encode(codec.decode(wire))).toEqual(wire)
        }),
      )
    })

    it('decode(encode(model)) is the model', { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(models, (model) => {
          expect(codec.decode(codec.encode(model))).toEqual(model)
        }),
      )
    })

    it('decoding ignores unknown members', { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(wires, extensions, (wire, extra) => {
          expectTypeBoxAgreement(codec, { ...extra, ...(wire as object) })
          expect(codec.decode({ ...extra, ...(wire as object) })).toEqual(codec.decode(wire))
        }),
      )
    })
  })
}
