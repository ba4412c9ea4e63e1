import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { type CpuProfile, summariseCpuProfile } from './profile.js'
import { mapProfileToSources } from './source-mapped-profile.js'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** A two-line "bundle": line 1 from pino's module, line 2 from the SQLite store, with its map beside it. */
function bundle(): string {
  const folder = mkdtempSync(join(tmpdir(), 'pipeshub-bench-map-'))
  folders.push(folder)
  const file = join(folder, 'bundle-server-x.js')
  writeFileSync(file, 'function write(){}\nfunction get(){}\n')
  writeFileSync(
    `${file}.map`,
    JSON.stringify({
      version: 3,
      file: 'bundle-server-x.js',
      sources: [
        '../node_modules/.pnpm/pino@10.4.0/node_modules/pino/lib/proto.js',
        '../packages/server/dist/store/sqlite.js',
      ],
      names: [],
      // generated line 1 -> source 0, line 11; generated line 2 -> source 1, line 21 (1-based)
      mappings: 'AAUA;ACUA',
    }),
  )
  return pathToFileURL(file).href
}

const profileOf = (url: string): CpuProfile => ({
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3] },
    { id: 2, callFrame: { functionName: 'write', url, lineNumber: 0, columnNumber: 0 } },
    { id: 3, callFrame: { functionName: 'get', url, lineNumber: 1, columnNumber: 0 } },
  ],
  samples: [2, 2, 2, 3],
  timeDeltas: [1000, 1000, 1000, 1000],
})

describe('a CPU profile of a bundled server', () => {
  it('puts each frame of the bundle back in the module it came from', () => {
    const mapped = mapProfileToSources(profileOf(bundle()))
    const [, write, get] = mapped.nodes
    expect(write?.callFrame.url).toMatch(
      /\/node_modules\/\.pnpm\/pino@10\.4\.0\/node_modules\/pino\/lib\/proto\.js$/,
    )
    expect(write?.callFrame.lineNumber).toBe(10)
    expect(get?.callFrame.url).toMatch(/\/packages\/server\/dist\/store\/sqlite\.js$/)
    const summary = summariseCpuProfile(mapped, 'bundled')
    expect(summary.categories).toEqual([
      { name: 'logging (pino)', share: 0.75 },
      { name: 'SQLite store (node:sqlite)', share: 0.25 },
    ])
  })

  it('leaves frames of files without a source map as they are', () => {
    const folder = mkdtempSync(join(tmpdir(), 'pipeshub-bench-map-'))
    folders.push(folder)
    const url = pathToFileURL(join(folder, 'plain.js')).href
    const profile = profileOf(url)
    expect(mapProfileToSources(profile).nodes).toEqual(profile.nodes)
  })
})
