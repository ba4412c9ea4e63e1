import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, posix, relative } from 'node:path'

/**
 * A dry run of a Dockerfile without a container runtime: each stage's filesystem is a folder, COPY copies
 * from the build context (honouring .dockerignore) or another stage, and RUN executes the few commands
 * this project's Dockerfile uses. Any other instruction or command is an error, so the Dockerfile cannot
 * grow a step this check silently skips.
 */

export interface Instruction {
  line: number
  keyword: string
  /** Leading `--name=value` options (COPY --from, HEALTHCHECK --interval, ...). */
  flags: Record<string, string>
  args: string
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = []
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const start = index + 1
    let line = (lines[index] as string).trim()
    if (line === '' || line.startsWith('#')) continue
    while (line.endsWith('\\') && index + 1 < lines.length) {
      const next = (lines[++index] as string).trim()
      if (next.startsWith('#')) continue
      line = `${line.slice(0, -1).trimEnd()} ${next}`
    }
    const [keyword = '', ...rest] = line.split(/\s+/)
    let args = rest.join(' ')
    const flags: Record<string, string> = {}
    for (
      let flag = /^--([\w-]+)=(\S+)\s*/.exec(args);
      flag !== null;
      flag = /^--([\w-]+)=(\S+)\s*/.exec(args)
    ) {
      flags[flag[1] as string] = flag[2] as string
      args = args.slice(flag[0].length)
    }
    instructions.push({ line: start, keyword: keyword.toUpperCase(), flags, args })
  }
  return instructions
}

/** `ENV a=1 b=2` (the key=value form; values without spaces). */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const pair of args.split(/\s+/)) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new Error(`ENV ${args}: only the key=value form is supported`)
    env[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return env
}

/** A `.dockerignore` as a predicate on context-relative paths (`*`, `**`; a match excludes the subtree). */
export function dockerignore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => {
      if (pattern.startsWith('!'))
        throw new Error(`.dockerignore: exceptions (${pattern}) are not supported here`)
      // `**/` is any number of folders, `*` any part of one name.
      const source = pattern
        .replace(/^\//, '')
        .split('**/')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('(?:.*/)?')
      return new RegExp(`^${source}(?:/.*)?$`)
    })
  return (path) => patterns.some((pattern) => pattern.test(path))
}

export interface Stage {
  name: string | undefined
  /** The folder standing for the stage's `/`. */
  root: string
  workdir: string
  env: Record<string, string>
  user: string | undefined
  volumes: string[]
  exposed: string[]
  /** Owners set by `chown`, by container path. */
  owners: Record<string, string>
  healthcheck: { flags: Record<string, string>; command: string[] } | undefined
  command: string[] | undefined
}

export interface DryRunOptions {
  context: string
  scratch: string
  /** The only base image allowed, which the machine running the check stands for (its Node). */
  baseImage: string
  /** The pnpm version `npm install --global pnpm@<version>` must name; the machine's pnpm is that one. */
  pnpmVersion: string
  env: NodeJS.ProcessEnv
  timeoutMs: number
  log: (line: string) => void
}

/** The container path `path` of a stage, as a folder of the scratch directory. */
export function hostPath(stage: Stage, path: string): string {
  const absolute = posix.isAbsolute(path) ? path : posix.join(stage.workdir, path)
  return join(stage.root, absolute)
}

function jsonArray(args: string, where: string): string[] {
  const parsed = JSON.parse(args) as unknown
  if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string')) {
    throw new Error(`${where}: expected the JSON (exec) form`)
  }
  return parsed as string[]
}

function copy(from: string, to: string, filter: (source: string) => boolean, where: string): void {
  if (!existsSync(from)) throw new Error(`${where}: ${from} does not exist`)
  cpSync(from, to, { recursive: true, verbatimSymlinks: true, filter })
}

function run(stage: Stage, command: string, options: DryRunOptions, where: string): void {
  const npmPnpm = /^npm install --global(?: --[\w-]+)* pnpm@(\S+)$/.exec(command)
  if (npmPnpm !== null) {
    if (npmPnpm[1] !== options.pnpmVersion) {
      throw new Error(`${where}: installs pnpm@${npmPnpm[1]}, package.json pins ${options.pnpmVersion}`)
    }
    return // The machine's pnpm is that version (the check verifies it): nothing to download.
  }
  const mkdirChown = /^mkdir -p (\/\S+) && chown (\w+):(\w+) (\/\S+)$/.exec(command)
  if (mkdirChown !== null) {
    const [, made = '', owner = '', , owned = ''] = mkdirChown
    if (made !== owned) throw new Error(`${where}: chown of another folder than the one made`)
    mkdirSync(hostPath(stage, made), { recursive: true })
    stage.owners[made] = owner
    return
  }
  if (!command.startsWith('pnpm '))
    throw new Error(`${where}: the dry run does not know how to run: ${command}`)
  options.log(`${where}: ${command}`)
  const result = spawnSync('sh', ['-c', command], {
    cwd: hostPath(stage, '.'),
    env: { ...options.env, ...stage.env },
    encoding: 'utf8',
    timeout: options.timeoutMs,
  })
  if (result.status !== 0) {
    throw new Error(
      `${where}: ${command} failed (${result.status ?? result.signal})\n${result.stdout}\n${result.stderr}`,
    )
  }
}

