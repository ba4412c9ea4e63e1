// The validation runtime every codec shares, with no schema library in it: the wire schemas are
// compiled ahead of time (src/codegen, at build time) into the `check` and `issues` functions this
// file puts behind a codec, so that a browser bundle of the client carries generated code only.

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

/** A wire schema compiled ahead of time: a fast boolean check, and the issues when it fails. */
export interface CompiledValidator {
  check(value: unknown): boolean
  issues(value: unknown): ValidationIssue[]
}

/**
 * One message's strict, explicit mapping between its wire form and its model, behind a validator
 * compiled from its wire schema. `decode` checks first (no coercion, no cleaning), then maps field by field.
 */
export interface Codec<Wire, Model> {
  readonly name: string
  /** True when `value` is a valid wire object. */
  check(value: unknown): value is Wire
  /** Every failing check, empty when `value` is valid. */
  validate(value: unknown): ValidationIssue[]
  /** Validates a wire object and maps it to the model; throws `WireValidationError`. */
  decode(value: unknown): Model
  /** Like `decode`, but returns the error instead of throwing it. */
  safeDecode(value: unknown): DecodeResult<Model>
  /** Maps a model to its wire object, validating the result; throws `WireValidationError`. */
  encode(model: Model): Wire
}

export function codec<Wire, Model>(
  name: string,
  validator: CompiledValidator,
  toModel: (wire: Wire) => Model,
  toWire: (model: Model) => Wire,
): Codec<Wire, Model> {
  const { check, issues } = validator
  const fail = (value: unknown) => new WireValidationError(name, issues(value))
  return {
    name,
    check: check as (value: unknown) => value is Wire,
    validate: (value) => (check(value) ? [] : issues(value)),
    decode(value) {
      if (!check(value)) throw fail(value)
      return toModel(value as Wire)
    },
    safeDecode(value) {
      if (!check(value)) return { ok: false, error: fail(value) }
      return { ok: true, value: toModel(value as Wire) }
    },
    encode(model) {
      const wire = toWire(model)
      if (!check(wire)) throw fail(wire)
      return wire
    },
  }
}
