import type { TargetResult } from '../results.js'
import type { TargetGroup } from '../targets/catalog.js'
import { formatRate, xml } from './format.js'

const COLORS: Record<TargetGroup, string> = { floor: '#8c8c8c', pipeshub: '#2563eb', peer: '#ea7a2c' }
const LEGEND: Record<TargetGroup, string> = { floor: 'floor', pipeshub: '@pipeshub/server', peer: 'peer' }

export interface ChartOptions {
  readonly title: string
  readonly subtitle: string
}

/**
 * A horizontal bar chart of median req/s per target, written by hand (no charting dependency):
 * one row per target in catalogue order, failed or unavailable targets named with their status.
 */
export function renderChart(targets: readonly TargetResult[], options: ChartOptions): string {
  const width = 900
  const labelWidth = 360
  const valueWidth = 90
  const barArea = width - labelWidth - valueWidth - 20
  const rowHeight = 26
  const top = 70
  const height = top + targets.length * rowHeight + 50
  const max = Math.max(1, ...targets.map((target) => target.median?.requestsPerSecond ?? 0))
  const rows = targets.map((target, index) => {
    const y = top + index * rowHeight
    const value = target.status === 'ok' ? target.median?.requestsPerSecond : undefined
    const barWidth = value === undefined ? 0 : Math.max(1, (value / max) * barArea)
    const text = value === undefined ? target.status : `${formatRate(value)} req/s`
    return [
      `  <text x="${labelWidth - 10}" y="${y + 17}" text-anchor="end">${xml(target.label)}</text>`,
      `  <rect x="${labelWidth}" y="${y + 4}" width="${barWidth.toFixed(1)}" height="${rowHeight - 8}" fill="${COLORS[target.group]}"><title>${xml(`${target.id}: ${text}`)}</title></rect>`,
      `  <text x="${(labelWidth + barWidth + 6).toFixed(1)}" y="${y + 17}"${value === undefined ? ' fill="#b91c1c"' : ''}>${xml(text)}</text>`,
    ].join('\n')
  })
  const legendY = top + targets.length * rowHeight + 25
  const legend = (Object.keys(COLORS) as TargetGroup[]).map((group, index) => {
    const x = labelWidth + index * 170
    return `  <rect x="${x}" y="${legendY - 11}" width="12" height="12" fill="${COLORS[group]}"/><text x="${x + 18}" y="${legendY}">${xml(LEGEND[group])}</text>`
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `  <rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `  <text x="20" y="28" font-size="17" font-weight="600">${xml(options.title)}</text>`,
    `  <text x="20" y="50" fill="#555555">${xml(options.subtitle)}</text>`,
    ...rows,
    ...legend,
    '</svg>',
    '',
  ].join('\n')
}
