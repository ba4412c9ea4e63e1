import { describe, expect, it } from 'vitest'
import { target } from '../test-support/fixtures.js'
import { renderChart } from './chart.js'

const options = { title: 'Token endpoint <req/s>', subtitle: 'AMD & co' }

describe('renderChart', () => {
  it('draws one bar per measured target, scaled to the fastest', () => {
    const svg = renderChart([target('floor-http', 20000), target('pipeshub-cc-es256', 10000)], options)
    const widths = [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)" height="18"/g)].map((m) =>
      Number(m[1]),
    )
    expect(widths).toHaveLength(2)
    expect(widths[0]).toBeCloseTo(2 * (widths[1] as number), 0)
    expect(svg).toContain('20,000 req/s')
    expect(svg).toContain('10,000 req/s')
  })

  it('names a failed target by its status instead of drawing a bar', () => {
    const svg = renderChart([target('floor-http', 20000), target('oidc-provider-cc', 'failed')], options)
    expect(svg).toMatch(/width="0\.0"/)
    expect(svg).toContain('>failed</text>')
  })

  it('is one well-formed SVG document with its text escaped', () => {
    const svg = renderChart([target('floor-http', 20000)], options)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    expect(svg).toContain('Token endpoint &lt;req/s&gt;')
    expect(svg).toContain('AMD &amp; co')
    expect(svg).not.toContain('AMD & co')
    const opened = (svg.match(/<text\b/g) ?? []).length
    const closed = (svg.match(/<\/text>/g) ?? []).length
    expect(opened).toBe(closed)
  })

  it('draws a chart even when nothing could be measured', () => {
    const svg = renderChart([target('floor-http', 'unavailable')], options)
    expect(svg).toContain('unavailable')
    expect(svg).not.toContain('NaN')
  })
})
