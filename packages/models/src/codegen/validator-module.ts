import { patternTest } from './pattern-code.js'

// Compiles one wire schema into a TypeScript module with two functions: `check` (generated code, a
// boolean, the hot path of every decode) and `issues` (the failing checks, named as TypeBox's compiled
// validator names them, walked by src/schema-issues.ts from a small table: they are only asked for
// after a failed check, and a table weighs far less in a browser bundle than code per schema). It covers exactly the JSON Schema subset the wire schemas use and throws on anything else, so
// that a schema growing a new keyword breaks the build instead of being validated loosely. The
// generated code is checked against TypeBox's own validator in src/generated-validators.test.ts.

export interface JsonSchema {
  readonly type?: string
  readonly const?: unknown
  readonly anyOf?: readonly JsonSchema[]
  readonly not?: JsonSchema
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly items?: JsonSchema
  readonly minItems?: number
  readonly uniqueItems?: boolean
  readonly minLength?: number
  readonly pattern?: string
  readonly format?: string
  readonly minimum?: number
  readonly maximum?: number
}

const ANNOTATIONS = new Set(['$id', '$schema', 'title', 'description', 'examples', 'default'])
const KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  object: ['type', 'properties', 'required'],
  array: ['type', 'items', 'minItems', 'uniqueItems'],
  string: ['type', 'minLength', 'pattern', 'format', 'const'],
  integer: ['type', 'minimum', 'maximum'],
  boolean: ['type'],
}

/** Where the generator reads a format's definition: the regular expression source TypeBox checks it with. */
export type FormatSource = (format: string) => RegExp

