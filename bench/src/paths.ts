import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The bench package directory, whether this module runs from src/ (tests) or dist/ (the harness). */
export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)))

/** Child processes always run the compiled entry points. */
export function distEntry(relative: string): string {
  return join(BENCH_DIR, 'dist', relative)
}
