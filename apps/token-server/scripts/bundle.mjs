// Bundles the compiled server (dist/start.js, dist/index.js) and its pure-JavaScript dependencies into
// a few files beside them, so that a start reads a handful of modules instead of about a thousand: Node's
// ESM loader (resolving, reading and linking each file) was about 200 ms of a 500 ms start
// (docs/decisions.md, "The token server starts from a bundle").
//
// Runs after `tsc`, on its output. The files go into dist/ itself, so that `import.meta.url` (the
// package root, `createRequire` for the modules loaded on demand) means what it means unbundled.
import { readdirSync, rmSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'rolldown'

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')

// Left to Node at run time: what only some settings load (the PostgreSQL driver, Redis, pretty logs),
// so that a start with the embedded store never reads them, and packages that are native or that
// resolve their own files by path.
const ON_DEMAND = ['pg', 'pg-native', 'ioredis', 'pino-pretty']
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)])

for (const file of readdirSync(DIST)) {
  if (/\.bundle\.js(\.map)?$/.test(file) || file.startsWith('bundle-')) rmSync(join(DIST, file))
}

await build({
  input: { start: join(DIST, 'start.js'), index: join(DIST, 'index.js') },
  platform: 'node',
  external: (id) => BUILTINS.has(id) || ON_DEMAND.some((name) => id === name || id.startsWith(`${name}/`)),
  logLevel: 'warn',
  output: {
    dir: DIST,
    format: 'esm',
    entryFileNames: '[name].bundle.js',
    // The code both entries share is the server; a chunk loaded on demand keeps its module's name.
    chunkFileNames: (chunk) => (chunk.isDynamicEntry ? 'bundle-[name]-[hash].js' : 'bundle-server-[hash].js'),
    // Smaller files parse and hash faster at each start; names are kept, so that a stack trace in an
    // operator's log still reads `createTokenServer`, not `e`.
    minify: { compress: true, mangle: false, codegen: { removeWhitespace: true } },
    // Beside each file, never read at a start: `node --enable-source-maps dist/main.js` gives stack traces
    // in the original modules, and a CPU profile's frames map back to their packages (the bench does).
    sourcemap: true,
  },
})
