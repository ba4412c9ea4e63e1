import { existsSync } from 'node:fs'
import { serviceAvailable } from './ci.js'

/** The Chromium the browser tests drive (override with CHROMIUM_PATH). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Flags for Chromium on these machines (no GPU, no sandbox, no calls home). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
]

/**
 * Whether the browser tests (`skipping` names them) run: with `CI=true` a missing Chromium throws,
 * elsewhere they skip with a line saying why.
 */
export function chromiumAvailable(skipping = 'the browser tests'): boolean {
  return serviceAvailable(
    `Chromium at ${CHROMIUM}`,
    existsSync(CHROMIUM) ? undefined : 'not found (set CHROMIUM_PATH)',
    skipping,
  )
}
