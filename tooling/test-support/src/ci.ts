/** Whether this run is CI: `CI=true` or `CI=1`, as CI services set it. */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1'
}

/**
 * Whether the tests needing `service` run. It answers (`failure` undefined): they run. It does not: in
 * CI this throws, because there those tests must fail, never skip; elsewhere it prints why `skipping`
 * skips and answers false.
 */
export function serviceAvailable(
  service: string,
  failure: string | undefined,
  skipping: string,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (failure === undefined) return true
  if (inCI(env)) throw new Error(`${service} is required in CI: ${failure}`)
  console.warn(`skipping ${skipping}: ${service}: ${failure}`)
  return false
}
