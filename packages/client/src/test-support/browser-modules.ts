import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import { dirname, extname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

// The built ESM of @pipeshub/client and of its dependencies, served to a real browser through an
// import map, with no bundler: what a page loading the published package gets.

export const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const packageDir = (from: string, name: string) => realpathSync(join(from, 'node_modules', name))
const modelsDir = packageDir(clientDir, '@pipeshub/models')
const packages: Record<string, string> = {
  '@pipeshub/client': clientDir,
  '@pipeshub/models': modelsDir,
  jose: packageDir(clientDir, 'jose'),
}

type ExportTarget = string | { import?: ExportTarget; browser?: ExportTarget; default?: ExportTarget } | null

function pick(target: ExportTarget | undefined): string | undefined {
  if (target === undefined || target === null) return undefined
  if (typeof target === 'string') return target
  return pick(target.browser ?? target.import ?? target.default)
}

/** The path under which `serveBrowserModule` answers the packages' files. */
export const MODULES_PATH = '/__browser__/'

/** An import map from each package's own `exports` (exact subpaths; that is all these packages use). */
export function importMap(): { imports: Record<string, string> } {
  const imports: Record<string, string> = {}
  for (const [name, dir] of Object.entries(packages)) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      exports: Record<string, ExportTarget>
    }
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const file = pick(target)
      if (file === undefined || subpath.includes('*') || !/\.m?js$/.test(file)) continue
      imports[`${name}${subpath.slice(1)}`] = `${MODULES_PATH}${name}/${file.replace(/^\.\//, '')}`
    }
  }
  return { imports }
}

/** Fails early with the command to run when the client was not built. */
export function assertClientBuilt(): void {
  if (!existsSync(join(clientDir, 'dist', 'index.js'))) {
    throw new Error('packages/client/dist is missing: run `pnpm --filter @pipeshub/client build` first')
  }
}

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript' }

/** Serves a file under the four package directories (true when `url` was one of theirs). */
export function serveBrowserModule(url: string, response: ServerResponse): boolean {
  for (const [name, dir] of Object.entries(packages)) {
    const prefix = `${MODULES_PATH}${name}/`
    if (!url.startsWith(prefix)) continue
    const file = resolve(dir, decodeURIComponent(url.slice(prefix.length).split('?')[0] ?? ''))
    const type = CONTENT_TYPES[extname(file)]
    if (relative(dir, file).startsWith(`..${sep}`) || type === undefined || !existsSync(file)) {
      response.writeHead(404).end()
    } else {
      response.writeHead(200, { 'content-type': type }).end(readFileSync(file))
    }
    return true
  }
  return false
}

/**
 * A test app's web server: the built packages under `MODULES_PATH`, and `page()` (read at each request,
 * so a test can set it once it knows the client id) for every other path.
 */
export function appPageServer(page: () => string): Server {
  return createServer((request, response) => {
    if (serveBrowserModule(request.url ?? '', response)) return
    response.writeHead(200, { 'content-type': 'text/html' }).end(page())
  })
}
