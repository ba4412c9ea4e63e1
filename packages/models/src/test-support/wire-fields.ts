import { describe, expect, it } from 'vitest'
import type { WireCodec } from '../wire-codec.js'
import { expectTypeBoxAgreement } from './typebox-reference.js'

/** A value a member must refuse, and the issue it must produce (`path` defaults to the member's). */
export interface Rejection {
  readonly value: unknown
  readonly keyword: string
  readonly path?: string
}

/** The values at a member's boundaries: just inside (accepted) and just outside (refused). */
export interface MemberBoundaries {
  readonly accept: readonly unknown[]
  readonly reject: readonly Rejection[]
}

export interface WireFieldTable {
  /** A valid wire object carrying every member of the schema. */
  readonly full: Readonly<Record<string, unknown>>
  /** The members the RFC requires. */
  readonly required: readonly string[]
  /** Boundaries of every member of the schema, by wire name. */
  readonly members: Readonly<Record<string, MemberBoundaries>>
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined'
  const text = JSON.stringify(value)
  return text.length > 48 ? `${text.slice(0, 40)}…(${text.length} chars)` : text
}

interface ObjectSchema {
  readonly properties: Readonly<Record<string, unknown>>
  readonly required?: readonly string[]
}

/**
 * Table-driven boundary tests of one wire schema through its codec: every member accepted and refused
 * at its boundaries, each refusal naming the exact member path and the failed keyword.
 */
export function describeWireFields<Model>(
  // biome-ignore lint/suspicious/noExplicitAny: any wire schema
  codec: WireCodec<any, Model>,
  table: WireFieldTable,
): void {
  const schema = codec.schema as ObjectSchema
  const memberNames = Object.keys(schema.properties)

  describe(`${codec.name} wire members`, () => {
    it('has a boundary table for every member of the schema', () => {
      expect(Object.keys(table.members).sort()).toEqual([...memberNames].sort())
    })

    it('requires exactly the members the RFC requires', () => {
      expect([...(schema.required ?? [])].sort()).toEqual([...table.required].sort())
    })

    it('accepts the full message', () => {
      expect(codec.validate(table.full)).toEqual([])
      expectTypeBoxAgreement(codec, table.full)
    })

    it('ignores unknown members instead of refusing them', () => {
      const extended = { ...table.full, x_vendor_extension: { nested: [1, 'two'] }, another: null }
      expect(codec.decode(extended)).toEqual(codec.decode(table.full))
    })

    for (const notAnObject of [null, [], 'access_token=x', 42]) {
      it(`refuses ${show(notAnObject)} in place of the object`, () => {
        expect(codec.validate(notAnObject)).toContainEqual(
          expect.objectContaining({ path: '', keyword: 'type' }),
        )
        expect(() => codec.decode(notAnObject)).toThrow(`invalid ${codec.name}`)
        expectTypeBoxAgreement(codec, notAnObject)
      })
    }

    for (const member of memberNames) {
      const boundaries = table.members[member]
      if (boundaries === undefined) continue
      const required = table.required.includes(member)

      if (required) {
        it(`refuses a message without ${member}`, () => {
          const { [member]: _removed, ...without } = table.full
          expect(codec.validate(without)).toEqual([
            { path: `/${member}`, keyword: 'required', message: 'is required' },
          ])
          expectTypeBoxAgreement(codec, without)
        })
      } else if (member in table.full) {
        it(`accepts a message without ${member}`, () => {
          const { [member]: _removed, ...without } = table.full
          expect(codec.validate(without)).toEqual([])
          expectTypeBoxAgreement(codec, without)
        })
      }

      for (const value of boundaries.accept) {
        it(`accepts ${member} = ${show(value)}`, () => {
          expect(codec.validate({ ...table.full, [member]: value })).toEqual([])
          expectTypeBoxAgreement(codec, { ...table.full, [member]: value })
        })
      }

      for (const rejection of boundaries.reject) {
        const path = rejection.path ?? `/${member}`
        it(`refuses ${member} = ${show(rejection.value)} at ${path} (${rejection.keyword})`, () => {
          const message = { ...table.full, [member]: rejection.value }
          const issues = codec.validate(message)
          expect(issues).toContainEqual(expect.objectContaining({ path, keyword: rejection.keyword }))
          for (const issue of issues) expect(issue.path).toMatch(new RegExp(`^/${member}(/|$)`))
          const result = codec.safeDecode(message)
          expect(result.ok).toBe(false)
          expectTypeBoxAgreement(codec, message)
        })
      }
    }
  })
}
