import type { ValidationIssue } from './validation.js'

// The failing checks of a value, reported from a compact description of its wire schema that the
// generator emits (src/codegen/validator-module.ts) beside the generated `check` functions. Issues are
// only asked for once a message has failed its check, so they are walked here instead of generated
// as code per schema: browser bundles carry one walker and small tables, and the hot path is untouched.
// The order and wording are TypeBox's (src/generated-validators.test.ts compares them).

/** One subschema, as the generator describes it; short keys, since they ship in browser bundles. */
export interface IssueNode {
  /** `object`, `array`, `string`, `integer`, `boolean`; absent for `anyOf`, `not` and `{}`. */
  readonly t?: 'o' | 'a' | 's' | 'i' | 'b'
  /** object: the required member names. */
  readonly r?: readonly string[]
  /** object: the members that can fail, in schema order, and whether each is required. */
  readonly p?: readonly (readonly [name: string, node: IssueNode, required: 0 | 1])[]
  /** array: the items' schema, the minimum count, unique items. */
  readonly e?: IssueNode
  readonly n?: number
  readonly u?: 1
  /** string: minimum length in code points, format (regex, name), pattern (regex, source when it differs). */
  readonly m?: number
  readonly f?: RegExp
  readonly fn?: string
  readonly x?: RegExp
  readonly xs?: string
  /** `const` (a string schema's, checked whatever the value's type). */
  readonly k?: string | number | boolean
  /** integer: bounds. */
  readonly lo?: number
  readonly hi?: number
  /** anyOf: the whole check, and the branches; not: the check of the `not` schema itself. */
  readonly any?: (value: unknown) => boolean
  readonly b?: readonly IssueNode[]
  readonly not?: (value: unknown) => boolean
}

/** At most this many issues are reported (as many as TypeBox reports), however broken the value. */
const MAX_ISSUES = 8

function codePoints(value: string): number {
  let count = 0
  for (const _ of value) count++
  return count
}

function walk(node: IssueNode, v: unknown, path: string, out: ValidationIssue[]): void {
  const push = (keyword: string, message: string) => out.push({ path, keyword, message })
  if (node.any !== undefined) {
    if (!node.any(v)) {
      for (const branch of node.b ?? []) walk(branch, v, path, out)
      push('anyOf', 'must match a schema in anyOf')
    }
    return
  }
  if (node.not !== undefined) {
    if (!node.not(v)) push('not', 'must not be present')
    return
  }
  switch (node.t) {
    case 'o': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return void push('type', 'must be object')
      const record = v as Record<string, unknown>
      for (const name of node.r ?? []) {
        if (!(name in record))
          out.push({ path: `${path}/${name}`, keyword: 'required', message: 'is required' })
      }
      for (const [name, member, required] of node.p ?? []) {
        const value = record[name]
        if ((required === 1 || value !== undefined) && name in record)
          walk(member, value, `${path}/${name}`, out)
      }
      return
    }
    case 'a': {
      if (!Array.isArray(v)) return void push('type', 'must be array')
      if (node.e !== undefined) {
        for (let i = 0; i < v.length && out.length < MAX_ISSUES; i++) walk(node.e, v[i], `${path}/${i}`, out)
      }
      if (node.n !== undefined && v.length < node.n)
        push('minItems', `must not have fewer than ${node.n} items`)
      if (node.u === 1 && new Set(v.map((item: unknown) => JSON.stringify(item))).size !== v.length)
        push('uniqueItems', 'must not have duplicate items')
      return
    }
    case 'b':
      if (typeof v !== 'boolean') push('type', 'must be boolean')
      return
    case 'i':
      if (typeof v !== 'number') return void push('type', 'must be integer')
      if (!Number.isInteger(v)) push('type', 'must be integer')
      if (node.lo !== undefined && !(v >= node.lo)) push('minimum', `must be >= ${node.lo}`)
      if (node.hi !== undefined && !(v <= node.hi)) push('maximum', `must be <= ${node.hi}`)
      return
    case 's':
      if (typeof v !== 'string') push('type', 'must be string')
      else {
        if (node.m !== undefined && codePoints(v) < node.m)
          push('minLength', `must not have fewer than ${node.m} characters`)
        if (node.f !== undefined && !node.f.test(v)) push('format', `must match format "${node.fn}"`)
        if (node.x !== undefined && !node.x.test(v))
          push('pattern', `must match pattern "${node.xs ?? node.x.source}"`)
      }
      // TypeBox checks `const` whatever the type, so a member of the wrong type fails both.
      if ('k' in node && v !== node.k) push('const', 'must be equal to constant')
      return
  }
}

/** Every failing check of `value` against the schema `node` describes (at most 8), empty when it is valid. */
export function schemaIssues(node: IssueNode, value: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = []
  walk(node, value, '', out)
  return out.length > MAX_ISSUES ? out.slice(0, MAX_ISSUES) : out
}
