/**
 * `PIPESHUB_*` names the repository's own tests and tools read (not server settings): never warned about.
 */
const TOOL_PREFIXES = ['PIPESHUB_TEST_', 'PIPESHUB_BENCH_', 'PIPESHUB_RELEASE_']

/** Levenshtein distance, for "did you mean": names are short, so the quadratic table is cheap. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The known name closest to `name`, when it is close enough to be a typo (or a word order slip). */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined
  const words = (value: string) => value.split('_').sort().join('_')
  for (const candidate of known) {
    // The same words in another order (PIPESHUB_TTL_CODE) count as one edit.
    const d = words(name) === words(candidate) ? 1 : distance(name, candidate)
    if (best === undefined || d < best.distance) best = { name: candidate, distance: d }
  }
  if (best === undefined) return undefined
  // A third of the name may differ: PIPESHUB_PROT -> PIPESHUB_PORT, PIPESHUB_TOKEN_TTL -> ..._ACCESS_TOKEN_TTL.
  const suffix = name.replace(/^PIPESHUB_/, '')
  return best.distance <= Math.max(2, Math.ceil(suffix.length / 3)) ? best.name : undefined
}

/**
 * One warning per `PIPESHUB_*` variable that names no setting (a typo would otherwise be ignored
 * silently: the file's unknown keys are refused, but the environment carries other programs' names).
 */
export function unknownVariableWarnings(env: NodeJS.ProcessEnv, known: readonly string[]): string[] {
  const warnings: string[] = []
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('PIPESHUB_') || known.includes(name)) continue
    if (TOOL_PREFIXES.some((prefix) => name.startsWith(prefix))) continue
    const closest = closestName(name, known)
    warnings.push(
      closest === undefined
        ? `${name} is not a setting of the token server (ignored); see the README for the PIPESHUB_* variables`
        : `${name} is not a setting of the token server (ignored); did you mean ${closest}?`,
    )
  }
  return warnings
}
