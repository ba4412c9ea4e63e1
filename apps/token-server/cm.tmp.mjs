import { registerHooks } from 'node:module'
const seen = new Map()
registerHooks({ load(url, context, next) { seen.set(url, (seen.get(url) ?? 0) + 1); return next(url, context) } })
const { createRequire } = await import('node:module')
const t = performance.now()
await import(process.argv[2])
const d = performance.now() - t
const pk = new Map()
for (const u of seen.keys()) { const m = u.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//) ?? u.match(/i17\/((?:packages|apps)\/[^/]+)/); const k = m ? m[1] : (u.startsWith('node:') ? 'node:' : u); pk.set(k, (pk.get(k) ?? 0) + 1) }
console.log('modules', seen.size, 'ms', d.toFixed(0))
for (const [k, v] of [...pk].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(String(v).padStart(4), k)
