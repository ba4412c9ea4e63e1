import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Regenerates src/generated from the wire schemas before any test imports a codec. */
export default function setup(): void {
  const script = fileURLToPath(new URL('./scripts/generate-validators.mjs', import.meta.url))
  execFileSync(process.execPath, [script], { stdio: 'inherit' })
}
