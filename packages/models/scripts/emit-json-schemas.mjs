// Writes one JSON Schema file per wire schema (the `wireSchemas` record) to dist/schemas/, so other
// languages validate against the very definitions the TypeScript packages use.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { wireSchemas } from '../dist/index.js'
import { jsonSchemaFiles } from '../dist/json-schema-files.js'

const out = new URL('../dist/schemas/', import.meta.url)
await rm(out, { recursive: true, force: true })
await mkdir(out, { recursive: true })
const files = jsonSchemaFiles(wireSchemas)
if (files.length === 0) throw new Error('no wire schema is exported from @pipeshub/models')
for (const { file, text } of files) await writeFile(new URL(file, out), text)
