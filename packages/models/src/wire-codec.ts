import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

/** One failing check of a wire object: which field (a JSON pointer), and what was expected there. */
export interface ValidationIssue {
  /** JSON pointer of the failing member, `""` for the object itself (e.g. `/expires_in`). */
  readonly path: string
  /** The JSON Schema keyword that failed (`required`, `type`, `pattern`, `minimum`, ...). */
  readonly keyword: string
  /** What was expected, in words. */
  readonly message: string
}

/** Thrown by a codec's `decode` when a wire object does not match its schema. Names every failing field. */
export class WireValidationError extends Error {
  override readonly name = 'WireValidationError'
  /** The message name, e.g. `OAuthTokenResponse`. */
  readonly messageName: string
  readonly issues: readonly ValidationIssue[]

  constructor(messageName: string, issues: readonly ValidationIssue[]) {
    const summary = issues.map((issue) => `${issue.path || '/'}: ${issue.message}`).join('; ')
    super(`invalid ${messageName}: ${summary}`)
    this.messageName = messageName
    this.issues = issues
  }
}

/** The result of a codec's `safeDecode`: the model, or the issues that stopped it. */
export type DecodeResult<Model> =
  | { readonly ok: true; readonly value: Model }
  | { readonly ok: false; readonly error: WireValidationError }

/**
 * The wire schema of one message together with its strict, explicit mapping to and from the model.
 * `decode` checks first (a compiled validator, no coercion, no cleaning), then maps field by field.
 */
export interface WireCodec<Schema extends TSchema, Model> {
  readonly name: string
  /** The JSON Schema of the wire form (snake_case, exactly as the RFC names the members). */
  readonly schema: Schema
  /** True when `value` is a valid wire object. */
  check(value: unknown): value is Static<Schema>
  /** Every failing check, empty when `value` is valid. */
  validate(value: unknown): ValidationIssue[]
  /** Validates a wire object and maps it to the model; throws `WireValidationError`. */
  decode(value: unknown): Model
  /** Like `decode`, but returns the error instead of throwing it. */
  safeDecode(value: unknown): DecodeResult<Model>
  /** Maps a model to its wire object, validating the result; throws `WireValidationError`. */
  encode(model: Model): Static<Schema>
}

function describe(error: {
  keyword: string
  schemaPath: string
  instancePath: string
  message: string
  params: object
}): ValidationIssue[] {
  // `additionalProperties: false` fails twice: once per member as the `false` schema, once on the
  // object listing the members. Keep the second, which says what went wrong.
  if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) return []
  // A missing member is reported on its parent by JSON Schema; point at the member itself instead.
  if (error.keyword === 'required') {
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? []
    return missing.map((member) => ({
      path: `${error.instancePath}/${member}`,
      keyword: 'required',
      message: 'is required',
    }))
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperties?: string[] }).additionalProperties ?? []
    return extra.map((member) => ({
      path: `${error.instancePath}/${member}`,
      keyword: 'additionalProperties',
      message: 'is not allowed',
    }))
  }
  // The schemas use `not: {}` (Type.Never) only for members that must be absent, such as private JWK members.
  if (error.keyword === 'not')
    return [{ path: error.instancePath, keyword: 'not', message: 'must not be present' }]
  return [{ path: error.instancePath, keyword: error.keyword, message: error.message }]
}

export function wireCodec<Schema extends TSchema, Model>(
  name: string,
  schema: Schema,
  toModel: (wire: Static<Schema>) => Model,
  toWire: (model: Model) => Static<Schema>,
): WireCodec<Schema, Model> {
  const validator = Compile(schema)
  const check = (value: unknown): value is Static<Schema> => validator.Check(value)
  const validate = (value: unknown): ValidationIssue[] =>
    validator.Check(value) ? [] : validator.Errors(value).flatMap(describe)
  const fail = (value: unknown) => new WireValidationError(name, validate(value))
  return {
    name,
    schema,
    check,
    validate,
    decode(value) {
      if (!validator.Check(value)) throw fail(value)
      return toModel(value as Static<Schema>)
    },
    safeDecode(value) {
      if (!validator.Check(value)) return { ok: false, error: fail(value) }
      return { ok: true, value: toModel(value as Static<Schema>) }
    },
    encode(model) {
      const wire = toWire(model)
      if (!validator.Check(wire)) throw fail(wire)
      return wire
    },
  }
}
