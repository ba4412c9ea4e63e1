import type { Static, TSchema } from 'typebox'
import type { Codec } from './validation.js'

/**
 * The wire schema of one message together with its strict, explicit mapping to and from the model.
 * `decode` checks first (the validator compiled from `schema` at build time: no coercion, no
 * cleaning), then maps field by field.
 */
export interface WireCodec<Schema extends TSchema, Model> extends Codec<Static<Schema>, Model> {
  /** The JSON Schema of the wire form (snake_case, exactly as the RFC names the members). */
  readonly schema: Schema
}

/** A schema-free codec (`@pipeshub/models/codecs`) with the wire schema it was compiled from. */
export function withSchema<Schema extends TSchema, Model>(
  base: Codec<Static<Schema>, Model>,
  schema: Schema,
): WireCodec<Schema, Model> {
  return { ...base, schema }
}
