/** Number formatting shared by the Markdown table, the chart and the console. */

export function formatRate(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–'
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(2)} M`
  return Math.round(value).toLocaleString('en-US')
}

export function formatMs(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–'
  return value < 10 ? value.toFixed(2) : value.toFixed(1)
}

export function formatRatio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–'
  return `${value.toFixed(2)}x`
}

export function formatMegabytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–'
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`
}

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ')
}

/** Escapes text for SVG/XML content and attribute values. */
export function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
}
