import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { consumerVersionOf, normalizePactFile } from './pact-file.js'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function pactFile(interactions: unknown[]): string {
  const folder = mkdtempSync(join(tmpdir(), 'pipeshub-pact-file-'))
  folders.push(folder)
  const file = join(folder, 'a-b.json')
  writeFileSync(
    file,
    JSON.stringify({
      provider: { name: 'b' },
      interactions,
      consumer: { name: 'a' },
      metadata: { z: 1, a: 2 },
    }),
  )
  return file
}

describe('normalizePactFile', () => {
  it('gives the same bytes whatever order the interactions were written in', async () => {
    const one = { description: 'one', request: { path: '/1', method: 'GET' } }
    const two = {
      description: 'two',
      providerStates: [{ name: 's' }],
      request: { method: 'GET', path: '/2' },
    }
    const first = pactFile([two, one])
    const second = pactFile([one, two])
    await normalizePactFile(first, '1.2.3')
    await normalizePactFile(second, '1.2.3')
    expect(readFileSync(first, 'utf8')).toBe(readFileSync(second, 'utf8'))
    expect(readFileSync(first, 'utf8').endsWith('}\n')).toBe(true)
  })

  it('records the consumer version', async () => {
    const file = pactFile([{ description: 'one' }])
    await normalizePactFile(file, '0.4.0')
    expect(await consumerVersionOf(file)).toBe('0.4.0')
  })

  it('refuses two interactions Pact could not tell apart', async () => {
    const file = pactFile([{ description: 'same' }, { description: 'same' }])
    await expect(normalizePactFile(file, '1.0.0')).rejects.toThrow(/share the description/)
  })
})
