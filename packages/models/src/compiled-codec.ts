import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { type Codec, codec, type ValidationIssue } from './validation.js'
import { type WireCodec, withSchema } from './wire-codec.js'

// PipesHub's own JSON (app management, the frontend's consent API) is camelCase: wire and model are one
// shape, so these codecs map by copying. Their schemas use keywords the ahead-of-time generator does not
// cover, so TypeBox compiles them at first use: only a program that uses one pays for it.

/** A codec checking `schema` with TypeBox, compiled at its first use. */
export function compiledCodec<Schema extends TSchema>(
  name: string,
  schema: Schema,
): WireCodec<Schema, Static<Schema>> {
  let compiled: ReturnType<typeof Compile<Schema>> | undefined
  const validator = () => {
    compiled ??= Compile(schema)
    return compiled
  }
  const base: Codec<Static<Schema>, Static<Schema>> = codec(
    name,
    {
      check: (value) => validator().Check(value),
      issues: (value) =>
        [...validator().Errors(value)].map(
          (error): ValidationIssue => ({
            path: error.instancePath,
            keyword: error.keyword,
            message: error.message,
          }),
        ),
    },
    (wire) => structuredClone(wire),
    (model) => structuredClone(model),
  )
  return withSchema(base, schema)
}
