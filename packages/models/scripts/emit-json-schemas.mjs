// Writes one JSON Schema file per exported wire schema (every export with a `$id`) to dist/schemas/,
// so other languages validate against the very definitions the TypeScript packages use.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import * as models from '../dist/index.js'

const out = new URL('../dist/schemas/', import.meta.url)
await rm(out, { recursive: true, force: true })
await mkdir(out, { recursive: true })
let written = 0
for (const value of Object.values(models)) {
  if (value === null || typeof value !== 'object' || typeof value.$id !== 'string') continue
  const file = value.$id.slice(value.$id.lastIndexOf('/') + 1)
  const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...value }
  await writeFile(new URL(file, out), `${JSON.stringify(schema, null, 2)}\n`)
  written++
}
if (written === 0) throw new Error('no wire schema with a $id is exported from @pipeshub/models')
