import { existsSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { normalizePactFile } from './pact-file.js'
import { PACT_FILE, WHAT_IF_PACTS_DIR } from './parties.js'

/**
 * A vitest `globalSetup` for a consumer contract run that writes `pactFile` (and, for the client, the
 * what-if pacts). Pact merges new interactions into an existing file, so an interaction a test no
 * longer declares would live on in the committed pact: the run starts from no pact at all. Afterwards
 * the file is normalized (deterministic bytes) and stamped with the version of the package whose tests
 * wrote it.
 */
export function consumerRunSetup(pactFile: string, whatIfDir?: string) {
  return async (project: { config: { root: string } }): Promise<() => Promise<void>> => {
    const manifest = JSON.parse(readFileSync(join(project.config.root, 'package.json'), 'utf8')) as {
      version: string
    }
    await rm(pactFile, { force: true })
    if (whatIfDir !== undefined) await rm(whatIfDir, { recursive: true, force: true })
    return async () => {
      if (existsSync(pactFile)) await normalizePactFile(pactFile, manifest.version)
    }
  }
}

/** The client's consumer run (`packages/client/vitest.contract.config.ts`). */
export default consumerRunSetup(PACT_FILE, WHAT_IF_PACTS_DIR)
