import { describe, expect, it } from 'vitest'
import { parsePrometheusText } from './prometheus-text.js'

describe('the Prometheus text parser of the metrics tests', () => {
  it('reads NaN in any case, as Prometheus does (prom-client writes `Nan` before a first observation)', () => {
    const { samples } = parsePrometheusText('a 1\nb Nan\nc NaN\nd +Inf\n')
    expect(samples.map((sample) => sample.name)).toEqual(['a', 'b', 'c', 'd'])
    expect(Number.isNaN(samples[1]?.value)).toBe(true)
  })

  it('refuses a value that is not a number', () => {
    expect(() => parsePrometheusText('a banana\n')).toThrow(/bad sample value/)
  })
})
