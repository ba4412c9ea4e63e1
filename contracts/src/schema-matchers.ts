import { MatchersV3 } from '@pact-foundation/pact'
import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

/**
 * Pact matchers derived from a wire schema. The schema is the models' TypeBox (JSON Schema) definition
 * of a message; the example is a value of it. Every member of the example becomes the matcher its
 * schema calls for: a `pattern` a regex matcher, `integer` an integer matcher, an array `eachLike`, a
 * `const`, an `enum` member or a boolean the exact value. The example is checked against the schema first, and a member
 * the schema does not define is refused, so a field renamed, retyped or made required in the models
 * breaks the consumer test that builds the interaction instead of silently leaving the pact behind.
 */

/** A JSON pointer into the example (`/code_challenge_methods_supported`) and what to put there instead. */
export interface MatcherOptions {
  /** Members compared for equality with the example, not by shape (e.g. `/token_type`). */
  readonly exact?: readonly string[]
  /** Members whose matcher is given explicitly (e.g. an `arrayContaining`). */
  readonly overrides?: Readonly<Record<string, unknown>>
}

/** The example is not a value of the schema, or uses a member the schema does not define. */
export class ContractExampleError extends Error {
  override readonly name = 'ContractExampleError'
  readonly issues: readonly string[]

  constructor(schemaName: string, issues: readonly string[]) {
    super(`example is not a valid ${schemaName}: ${issues.join('; ')}`)
    this.issues = issues
  }
}

type JsonSchema = {
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  pattern?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  minItems?: number
  title?: string
  $id?: string
}

function schemaName(schema: JsonSchema): string {
  return schema.title ?? schema.$id ?? 'value'
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}

function derive(schema: JsonSchema, example: unknown, pointer: string, options: MatcherOptions): unknown {
  if (options.overrides !== undefined && Object.hasOwn(options.overrides, pointer)) {
    return options.overrides[pointer]
  }
  if (options.exact?.includes(pointer)) return example
  if ('const' in schema) return example
  const members = schema.anyOf ?? schema.oneOf
  if (members !== undefined) {
    // The member the example is a value of decides the matcher (e.g. `aud`: a string or an array).
    const member = members.find((candidate) => Compile(candidate as TSchema).Check(example))
    if (member === undefined)
      throw new ContractExampleError(pointer, [`${pointer || '/'}: matches no member`])
    return derive(member, example, pointer, options)
  }
  if (schema.enum !== undefined) {
    return MatchersV3.regex(
      `^(${schema.enum.map((value) => escapeRegex(String(value))).join('|')})$`,
      String(example),
    )
  }
  switch (schema.type) {
    case 'object':
      return deriveObject(schema, example as Record<string, unknown>, pointer, options)
    case 'array': {
      const items = example as unknown[]
      const first = items[0]
      if (first === undefined || schema.items === undefined) {
        throw new ContractExampleError(pointer, [`${pointer}: an array example needs at least one item`])
      }
      return MatchersV3.eachLike(
        derive(schema.items, first, `${pointer}/0`, options),
        Math.max(1, schema.minItems ?? 1),
      )
    }
    case 'string':
      return schema.pattern === undefined
        ? MatchersV3.string(example as string)
        : MatchersV3.regex(schema.pattern, example as string)
    case 'integer':
      return MatchersV3.integer(example as number)
    case 'number':
      return MatchersV3.number(example as number)
    case 'boolean':
      // A boolean's only variation is its meaning (`active: false` is another outcome, not another value).
      return example
    case 'null':
      return MatchersV3.nullValue()
    default:
      throw new ContractExampleError(pointer, [
        `${pointer || '/'}: no matcher for schema type ${String(schema.type)}`,
      ])
  }
}

function deriveObject(
  schema: JsonSchema,
  example: Record<string, unknown>,
  pointer: string,
  options: MatcherOptions,
): Record<string, unknown> {
  const properties = schema.properties ?? {}
  const result: Record<string, unknown> = {}
  for (const [member, value] of Object.entries(example)) {
    const memberSchema = properties[member]
    if (memberSchema === undefined) {
      throw new ContractExampleError(schemaName(schema), [
        `${pointer}/${member}: is not a member of the schema`,
      ])
    }
    result[member] = derive(memberSchema, value, `${pointer}/${member}`, options)
  }
  return result
}

/**
 * Pact matchers for `example`, a value of the wire schema `schema`. Throws `ContractExampleError`
 * when the example is not valid against the schema or has a member the schema does not define.
 */
export function matchersFor<Schema extends TSchema>(
  schema: Schema,
  example: Static<Schema>,
  options: MatcherOptions = {},
): unknown {
  const json = schema as unknown as JsonSchema
  const validator = Compile(schema)
  if (!validator.Check(example)) {
    const issues = validator.Errors(example).map((error) => `${error.instancePath || '/'}: ${error.message}`)
    throw new ContractExampleError(schemaName(json), issues)
  }
  return derive(json, example, '', options)
}

/**
 * The example itself, after checking it against the wire schema: for request bodies, which the
 * consumer pins exactly (the client sends these values), yet must still be valid messages.
 */
export function checkedExample<Schema extends TSchema>(
  schema: Schema,
  example: Static<Schema>,
): Static<Schema> {
  const validator = Compile(schema)
  if (!validator.Check(example)) {
    const issues = validator.Errors(example).map((error) => `${error.instancePath || '/'}: ${error.message}`)
    throw new ContractExampleError(schemaName(schema as unknown as JsonSchema), issues)
  }
  return example
}

/**
 * A form request body for a Pact interaction: the example, checked against the request's wire schema,
 * with the members the provider generates (a code, a refresh token) taken from its provider state.
 * Every other member is pinned exactly: it is what the client sends.
 */
export function formBody<Schema extends TSchema>(
  schema: Schema,
  example: Static<Schema>,
  fromState: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  const body = { ...(checkedExample(schema, example) as Record<string, unknown>) }
  for (const [member, name] of Object.entries(fromState)) {
    const value = body[member]
    if (typeof value !== 'string')
      throw new ContractExampleError(schemaName(schema as unknown as JsonSchema), [
        `/${member}: not in the example`,
      ])
    body[member] = MatchersV3.fromProviderState(`\${${name}}`, value)
  }
  return body
}
