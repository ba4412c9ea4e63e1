import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'

// The official Pact Broker client: the `pact broker` command of the Rust `pact` CLI, which
// @pact-foundation/pact-cli ships as a static binary inside a platform package of the npm registry
// (@pact-foundation/pact-cli-linux-x64 ...), with no install script and no download. It reads
// PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN, PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD itself.

const require = createRequire(import.meta.url)

/** The path of the `pact` binary of the installed @pact-foundation/pact-cli. */
export function pactCliBinary(): string {
  const standalone = require('@pact-foundation/pact-cli/src/pact-standalone.js') as {
    standalone: () => { pactFullPath: string }
  }
  return standalone.standalone().pactFullPath
}

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `pact broker <args>` and resolves with its exit code and output (never rejects on a non-zero
 * exit: `can-i-deploy` answers "no" with one). Bounded by `timeoutMs`.
 */
export function pactBroker(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 30_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      pactCliBinary(),
      ['broker', ...args],
      { env: { ...env, NO_COLOR: '1' }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`pact broker ${args[0] ?? ''} did not run: ${error.message}\n${stderr}`))
          return
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr })
      },
    )
  })
}