/** Runs every stage; answers the last one (the image). */
export function dryRun(instructions: Instruction[], options: DryRunOptions): Stage {
  const ignored = dockerignore(readFileSync(join(options.context, '.dockerignore'), 'utf8'))
  const contextFilter = (source: string) => {
    const path = relative(options.context, source)
    return path === '' || !ignored(path.split('\\').join('/'))
  }
  const stages: Stage[] = []
  let stage: Stage | undefined
  for (const { line, keyword, flags, args } of instructions) {
    const where = `Dockerfile:${line} ${keyword}`
    if (keyword === 'FROM') {
      const [image = '', as, name] = args.split(/\s+/)
      if (as !== undefined && as.toUpperCase() !== 'AS')
        throw new Error(`${where}: expected FROM <image> [AS <name>]`)
      const parent = stages.find((candidate) => candidate.name === image)
      if (parent === undefined && image !== options.baseImage) {
        throw new Error(`${where}: base image ${image}; the dry run stands for ${options.baseImage} only`)
      }
      const root = join(options.scratch, `stage-${stages.length}`)
      mkdirSync(root, { recursive: true })
      if (parent !== undefined) cpSync(parent.root, root, { recursive: true, verbatimSymlinks: true })
      stage = {
        name,
        root,
        workdir: parent?.workdir ?? '/',
        env: { ...parent?.env },
        user: parent?.user,
        volumes: [],
        exposed: [],
        owners: { ...parent?.owners },
        healthcheck: undefined,
        command: undefined,
      }
      stages.push(stage)
      continue
    }
    if (stage === undefined) throw new Error(`${where}: before any FROM`)
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = posix.isAbsolute(args) ? args : posix.join(stage.workdir, args)
        mkdirSync(hostPath(stage, '.'), { recursive: true })
        break
      case 'ENV':
        Object.assign(stage.env, parseEnv(args))
        break
      case 'COPY': {
        const words = args.split(/\s+/)
        const destination = words.pop() ?? ''
        if (words.length === 0) throw new Error(`${where}: COPY needs a source and a destination`)
        const source =
          flags.from === undefined ? undefined : stages.find((candidate) => candidate.name === flags.from)
        if (flags.from !== undefined && source === undefined)
          throw new Error(`${where}: no stage ${flags.from}`)
        for (const word of words) {
          const from = source === undefined ? join(options.context, word) : hostPath(source, word)
          if (source === undefined && (isAbsolute(word) || word.startsWith('..'))) {
            throw new Error(`${where}: ${word} is outside the build context`)
          }
          if (source === undefined && !contextFilter(from))
            throw new Error(`${where}: ${word} is in .dockerignore`)
          const target = hostPath(stage, destination)
          const intoFolder = destination.endsWith('/') || words.length > 1
          const fromIsFolder = existsSync(from) && statSync(from).isDirectory()
          const to = intoFolder && !fromIsFolder ? join(target, posix.basename(word)) : target
          copy(from, to, source === undefined ? contextFilter : () => true, where)
        }
        break
      }
      case 'RUN':
        run(stage, args, options, where)
        break
      case 'USER':
        stage.user = args
        break
      case 'VOLUME':
        stage.volumes.push(...args.split(/\s+/))
        break
      case 'EXPOSE':
        stage.exposed.push(...args.split(/\s+/))
        break
      case 'HEALTHCHECK': {
        if (!args.startsWith('CMD ')) throw new Error(`${where}: expected HEALTHCHECK [options] CMD [...]`)
        stage.healthcheck = { flags, command: jsonArray(args.slice(4), where) }
        break
      }
      case 'CMD':
        stage.command = jsonArray(args, where)
        break
      default:
        throw new Error(`${where}: the dry run does not know this instruction`)
    }
  }
  if (stage === undefined) throw new Error('Dockerfile: no stage')
  return stage
}