function assertSupported(schema: JsonSchema, where: string): void {
  const keys = Object.keys(schema).filter((key) => !ANNOTATIONS.has(key))
  const allowed =
    schema.anyOf !== undefined
      ? ['anyOf']
      : schema.not !== undefined
        ? ['not']
        : schema.type === undefined
          ? []
          : KEYWORDS[schema.type]
  if (allowed === undefined)
    throw new Error(`${where}: type ${schema.type} is not supported by the generator`)
  for (const key of keys) {
    if (!allowed.includes(key))
      throw new Error(`${where}: keyword "${key}" is not supported by the generator`)
  }
  if (schema.uniqueItems === true && schema.items?.type !== 'string') {
    throw new Error(`${where}: uniqueItems is generated for arrays of strings only`)
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const member = (object: string, name: string) =>
  IDENTIFIER.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`

/** True when the schema refuses `undefined`, so a member check implies the member exists. */
function refusesUndefined(schema: JsonSchema): boolean {
  if (schema.type !== undefined || 'const' in schema) return true
  if (schema.anyOf !== undefined) return schema.anyOf.every(refusesUndefined)
  return false
}

class ModuleBuilder {
  private readonly declarations: string[] = []
  private readonly constants = new Map<string, string>()
  private next = 0
  private readonly formats: FormatSource
  usesCodePoints = false

  constructor(formats: FormatSource) {
    this.formats = formats
  }

  /** A module-level constant, shared by every use of the same source text. */
  constant(prefix: string, source: string, type?: string): string {
    const existing = this.constants.get(source)
    if (existing !== undefined) return existing
    const name = `${prefix}${this.constants.size}`
    this.constants.set(source, name)
    this.declarations.push(`const ${name}${type === undefined ? '' : `: ${type}`} = ${source}`)
    return name
  }

  private readonly functions = new Map<string, string>()

  /** A module-level function; the same body (the same subschema, in any message) is emitted once. */
  function(prefix: string, parameters: string, returns: string, body: string[]): string {
    const text = `(${parameters}): ${returns} {\n${body.map((line) => `  ${line}`).join('\n')}\n}`
    const key = `${prefix}${text}`
    const existing = this.functions.get(key)
    if (existing !== undefined) return existing
    const name = `${prefix}${this.next++}`
    this.functions.set(key, name)
    this.declarations.push(`function ${name}${text}`)
    return name
  }

  pattern(pattern: string): (value: string) => string {
    return patternTest(pattern, (source) => this.constant('PATTERN_', source))
  }

  format(format: string): string {
    return this.constant('FORMAT_', this.formats(format).toString())
  }

  text(): string {
    return this.declarations.join('\n\n')
  }

  // --- check ---------------------------------------------------------------------------------------

  /** A boolean expression that is true when `value` (an identifier) matches `schema`. */
  check(schema: JsonSchema, value: string, where: string): string {
    assertSupported(schema, where)
    if (schema.anyOf !== undefined) {
      return `(${schema.anyOf.map((branch, i) => this.check(branch, value, `${where}/anyOf/${i}`)).join(' || ')})`
    }
    if (schema.not !== undefined) {
      const inner = this.check(schema.not, value, `${where}/not`)
      return inner === 'true' ? 'false' : `!(${inner})`
    }
    switch (schema.type) {
      case undefined:
        return 'true'
      case 'object':
        return `${this.objectCheck(schema, where)}(${value})`
      case 'array':
        return `${this.arrayCheck(schema, where)}(${value})`
      case 'boolean':
        return `typeof ${value} === 'boolean'`
      case 'integer': {
        const parts = [`Number.isInteger(${value})`]
        if (schema.minimum !== undefined) parts.push(`${value} >= ${schema.minimum}`)
        if (schema.maximum !== undefined) parts.push(`${value} <= ${schema.maximum}`)
        return parts.join(' && ')
      }
      case 'string':
        return [`typeof ${value} === 'string'`, ...this.stringChecks(schema, value)].join(' && ')
      default:
        throw new Error(`${where}: type ${schema.type} is not supported by the generator`)
    }
  }

  /** The checks of a value already known to be a string, each a boolean expression. */
  private stringChecks(schema: JsonSchema, value: string): string[] {
    const parts: string[] = []
    if ('const' in schema) parts.push(`${value} === ${JSON.stringify(schema.const)}`)
    const minLength = this.minLength(schema, value)
    if (minLength !== undefined) parts.push(minLength)
    if (schema.pattern !== undefined) parts.push(this.pattern(schema.pattern)(value))
    if (schema.format !== undefined) parts.push(`${this.format(schema.format)}.test(${value})`)
    return parts
  }

  /** JSON Schema counts code points: a string of 2n code units has at least n of them. */
  private minLength(schema: JsonSchema, value: string): string | undefined {
    const n = schema.minLength
    if (n === undefined || n === 0) return undefined
    if (n === 1) return `${value}.length !== 0`
    this.usesCodePoints = true
    return `(${value}.length >= ${n * 2} || (${value}.length >= ${n} && codePoints(${value}) >= ${n}))`
  }

  private objectCheck(schema: JsonSchema, where: string): string {
    const body = ["if (typeof v !== 'object' || v === null || Array.isArray(v)) return false"]
    const required = new Set(schema.required ?? [])
    let local = 0
    for (const [name, memberSchema] of Object.entries(schema.properties ?? {})) {
      const p = `p${local++}`
      const check = this.check(memberSchema, p, `${where}/properties/${name}`)
      body.push(`const ${p} = ${member('v', name)}`)
      if (required.has(name)) {
        const present = refusesUndefined(memberSchema) ? '' : `${JSON.stringify(name)} in v && `
        body.push(`if (!(${present}${check})) return false`)
      } else {
        // An optional member that is undefined, or only on the prototype, is absent (as TypeBox has it).
        body.push(`if (${p} !== undefined && !(${check}) && ${JSON.stringify(name)} in v) return false`)
      }
    }
    for (const name of required) {
      if (!(name in (schema.properties ?? {}))) body.push(`if (!(${JSON.stringify(name)} in v)) return false`)
    }
    body.push('return true')
    return this.function('checkObject', 'v: any', 'boolean', body)
  }

  private arrayCheck(schema: JsonSchema, where: string): string {
    const body = ['if (!Array.isArray(v)) return false']
    if (schema.minItems !== undefined && schema.minItems > 0) {
      body.push(`if (v.length < ${schema.minItems}) return false`)
    }
    if (schema.items !== undefined) {
      const check = this.check(schema.items, 'item', `${where}/items`)
      if (check !== 'true') {
        body.push('for (let i = 0; i < v.length; i++) {', '  const item = v[i]')
        body.push(`  if (!(${check})) return false`, '}')
      }
    }
    if (schema.uniqueItems === true) body.push('if (new Set(v).size !== v.length) return false')
    body.push('return true')
    return this.function('checkArray', 'v: any', 'boolean', body)
  }

  // --- issues --------------------------------------------------------------------------------------

  /**
   * The name of a constant describing `schema` for `schemaIssues` (src/schema-issues.ts), or undefined
   * when the schema cannot fail (`{}`): the issues are walked from it, never generated as code.
   */
  issueNode(schema: JsonSchema, where: string): string | undefined {
    const fields: string[] = []
    if (schema.anyOf !== undefined) {
      const check = this.check(schema, 'v', where)
      const branches = schema.anyOf.flatMap(
        (branch, i) => this.issueNode(branch, `${where}/anyOf/${i}`) ?? [],
      )
      fields.push(`any: (v: any) => ${check}`, `b: [${branches.join(', ')}]`)
    } else if (schema.not !== undefined) {
      fields.push(`not: (v: any) => ${this.check(schema, 'v', where)}`)
    } else {
      switch (schema.type) {
        case undefined:
          return undefined
        case 'object': {
          fields.push("t: 'o'")
          if ((schema.required ?? []).length > 0) fields.push(`r: ${JSON.stringify(schema.required)}`)
          const required = new Set(schema.required ?? [])
          const members: string[] = []
          for (const [name, memberSchema] of Object.entries(schema.properties ?? {})) {
            const node = this.issueNode(memberSchema, `${where}/properties/${name}`)
            if (node !== undefined)
              members.push(`[${JSON.stringify(name)}, ${node}, ${required.has(name) ? 1 : 0}]`)
          }
          if (members.length > 0) fields.push(`p: [${members.join(', ')}]`)
          break
        }
        case 'array': {
          fields.push("t: 'a'")
          const items =
            schema.items === undefined ? undefined : this.issueNode(schema.items, `${where}/items`)
          if (items !== undefined) fields.push(`e: ${items}`)
          if (schema.minItems !== undefined && schema.minItems > 0) fields.push(`n: ${schema.minItems}`)
          if (schema.uniqueItems === true) fields.push('u: 1')
          break
        }
        case 'boolean':
          fields.push("t: 'b'")
          break
        case 'integer':
          fields.push("t: 'i'")
          if (schema.minimum !== undefined) fields.push(`lo: ${schema.minimum}`)
          if (schema.maximum !== undefined) fields.push(`hi: ${schema.maximum}`)
          break
        case 'string': {
          fields.push("t: 's'")
          if (schema.minLength !== undefined && schema.minLength > 0) fields.push(`m: ${schema.minLength}`)
          if (schema.format !== undefined)
            fields.push(`f: ${this.format(schema.format)}`, `fn: ${JSON.stringify(schema.format)}`)
          if (schema.pattern !== undefined) {
            const regex = this.constant('PATTERN_', new RegExp(schema.pattern, 'u').toString())
            fields.push(`x: ${regex}`)
            if (new RegExp(schema.pattern, 'u').source !== schema.pattern)
              fields.push(`xs: ${JSON.stringify(schema.pattern)}`)
          }
          if ('const' in schema) fields.push(`k: ${JSON.stringify(schema.const)}`)
          break
        }
        default:
          throw new Error(`${where}: type ${schema.type} is not supported by the generator`)
      }
    }
    return this.constant('NODE_', `{ ${fields.join(', ')} }`, 'IssueNode')
  }
}

const CODE_POINTS = `/** Code points of a string, counted the way JSON Schema's length keywords count them. */
function codePoints(value: string): number {
  let count = 0
  for (const _ of value) count++
  return count
}`

/**
 * The TypeScript source of one module with the validators of every given wire schema, exported as
 * `check<Name>` and `issues<Name>`. A subschema shared by several messages (a claim, a URI) is emitted
 * once, so that a bundle carrying several messages carries each check once.
 */
export function validatorsModule(
  schemas: Readonly<Record<string, JsonSchema>>,
  formats: FormatSource,
  generator: string,
  /** Where the generated module imports the issue walker from (a test may generate elsewhere). */
  schemaIssuesModule = '../schema-issues.js',
): string {
  const builder = new ModuleBuilder(formats)
  const exports: string[] = []
  for (const [name, schema] of Object.entries(schemas)) {
    const check = builder.check(schema, 'value', name)
    const node = builder.issueNode(schema, name)
    exports.push(
      '',
      `/** True when \`value\` is a valid ${name} wire object. */`,
      `export function check${name}(value: unknown): boolean {`,
      `  return ${check}`,
      '}',
      '',
      `/** Every failing check of \`value\` against the ${name} wire schema (at most 8), empty when it is valid. */`,
      `export function issues${name}(value: unknown): ValidationIssue[] {`,
      node === undefined ? '  return []' : `  return schemaIssues(${node}, value)`,
      '}',
    )
  }
  return [
    `// Generated by ${generator} from the wire schemas. Do not edit: change a schema and rebuild.`,
    `import { type IssueNode, schemaIssues } from '${schemaIssuesModule}'`,
    "import type { ValidationIssue } from '../validation.js'",
    '',
    builder.text(),
    ...(builder.usesCodePoints ? ['', CODE_POINTS] : []),
    ...exports,
    '',
  ].join('\n')
}
