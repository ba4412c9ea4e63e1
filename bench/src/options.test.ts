import { describe, expect, it } from 'vitest'
import { parseOptions } from './options.js'

describe('parseOptions', () => {
  it('defaults to the full run: 5 rounds of 10 s and a 60 s memory run', () => {
    expect(parseOptions([])).toMatchObject({
      quick: false,
      rounds: 5,
      roundSeconds: 10,
      memorySeconds: 60,
      name: 'latest',
    })
  })
  it('--quick runs 3 rounds of 3 s and 15 s of memory', () => {
    expect(parseOptions(['--quick'])).toMatchObject({
      quick: true,
      rounds: 3,
      roundSeconds: 3,
      memorySeconds: 15,
    })
  })
  it('ignores the `--` that pnpm and turbo pass through', () => {
    expect(parseOptions(['--', '--quick']).quick).toBe(true)
  })
  it('reads target ids, rounds and a results name', () => {
    expect(
      parseOptions(['--only', 'floor-http,floor-crypto', '--rounds', '2', '--name', 'run-1']),
    ).toMatchObject({
      only: ['floor-http', 'floor-crypto'],
      rounds: 2,
      name: 'run-1',
    })
  })
  it('refuses unknown flags, missing values and a results name that is a path', () => {
    expect(() => parseOptions(['--fast'])).toThrow(/unknown argument --fast/)
    expect(() => parseOptions(['--rounds'])).toThrow(/needs a value/)
    expect(() => parseOptions(['--rounds', '0'])).toThrow(/positive/)
    expect(() => parseOptions(['--name', '../x'])).toThrow(/plain file name/)
  })
})
