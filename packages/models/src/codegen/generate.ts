import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { wireSchemas } from '../wire-schemas.js'
import { type JsonSchema, validatorsModule } from './validator-module.js'

/** One generated file, relative to src/generated. */
export interface GeneratedFile {
  readonly path: string
  readonly text: string
}

const GENERATOR = 'packages/models/scripts/generate-validators.mjs'

/**
 * The regular expression TypeBox checks a string format with, read from the installed TypeBox so that
 * generated code and TypeBox accept the same strings (src/generated-validators.test.ts proves it).
 */
export function typeboxFormat(format: string): RegExp {
  const require = createRequire(import.meta.url)
  const root = dirname(dirname(require.resolve('typebox/format')))
  const file = join(root, 'format', `${format.replaceAll('-', '_')}.mjs`)
  const source = readFileSync(file, 'utf8')
  const match = /^const \w+ = (\/.+\/([a-z]*));$/m.exec(source)
  if (match?.[1] === undefined) throw new Error(`cannot read the "${format}" format from ${file}`)
  const literal = match[1]
  const end = literal.lastIndexOf('/')
  return new RegExp(literal.slice(1, end), literal.slice(end + 1))
}

/** The generated validators of every wire schema, in one module (a bundler keeps the ones in use). */
export function generatedValidators(): GeneratedFile[] {
  const schemas = wireSchemas as unknown as Record<string, JsonSchema>
  return [{ path: 'validators.ts', text: validatorsModule(schemas, typeboxFormat, GENERATOR) }]
}
