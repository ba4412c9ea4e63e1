import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping'
import type { CpuProfile } from './profile.js'

/**
 * The profile with every frame of a bundled file (the token server's `dist/*.bundle.js`, which writes
 * its source map beside it) moved to the module it came from: one bundle file would put Fastify,
 * pino, the stores and the grants in one category, and the profile would no longer say where the time
 * goes. Frames of files without a source map, and positions the map does not cover, stay as they are.
 */
export function mapProfileToSources(profile: CpuProfile): CpuProfile {
  const maps = new Map<string, TraceMap | undefined>()
  const mapOf = (url: string): TraceMap | undefined => {
    if (!maps.has(url)) {
      const path = fileURLToPath(url)
      const mapPath = `${path}.map`
      maps.set(url, existsSync(mapPath) ? new TraceMap(readFileSync(mapPath, 'utf8'), mapPath) : undefined)
    }
    return maps.get(url)
  }
  return {
    ...profile,
    nodes: profile.nodes.map((node) => {
      const { url, lineNumber, columnNumber } = node.callFrame
      if (!url.startsWith('file:')) return node
      const map = mapOf(url)
      if (map === undefined) return node
      // V8 counts lines and columns from 0; source maps count lines from 1.
      const original = originalPositionFor(map, { line: lineNumber + 1, column: columnNumber ?? 0 })
      if (original.source === null || original.line === null) return node
      const source = resolve(dirname(fileURLToPath(url)), original.source)
      return {
        ...node,
        callFrame: { ...node.callFrame, url: pathToFileURL(source).href, lineNumber: original.line - 1 },
      }
    }),
  }
}
