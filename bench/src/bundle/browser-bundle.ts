import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { BENCH_DIR } from '../paths.js'
import type { BrowserBundleResult } from '../results.js'

/** The page whose production bundle is measured (src/, so that Vite compiles it from the TypeScript). */
export const CODE_FLOW_PAGE = join(BENCH_DIR, 'src', 'bundle', 'code-flow-page.ts')

/** The package a bundled module belongs to: `jose`, `@pipeshub/client`, ... (workspace paths mapped back). */
export function packageOf(moduleId: string): string {
  const path = moduleId.replaceAll('\\', '/')
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(path)
  const inNodeModules = path.lastIndexOf('/node_modules/')
  if (inNodeModules !== -1) {
    const rest = path.slice(inNodeModules + '/node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? path)
  }
  if (workspace !== null) return `@pipeshub/${workspace[2]}`
  if (path.includes('/bench/')) return 'the page'
  return path
}

interface BuiltChunk {
  readonly type: 'chunk'
  readonly code: string
  readonly modules: Record<string, { readonly renderedLength: number }>
}

/** The page built: its minified code, and the modules in it with their rendered (minified) lengths. */
export interface BuiltBundle {
  readonly code: string
  readonly modules: ReadonlyMap<string, number>
}

/** A Vite production build of `page` (minified, one chunk, nothing written). */
export async function buildBrowserBundle(page = CODE_FLOW_PAGE): Promise<BuiltBundle> {
  const { build } = await import('vite')
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: BENCH_DIR,
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      modulePreload: false,
      rollupOptions: { input: page, output: { codeSplitting: false } },
    },
  })
  const chunks = [output]
    .flat()
    .flatMap((result) => ('output' in result ? result.output : []))
    .filter((item): item is typeof item & BuiltChunk => item.type === 'chunk')
  const modules = new Map<string, number>()
  for (const chunk of chunks) {
    for (const [id, module] of Object.entries(chunk.modules)) {
      if (module.renderedLength > 0) modules.set(id, (modules.get(id) ?? 0) + module.renderedLength)
    }
  }
  return { code: chunks.map((chunk) => chunk.code).join('\n'), modules }
}

/**
 * A Vite production build of the code flow page (minified, one chunk, nothing written): its size and
 * gzipped size, and which packages the bytes come from (their share of the minified chunk, before gzip).
 */
export async function measureBrowserBundle(page = CODE_FLOW_PAGE): Promise<BrowserBundleResult> {
  try {
    const { code, modules } = await buildBrowserBundle(page)
    const rendered = new Map<string, number>()
    for (const [id, bytes] of modules) {
      const name = packageOf(id)
      rendered.set(name, (rendered.get(name) ?? 0) + bytes)
    }
    const totalRendered = [...rendered.values()].reduce((sum, bytes) => sum + bytes, 0)
    return {
      status: 'ok',
      page: 'authorization code flow with PKCE, ID token check, refresh (bench/src/bundle/code-flow-page.ts)',
      bytes: Buffer.byteLength(code),
      gzipBytes: gzipSync(code, { level: 9 }).length,
      packages: [...rendered]
        .sort((a, b) => b[1] - a[1])
        .map(([name, bytes]) => ({ name, share: totalRendered === 0 ? 0 : bytes / totalRendered })),
    }
  } catch (error) {
    return { status: 'failed', reason: (error as Error).message.split('\n')[0] ?? 'vite build failed' }
  }
}
