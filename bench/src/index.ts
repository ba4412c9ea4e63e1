/**
 * The bench harness as a module, for scripts that want to drive it or render results again:
 * `main(argv)` is what `node src/run.mjs` runs; the rest are the pure pieces it is made of.
 */
export { evaluateGoals } from './goals.js'
export { main } from './main.js'
export { type BenchOptions, parseOptions } from './options.js'
export { type CpuProfile, summariseCpuProfile } from './profile.js'
export { renderChart } from './report/chart.js'
export { renderMarkdown } from './report/markdown.js'
export type * from './results.js'
export { linearSlope, median, percentile, percentileOfSorted, ratio } from './stats.js'
export { TARGETS, type TargetDefinition } from './targets/catalog.js'
