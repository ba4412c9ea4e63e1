/** Command line of `node src/run.mjs`. */
export interface BenchOptions {
  readonly quick: boolean
  /** Results file name (without extension) under results/ (or results/quick/). */
  readonly name: string
  readonly rounds: number
  readonly roundSeconds: number
  readonly warmupSeconds: number
  readonly memorySeconds: number
  readonly connections: number
  /** Only these target ids (all when empty). */
  readonly only: readonly string[]
  /** Profile a PipesHub target that misses its goal (default: full runs only). */
  readonly profile: boolean
  readonly skipClient: boolean
  readonly skipMemory: boolean
}

export const USAGE = `usage: node src/run.mjs [--quick] [--name <name>] [--rounds <n>] [--seconds <s>]
                      [--only <id,id>] [--profile|--no-profile] [--skip-client] [--skip-memory]
  --quick      3 s x 3 rounds, 15 s memory run, no profiles; results in results/quick/ (under 3 minutes)
  default      10 s x 5 rounds, 60 s memory run, profiles of missed goals; results in results/ (about 14 minutes)`

export function parseOptions(argv: readonly string[]): BenchOptions {
  const args = argv.filter((arg) => arg !== '--')
  const quick = args.includes('--quick')
  const value = (flag: string): string | undefined => {
    const index = args.indexOf(flag)
    if (index < 0) return undefined
    const next = args[index + 1]
    if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`)
    return next
  }
  const positive = (flag: string, fallback: number): number => {
    const raw = value(flag)
    if (raw === undefined) return fallback
    const parsed = Number(raw)
    if (!(Number.isFinite(parsed) && parsed > 0))
      throw new Error(`${flag} must be a positive number, got ${raw}`)
    return parsed
  }
  const known = new Set([
    '--quick',
    '--name',
    '--rounds',
    '--seconds',
    '--only',
    '--profile',
    '--no-profile',
    '--skip-client',
    '--skip-memory',
    '--help',
  ])
  for (const [index, arg] of args.entries()) {
    const previous = args[index - 1]
    const isValue = previous !== undefined && ['--name', '--rounds', '--seconds', '--only'].includes(previous)
    if (!isValue && !known.has(arg)) throw new Error(`unknown argument ${arg}\n${USAGE}`)
  }
  const name = value('--name') ?? 'latest'
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`--name must be a plain file name, got ${name}`)
  return {
    quick,
    name,
    rounds: Math.round(positive('--rounds', quick ? 3 : 5)),
    roundSeconds: positive('--seconds', quick ? 3 : 10),
    warmupSeconds: quick ? 1 : 3,
    memorySeconds: quick ? 15 : 60,
    connections: 16,
    only: (value('--only') ?? '').split(',').filter((id) => id !== ''),
    profile: args.includes('--profile') || (!quick && !args.includes('--no-profile')),
    skipClient: args.includes('--skip-client'),
    skipMemory: args.includes('--skip-memory'),
  }
}
