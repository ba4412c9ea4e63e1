import fc from 'fast-check'
import { describe, it } from 'vitest'
import * as validators from './generated/validators.js'
import { arbitraryFor } from './test-support/arbitrary.js'
import { expectTypeBoxAgreement } from './test-support/typebox-reference.js'
import { wireSchemas } from './wire-schemas.js'

// The validators generated at build time (src/generated) are a build output of the wire schemas:
// they must give TypeBox's verdict, and TypeBox's issues, on valid messages and on near misses.

/** A string one edit away from `text`: a character inserted, replaced or removed. */
const nearMiss = (text: string) =>
  fc
    .tuple(fc.nat({ max: text.length }), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.nat(2))
    .map(([at, char, edit]) =>
      edit === 0
        ? text.slice(0, at) + char + text.slice(at)
        : edit === 1
          ? text.slice(0, at) + char + text.slice(at + 1)
          : text.slice(0, at) + text.slice(at + 1),
    )

const strangeValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }),
  fc.array(fc.string({ unit: 'binary-ascii', maxLength: 6 }), { maxLength: 3 }),
  fc.constantFrom(-1, 0.5, 2 ** 53, -0, '', ' ', 'a b', 'a  b', '.', 'a..b'),
)

/** A valid message with one member replaced by a near miss of its value, or by a value of another kind. */
function mutated(schema: (typeof wireSchemas)[keyof typeof wireSchemas]): fc.Arbitrary<unknown> {
  return arbitraryFor(schema).chain((wire) => {
    if (typeof wire !== 'object' || wire === null) return fc.constant(wire)
    const record = wire as Record<string, unknown>
    const properties = Object.keys((schema as { properties?: object }).properties ?? {})
    const names = [...new Set([...Object.keys(record), ...properties, 'grant_type'])]
    return fc.constantFrom(...names).chain((name) => {
      const current = record[name]
      const replacement =
        typeof current === 'string' ? fc.oneof(nearMiss(current), strangeValue) : strangeValue
      return replacement.map((value) => ({ ...record, [name]: value }))
    })
  })
}

describe('generated validators agree with TypeBox', () => {
  for (const [name, schema] of Object.entries(wireSchemas)) {
    const generated = validators as unknown as Record<string, (value: unknown) => never>
    const check = generated[`check${name}`]
    const issues = generated[`issues${name}`]
    if (check === undefined || issues === undefined) throw new Error(`no generated validator for ${name}`)
    const codec = { schema, check, validate: issues }

    it(`${name}: on valid messages`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(arbitraryFor(schema), (wire) => expectTypeBoxAgreement(codec, wire)),
        {
          numRuns: 200,
        },
      )
    })

    it(`${name}: on messages with one member wrong`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(mutated(schema), (wire) => expectTypeBoxAgreement(codec, wire)),
        {
          numRuns: 500,
        },
      )
    })

    it(`${name}: on values of any kind`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(fc.anything({ maxDepth: 2 }), (value) => expectTypeBoxAgreement(codec, value)),
        {
          numRuns: 200,
        },
      )
    })
  }
})
