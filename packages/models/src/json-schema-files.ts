import type { TSchema } from 'typebox'

/** One published JSON Schema file: `dist/schemas/<file>`, importable as `@pipeshub/models/schemas/<file>`. */
export interface JsonSchemaFile {
  /** The message name (the key in `wireSchemas`). */
  readonly name: string
  /** The file name: the last segment of the schema's `$id`, e.g. `oauth-token-response.schema.json`. */
  readonly file: string
  /** The file's text: the schema as JSON with its `$schema` dialect declared. */
  readonly text: string
}

const SCHEMA_FILE = /^[a-z0-9-]+\.schema\.json$/

/**
 * The JSON Schema files for a set of wire schemas, so that other languages validate against the very
 * definitions the TypeScript packages use. Each schema must carry a `$id` ending in its file name.
 */
export function jsonSchemaFiles(schemas: Readonly<Record<string, TSchema>>): JsonSchemaFile[] {
  const files = new Map<string, JsonSchemaFile>()
  for (const [name, schema] of Object.entries(schemas)) {
    const id: unknown = (schema as { $id?: unknown }).$id
    if (typeof id !== 'string') throw new Error(`wire schema ${name} has no $id`)
    const file = id.slice(id.lastIndexOf('/') + 1)
    if (!SCHEMA_FILE.test(file))
      throw new Error(`wire schema ${name} has a $id not ending in <name>.schema.json: ${id}`)
    if (files.has(file))
      throw new Error(`wire schemas ${files.get(file)?.name} and ${name} share the $id ${id}`)
    const text = `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema }, null, 2)}\n`
    files.set(file, { name, file, text })
  }
  return [...files.values()]
}
