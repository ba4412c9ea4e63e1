#!/usr/bin/env node
// Compiles every wire schema into src/generated/*.ts (a build output, not committed): the validators
// that codecs run, so that no schema library runs when a message is checked. Runs before tsc in
// `build` and `typecheck`, and before the tests (vitest.global-setup.ts).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { registerHooks } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The schemas are TypeScript with `.js` specifiers (NodeNext); Node strips the types, this maps the names.
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  },
})

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)))
const outDir = join(packageDir, 'src', 'generated')
const { generatedValidators } = await import('../src/codegen/generate.ts')

mkdirSync(outDir, { recursive: true })
const files = generatedValidators()
const wanted = new Set(files.map((file) => file.path))
for (const stale of readdirSync(outDir)) if (!wanted.has(stale)) rmSync(join(outDir, stale))
let written = 0
for (const file of files) {
  const path = join(outDir, file.path)
  let current
  try {
    current = readFileSync(path, 'utf8')
  } catch {}
  // Unchanged files keep their mtime, so that tsc and turbo see nothing new.
  if (current !== file.text) {
    writeFileSync(path, file.text)
    written++
  }
}
if (process.argv.includes('--verbose'))
  console.log(`generated ${files.length} validator modules (${written} changed)`)
