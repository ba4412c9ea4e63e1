import fc from 'fast-check'
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import type { JsonSchema } from '../codegen/validator-module.js'

// Generates valid wire objects from a wire schema, for the round-trip properties. It covers the subset
// of JSON Schema the wire schemas use, and fails loudly on anything else so that a new keyword is
// noticed rather than ignored (the keywords are those the validator generator compiles).

export function arbitraryFor(schema: TSchema): fc.Arbitrary<unknown> {
  return arbitrary(schema as JsonSchema)
}

function arbitrary(schema: JsonSchema): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const)
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map(arbitrary))
  switch (schema.type) {
    case 'object': {
      const model: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [member, memberSchema] of Object.entries(schema.properties ?? {})) {
        if ('not' in memberSchema) continue // a member that must be absent
        model[member] = arbitrary(memberSchema)
      }
      return fc.record(model, { requiredKeys: [...(schema.required ?? [])], noNullPrototype: true })
    }
    case 'array': {
      const items = arbitrary(schema.items ?? {})
      const constraints = { minLength: schema.minItems ?? 0, maxLength: 4 }
      return schema.uniqueItems === true ? fc.uniqueArray(items, constraints) : fc.array(items, constraints)
    }
    case 'boolean':
      return fc.boolean()
    case 'integer':
      // Drawn inside the bounds: filtering every safe integer down to a narrow range would never end.
      return fc.integer({
        min: Math.max(schema.minimum ?? 0, 0),
        max: Math.min(schema.maximum ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
      })
    case 'string': {
      const validator = Compile(schema as TSchema)
      const strings =
        schema.format === 'uri'
          ? fc.webUrl({ withQueryParameters: true, withFragments: true })
          : schema.format === 'uuid'
            ? fc.uuid()
            : schema.pattern !== undefined
              ? fc.stringMatching(new RegExp(schema.pattern), { maxLength: 300 })
              : fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: 40 })
      return strings.filter((value) => validator.Check(value))
    }
    default:
      throw new Error(`arbitraryFor: unsupported schema ${JSON.stringify(schema)}`)
  }
}
