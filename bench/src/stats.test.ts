import { describe, expect, it } from 'vitest'
import { linearSlope, median, percentile, percentileOfSorted, ratio } from './stats.js'

describe('median', () => {
  it('is the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3)
  })
  it('is the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
  it('is NaN for no values', () => {
    expect(median([])).toBeNaN()
  })
  it('does not reorder its input', () => {
    const values = [3, 1, 2]
    median(values)
    expect(values).toEqual([3, 1, 2])
  })
})

describe('percentile (nearest rank)', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1)
  it('answers an observed sample, never an interpolated one', () => {
    expect(percentile([1, 10], 50)).toBe(1)
    expect(percentile([1, 10], 51)).toBe(10)
  })
  it('p50 and p99 of 1..100 are 50 and 99', () => {
    expect(percentile(samples, 50)).toBe(50)
    expect(percentile(samples, 99)).toBe(99)
  })
  it('p0 is the minimum and p100 the maximum', () => {
    expect(percentile([7, 3, 9], 0)).toBe(3)
    expect(percentile([7, 3, 9], 100)).toBe(9)
  })
  it('sorts numerically, not as strings', () => {
    expect(percentile([100, 9, 20], 100)).toBe(100)
    expect(percentile([100, 9, 20], 34)).toBe(20)
  })
  it('reads a sorted typed array in place', () => {
    expect(percentileOfSorted(Float64Array.of(0.5, 1.5, 2.5, 3.5), 75)).toBe(2.5)
  })
  it('is NaN for no samples and refuses a percentile outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN()
    expect(() => percentile([1], 101)).toThrow(RangeError)
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError)
  })
})

describe('linearSlope', () => {
  it('is the slope of points on a line', () => {
    expect(linearSlope([0, 1, 2, 3].map((x) => ({ x, y: 2 * x + 5 })))).toBeCloseTo(2, 10)
  })
  it('is zero for a flat series and for fewer than two points', () => {
    expect(linearSlope([0, 1, 2].map((x) => ({ x, y: 7 })))).toBe(0)
    expect(linearSlope([{ x: 1, y: 1 }])).toBe(0)
  })
  it('is zero when every x is the same', () => {
    expect(
      linearSlope([
        { x: 1, y: 1 },
        { x: 1, y: 5 },
      ]),
    ).toBe(0)
  })
})

describe('ratio', () => {
  it('divides two measured numbers', () => {
    expect(ratio(300, 200)).toBe(1.5)
  })
  it('is undefined when a side is missing, zero or not finite', () => {
    expect(ratio(undefined, 2)).toBeUndefined()
    expect(ratio(2, undefined)).toBeUndefined()
    expect(ratio(2, 0)).toBeUndefined()
    expect(ratio(Number.NaN, 2)).toBeUndefined()
  })
})
