// Decode + validate a full RFC 6749 §5.1 token response: @pipeshub/models (compiled TypeBox check, then
// an explicit mapping) against the same job done the way PipesHub's generated SDK (Speakeasy, zod v4-mini)
// does it: `z.pipe(z.object({ access_token: z.optional(z.string()), ... }), z.transform(remap))`.
// Run with `pnpm bench` after `pnpm build`. Prints ops/s and writes bench/results.json; never asserted.
import { writeFile } from 'node:fs/promises'
import { decodeTokenResponse, OAuthTokenResponseWire } from '@pipeshub/models'
import { Compile } from 'typebox/compile'
import * as z from 'zod/mini'

// Speakeasy's `remap$` (lib/primitives.ts): renames keys by a table, keeps unmapped keys as they are.
function remap(input, mappings) {
  const out = {}
  for (const [key, value] of Object.entries(input)) {
    const renamed = mappings[key]
    if (renamed === null) continue
    out[renamed ?? key] = value
  }
  return out
}

// As the SDK's models/oauthtokenresponse.ts declares its inbound schema.
const OAuthTokenResponse$inboundSchema = z.pipe(
  z.object({
    access_token: z.optional(z.string()),
    token_type: z.optional(z.string()),
    expires_in: z.optional(z.number()),
    refresh_token: z.optional(z.string()),
    scope: z.optional(z.string()),
    id_token: z.optional(z.string()),
  }),
  z.transform((v) =>
    remap(v, {
      access_token: 'accessToken',
      token_type: 'tokenType',
      expires_in: 'expiresIn',
      refresh_token: 'refreshToken',
      id_token: 'idToken',
    }),
  ),
)

// Reference only, not a shipped codec: the same wire schema without its RFC 6749 Appendix A character
// grammars (`pattern`), to show what the per-character checks cost next to the shape check.
const shapeOnly = Compile(
  JSON.parse(JSON.stringify(OAuthTokenResponseWire, (key, value) => (key === 'pattern' ? undefined : value))),
)

// Sixteen distinct full responses, parsed from JSON as a client receives them, used by both decoders.
const inputs = Array.from({ length: 16 }, (_, i) =>
  JSON.parse(
    JSON.stringify({
      access_token: `eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLSR7aX0ifQ.c2lnbmF0dXJl${i}`,
      token_type: 'Bearer',
      expires_in: 3600 + i,
      refresh_token: `rt_Jf0dSR1Xq2V5x9g7v3uQ1b8mW4kZ6pL0aN2cE5tY7hG${i}`,
      scope: 'openid profile email offline_access kb:read kb:write conversation:chat',
      id_token: `eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2F1dGgucGlwZXNodWIuZXhhbXBsZSJ9.c2ln${i}`,
    }),
  ),
)

// Each decoder gets its own loop, so that neither pays for a call site shared with the other.
const ITERATIONS = 200_000
const ROUNDS = 9
let sink = 0

function runPipeshub() {
  const started = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++) sink += decodeTokenResponse(inputs[i & 15]).expiresIn
  return ITERATIONS / (Number(process.hrtime.bigint() - started) / 1e9)
}

function runZod() {
  const started = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++)
    sink += OAuthTokenResponse$inboundSchema.parse(inputs[i & 15]).expiresIn
  return ITERATIONS / (Number(process.hrtime.bigint() - started) / 1e9)
}

function runShapeOnly() {
  const started = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++) sink += shapeOnly.Check(inputs[i & 15]) ? 1 : 0
  return ITERATIONS / (Number(process.hrtime.bigint() - started) / 1e9)
}

const runners = {
  '@pipeshub/models decodeTokenResponse': runPipeshub,
  'zod/mini (Speakeasy inbound schema)': runZod,
  'reference: shape check, no grammars': runShapeOnly,
}

// Both must produce the same model from the same input, or the comparison means nothing.
for (const input of inputs) {
  const ours = JSON.stringify(decodeTokenResponse(input))
  const theirs = JSON.stringify(OAuthTokenResponse$inboundSchema.parse(input))
  if (ours !== theirs) throw new Error(`decoders disagree:\n${ours}\n${theirs}`)
}

for (let warmup = 0; warmup < 3; warmup++) for (const run of Object.values(runners)) run()

const samples = Object.fromEntries(Object.keys(runners).map((name) => [name, []]))
for (let round = 0; round < ROUNDS; round++) {
  // Interleaved, order alternating per round, so drift in machine load hits both alike.
  const names = Object.keys(runners)
  if (round % 2 === 1) names.reverse()
  for (const name of names) samples[name].push(runners[name]())
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const [oursName, zodName] = Object.keys(runners)
const results = {
  task: 'decode + validate a full RFC 6749 §5.1 token response (6 members) to the camelCase model',
  node: process.version,
  iterations: ITERATIONS,
  rounds: ROUNDS,
  opsPerSecond: Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, Math.round(median(values))]),
  ),
  samples: Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, values.map(Math.round)]),
  ),
}
results.ratio = Number((results.opsPerSecond[oursName] / results.opsPerSecond[zodName]).toFixed(1))
results.shapeOnlyRatio = Number(
  (results.opsPerSecond['reference: shape check, no grammars'] / results.opsPerSecond[zodName]).toFixed(1),
)

for (const [name, ops] of Object.entries(results.opsPerSecond)) {
  console.log(`${name.padEnd(40)} ${ops.toLocaleString('en-US').padStart(12)} ops/s (median of ${ROUNDS})`)
}
console.log(`ratio: ${results.ratio}x the zod/mini throughput (target >= 10x)`)
console.log(`without the character grammars the shape check alone is ${results.shapeOnlyRatio}x`)
await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
if (sink === 0) console.log('') // keeps the decoded results observable
