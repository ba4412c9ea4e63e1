import type { ProfileSummary } from './results.js'

/** The parts of a V8 `.cpuprofile` (as written by `node --cpu-prof`) that the summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number
    readonly callFrame: {
      readonly functionName: string
      readonly url: string
      readonly lineNumber: number
      readonly columnNumber?: number
    }
    readonly children?: readonly number[]
  }[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

/** Where a frame's time belongs, coarse enough to say what would move the number. */
export function categorise(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection'
  if (functionName === '(program)') return 'native, outside JS (syscalls, libuv, OpenSSL)'
  if (functionName === '(idle)') return 'idle (waiting for requests)'
  const packageMatch = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url)
  const pkg = packageMatch?.[1]
  if (pkg !== undefined) {
    if (
      [
        'pino',
        'sonic-boom',
        'pino-std-serializers',
        '@pinojs/redact',
        'fast-redact',
        'thread-stream',
      ].includes(pkg)
    )
      return 'logging (pino)'
    if (pkg === '@fastify/rate-limit' || pkg === 'toad-cache') return 'rate limiting'
    if (
      pkg === 'fastify' ||
      pkg.startsWith('@fastify/') ||
      [
        'find-my-way',
        'avvio',
        'light-my-request',
        'fast-json-stringify',
        'secure-json-parse',
        'fast-querystring',
      ].includes(pkg)
    ) {
      return 'Fastify'
    }
    if (pkg.startsWith('@pipeshub/')) return pkg
    return pkg
  }
  if (url.includes('/store/sqlite')) return 'SQLite store (node:sqlite)'
  if (url.includes('/store/postgres')) return 'PostgreSQL store'
  if (url.includes('/packages/server/')) return '@pipeshub/server'
  if (url.includes('/packages/models/')) return '@pipeshub/models'
  if (url.includes('/apps/token-server/')) return '@pipeshub/token-server'
  if (url.startsWith('node:internal/crypto') || url === 'node:crypto') return 'node:crypto'
  if (url.includes('sqlite')) return 'node:sqlite'
  if (url.startsWith('node:internal/http') || url.startsWith('node:_http') || url === 'node:http')
    return 'node:http'
  if (
    url.startsWith('node:internal/streams') ||
    url.startsWith('node:net') ||
    url.startsWith('node:internal/stream_base')
  ) {
    return 'node:net and streams'
  }
  if (url.startsWith('node:')) return 'other node internals'
  if (url === '') {
    if (functionName.startsWith('JSON') || functionName === 'parse' || functionName === 'stringify')
      return 'JSON'
    return 'V8 builtins and native calls'
  }
  return 'application code'
}

function shortLocation(url: string, lineNumber: number): string {
  if (url === '') return '(native)'
  const path = url.replace(/^file:\/\//, '')
  const packaged = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.+)$/.exec(path)
  const workspace = /\/(packages\/.+|apps\/.+|bench\/.+)$/.exec(path)
  const short = packaged?.[1] ?? workspace?.[1] ?? path
  return `${short}:${lineNumber + 1}`
}

