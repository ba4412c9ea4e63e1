import { existsSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { normalizePactFile } from './pact-file.js'
import { PACT_FILE, WHAT_IF_PACTS_DIR } from './parties.js'

/**
 * Vitest `globalSetup` of the consumer contract run (`packages/client/vitest.contract.config.ts`).
 * Pact merges new interactions into an existing file, so an interaction a test no longer declares
 * would live on in the committed pact: the run starts from no pact at all. Afterwards the file is
 * normalized (deterministic bytes) and stamped with the client's version.
 */
export default async function setup(project: { config: { root: string } }): Promise<() => Promise<void>> {
  const manifest = JSON.parse(readFileSync(join(project.config.root, 'package.json'), 'utf8')) as {
    version: string
  }
  await rm(PACT_FILE, { force: true })
  await rm(WHAT_IF_PACTS_DIR, { recursive: true, force: true })
  return async () => {
    if (existsSync(PACT_FILE)) await normalizePactFile(PACT_FILE, manifest.version)
  }
}
