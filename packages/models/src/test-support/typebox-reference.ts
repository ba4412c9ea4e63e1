import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { Settings } from 'typebox/system'
import { expect } from 'vitest'
import type { ValidationIssue } from '../validation.js'

// TypeBox's own compiled validator of a wire schema, with its errors named the way the codecs name
// them: the reference the generated validators (src/generated) must agree with.

function describe(error: {
  keyword: string
  schemaPath: string
  instancePath: string
  message: string
  params: object
}): ValidationIssue[] {
  // A missing member is reported on its parent by JSON Schema; the codecs point at the member itself.
  if (error.keyword === 'required') {
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? []
    return missing.map((member) => ({
      path: `${error.instancePath}/${member}`,
      keyword: 'required',
      message: 'is required',
    }))
  }
  // The schemas use `not: {}` (Type.Never) only for members that must be absent, such as private JWK members.
  if (error.keyword === 'not')
    return [{ path: error.instancePath, keyword: 'not', message: 'must not be present' }]
  return [{ path: error.instancePath, keyword: error.keyword, message: error.message }]
}

export interface ReferenceValidator {
  check(value: unknown): boolean
  issues(value: unknown): ValidationIssue[]
}

/** As many issues as a codec reports (src/codegen/validator-module.ts). */
const MAX_ISSUES = 8

const cache = new WeakMap<TSchema, ReferenceValidator>()

export function typeboxReference(schema: TSchema): ReferenceValidator {
  let reference = cache.get(schema)
  if (reference === undefined) {
    const validator = Compile(schema)
    reference = {
      check: (value) => validator.Check(value),
      issues(value) {
        if (validator.Check(value)) return []
        // Every error, not the first 8: TypeBox's per-branch limit inside anyOf would otherwise decide
        // which ones are seen. The codecs report the first MAX_ISSUES of this same sequence.
        const { maxErrors } = Settings.Get()
        Settings.Set({ maxErrors: 10_000 })
        try {
          return validator.Errors(value).flatMap(describe).slice(0, MAX_ISSUES)
        } finally {
          Settings.Set({ maxErrors })
        }
      },
    }
    cache.set(schema, reference)
  }
  return reference
}

/**
 * The codec's generated validator and TypeBox's validator of the same schema agree on `value`: the
 * same verdict, and the same issues in the same order.
 */
export function expectTypeBoxAgreement(
  codec: { schema: TSchema; check(value: unknown): boolean; validate(value: unknown): ValidationIssue[] },
  value: unknown,
): void {
  const reference = typeboxReference(codec.schema)
  expect(codec.check(value), 'generated check vs TypeBox Check').toBe(reference.check(value))
  expect(codec.validate(value), 'generated issues vs TypeBox Errors').toEqual(reference.issues(value))
}