const LEVERS: Record<string, string> = {
  jose: 'JWT signing through jose: cache the imported key and the encoded protected header; sign with node:crypto `sign()` directly',
  'node:crypto':
    'the signature itself: WebCrypto (through jose) costs about twice a bare `crypto.sign("sha256", data, keyObject)` with the DER signature converted to r||s in JS, as the crypto floor does; EdDSA signs faster than ES256',
  'SQLite store (node:sqlite)':
    'SQLite statements: prepare each statement once and reuse it (not `db.prepare(sql)` on every call), cache the client record between requests, fewer statements per rotation',
  'PostgreSQL store':
    'PostgreSQL round trips: one statement per rotation, named (prepared) statements, a pool sized to the load',
  pg: 'PostgreSQL round trips: one statement per rotation, a pool sized to the load, pipelined queries',
  Fastify:
    'HTTP framework: fewer hooks and plugins on the token route, a response schema so Fastify serialises with fast-json-stringify',
  'garbage collection':
    'allocation per request: reuse encoded headers and buffers, avoid intermediate objects and closures',
  typebox:
    'the compiled validator: mostly the RegExp `pattern` tests on every string member (VSCHAR tokens, scope, compact JWS; `node --cpu-prof` shows them as `RegExp:` frames); a hand-written character scan of the same grammar, or lighter checks on the client side, would move it',
  '@pipeshub/server':
    'the grant logic itself: look at the top functions below for repeated work (client lookups, scope parsing)',
  '@pipeshub/models':
    'response encoding: map the model to the wire once, skip re-validation of a response the server built itself; on the client, the generated validators spend their time in the RegExp character grammars (irregexp is already the fastest per-character scan V8 has)',
  'logging (pino)':
    "the line per request: most of it is pino's redaction (`@pinojs/redact` walking the token server's 30 wildcard paths `*.secret`, `*.*.secret`, ... on every line), then the synchronous write; explicit paths, or scrubbing secrets in the serializers that produce them, would move it",
  'rate limiting':
    'the per-client token bucket of @fastify/rate-limit on every token request: a cheaper key, or the limit applied after client authentication only',
  '@pipeshub/token-server':
    "the token server's own hooks on every request (request ids, security headers, audit): do once per process what does not change per request",
  'native, outside JS (syscalls, libuv, OpenSSL)':
    'native time: syscalls per request (writes, fsync), the signature inside OpenSSL',
  'node:http': 'Node HTTP parsing/serialising: the floor every Node server pays',
}

/** Categories under 1% each are summed into one line: the table is for finding the big items. */
function collapseSmall(categories: { name: string; share: number }[]): { name: string; share: number }[] {
  const large = categories.filter((category) => category.share >= 0.01)
  const small = categories.filter((category) => category.share < 0.01)
  if (small.length < 2) return categories
  const rest = small.reduce((sum, category) => sum + category.share, 0)
  return [...large, { name: `${small.length} others, under 1% each`, share: rest }]
}

/** Self time by category and the heaviest functions, idle time left out of the shares. */
export function summariseCpuProfile(profile: CpuProfile, target: string, top = 15): ProfileSummary {
  const selfTime = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const node = profile.samples[i] as number
    selfTime.set(node, (selfTime.get(node) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0))
  }
  const parents = new Map<number, number>()
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
  // A native function (a node:sqlite statement, a crypto binding) belongs to the JavaScript that called it.
  const nearestCaller = (id: number) => {
    for (let parent = parents.get(id); parent !== undefined; parent = parents.get(parent)) {
      const caller = byId.get(parent)
      if (caller !== undefined && caller.callFrame.url !== '') return caller
    }
    return undefined
  }
  const categories = new Map<string, number>()
  const functions = new Map<string, { name: string; location: string; micros: number }>()
  let busy = 0
  for (const node of profile.nodes) {
    const micros = selfTime.get(node.id) ?? 0
    if (micros === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    // Idle time, and the profiler's own work when it stops, are not the server's.
    if (functionName === '(idle)' || url.startsWith('node:inspector')) continue
    busy += micros
    const native = url === '' && !functionName.startsWith('(')
    const caller = native ? nearestCaller(node.id) : undefined
    const category =
      caller === undefined
        ? categorise(functionName, url)
        : categorise(caller.callFrame.functionName, caller.callFrame.url)
    categories.set(category, (categories.get(category) ?? 0) + micros)
    const name = functionName === '' ? '(anonymous)' : functionName
    const location =
      caller === undefined
        ? shortLocation(url, lineNumber)
        : `native, from ${shortLocation(caller.callFrame.url, caller.callFrame.lineNumber)}`
    const key = `${name}@${location}`
    const entry = functions.get(key) ?? { name, location, micros: 0 }
    entry.micros += micros
    functions.set(key, entry)
  }
  const share = (micros: number) => (busy === 0 ? 0 : micros / busy)
  const ranked = [...categories].sort((a, b) => b[1] - a[1])
  return {
    target,
    totalMs: busy / 1000,
    categories: collapseSmall(ranked.map(([name, micros]) => ({ name, share: share(micros) }))),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map((fn) => ({ name: fn.name, location: fn.location, selfShare: share(fn.micros) })),
    levers: ranked
      .filter(([name, micros]) => share(micros) >= 0.08 && LEVERS[name] !== undefined)
      .map(([name, micros]) => `${name} (${(share(micros) * 100).toFixed(0)}%): ${LEVERS[name]}`),
  }
}
