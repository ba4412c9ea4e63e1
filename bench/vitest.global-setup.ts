import { spawnSync } from 'node:child_process'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Compiles the bench (tsc, seconds) so that child processes can run dist/ entry points. */
export default function setup(): void {
  const result = spawnSync('pnpm', ['run', 'build'], {
    cwd: dirname(fileURLToPath(import.meta.url)),
    stdio: 'inherit',
    timeout: 120_000,
  })
  if (result.status !== 0)
    throw new Error(`building the bench failed (${result.error?.message ?? `exit ${result.status}`})`)
}
