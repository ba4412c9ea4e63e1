/**
 * Entry point of the client-side process: `node dist/client/client-bench.js <json>`. Measures, in
 * one process pinned to one core: token response decoding (@pipeshub/models vs the SDK's zod/mini
 * schema), cached `getAccessToken()` calls, and how many token requests 1,000 callers cause at expiry.
 * Answers a `ClientResult` over IPC.
 */
import { Session } from 'node:inspector/promises'
import { decodeTokenResponse } from '@pipeshub/models'
import { consume, type MicroOptions, measureInterleaved } from '../micro.js'
import { type CpuProfile, summariseCpuProfile } from '../profile.js'
import type { ClientResult, MicroResult, ProfileSummary } from '../results.js'
import { median } from '../stats.js'
import { OAuthTokenResponse$inboundSchema } from './zod-token-response.js'

export interface ClientBenchInput {
  readonly quick: boolean
  /** A real token endpoint for the token manager, or why there is none. */
  readonly tokenEndpoint?: {
    issuer: string
    url: string
    clientId: string
    clientSecret: string
    scope: string
  }
  readonly tokenEndpointMissing?: string
}

/** Sixteen distinct full token responses (RFC 6749 §5.1), parsed from JSON as a client receives them. */
const WIRE_TOKEN_RESPONSES: readonly unknown[] = Array.from({ length: 16 }, (_, i) =>
  JSON.parse(
    JSON.stringify({
      access_token: `eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTEiLCJzY29wZSI6ImtiOnJlYWQifQ.c2lnbmF0dXJlc2lnbmF0dXJl${i}`,
      token_type: 'Bearer',
      expires_in: 3600 + i,
      refresh_token: `rt_Jf0dSR1Xq2V5x9g7v3uQ1b8mW4kZ6pL0aN2cE5tY7hG${i}`,
      scope: 'openid profile email offline_access kb:read kb:write conversation:chat',
      id_token: `eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xIiwic3ViIjoidXNlci0xIn0.c2ln${i}`,
    }),
  ),
)

function micro(id: string, label: string, batches: number[]): MicroResult {
  return { id, label, opsPerSecond: median(batches), batches }
}

async function decodeBench(options: MicroOptions): Promise<NonNullable<ClientResult['decode']>> {
  // Both must produce the same model from the same input, or the comparison means nothing.
  for (const wire of WIRE_TOKEN_RESPONSES) {
    const ours = JSON.stringify(decodeTokenResponse(wire))
    const theirs = JSON.stringify(OAuthTokenResponse$inboundSchema.parse(wire))
    if (ours !== theirs) throw new Error(`the two decoders disagree:\n${ours}\n${theirs}`)
  }
  const rates = await measureInterleaved(
    {
      pipeshub: (iterations) => {
        for (let i = 0; i < iterations; i++)
          consume(decodeTokenResponse(WIRE_TOKEN_RESPONSES[i & 15]).expiresIn ?? 0)
      },
      zod: (iterations) => {
        for (let i = 0; i < iterations; i++) {
          consume(OAuthTokenResponse$inboundSchema.parse(WIRE_TOKEN_RESPONSES[i & 15]).expiresIn ?? 0)
        }
      },
    },
    options,
  )
  return {
    pipeshub: micro(
      'decode-pipeshub',
      'decodeTokenResponse (@pipeshub/models, TypeBox compiled)',
      rates.pipeshub ?? [],
    ),
    zod: micro(
      'decode-zod',
      'zod/mini schema of the PipesHub SDK (object of optionals + remap)',
      rates.zod ?? [],
    ),
  }
}

/** V8's CPU profile of decodeTokenResponse alone, for a missed goal: which checks cost what. */
async function profileDecode(milliseconds: number): Promise<ProfileSummary> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 100 })
    await session.post('Profiler.start')
    const end = performance.now() + milliseconds
    while (performance.now() < end) {
      for (let i = 0; i < 10_000; i++)
        consume(decodeTokenResponse(WIRE_TOKEN_RESPONSES[i & 15]).expiresIn ?? 0)
    }
    const { profile } = await session.post('Profiler.stop')
    return summariseCpuProfile(profile as unknown as CpuProfile, 'decodeTokenResponse (@pipeshub/models)', 10)
  } finally {
    session.disconnect()
  }
}

async function tokenManagerBench(
  endpoint: NonNullable<ClientBenchInput['tokenEndpoint']>,
  options: MicroOptions,
): Promise<Pick<ClientResult, 'cachedGetAccessToken' | 'expiryStampede'>> {
  const { OAuthClient, createTokenManager } = await import('@pipeshub/client')
  let tokenRequests = 0
  // The real fetch, counted: every token request goes over loopback to the real server.
  const countingFetch = (input: string | URL | Request, init?: RequestInit) => {
    tokenRequests++
    return fetch(input, init)
  }
  const client = new OAuthClient({
    metadata: { issuer: endpoint.issuer, tokenEndpoint: endpoint.url },
    clientId: endpoint.clientId,
    clientSecret: endpoint.clientSecret,
    fetch: countingFetch,
  })
  let clock = Date.now()
  const manager = createTokenManager({
    client,
    grant: 'client_credentials',
    scope: endpoint.scope,
    now: () => clock,
  })
  const first = await manager.getAccessToken()
  if (typeof first !== 'string' || first.length === 0) throw new Error('getAccessToken() answered no token')

  const rates = await measureInterleaved(
    {
      cached: async (iterations) => {
        for (let i = 0; i < iterations; i++) consume((await manager.getAccessToken()).length)
      },
    },
    options,
  )
  const cached = rates.cached ?? []

  // Past expiry (the server's expires_in is at most a day): 1,000 callers at once.
  clock += 2 * 86_400_000
  const before = tokenRequests
  const callers = 1000
  const tokens = await Promise.all(Array.from({ length: callers }, () => manager.getAccessToken()))
  const stampede = tokenRequests - before
  return {
    cachedGetAccessToken: micro(
      'cached-get-access-token',
      'cached getAccessToken() (@pipeshub/client)',
      cached,
    ),
    expiryStampede: {
      callers,
      tokenRequests: stampede,
      allCallersServed: tokens.every((token) => typeof token === 'string' && token.length > 0),
    },
  }
}

async function runClientBench(input: ClientBenchInput): Promise<ClientResult> {
  const options: MicroOptions = input.quick
    ? { warmupMs: 300, batchMs: 150, batches: 5 }
    : { warmupMs: 1000, batchMs: 400, batches: 9 }
  const decode = await decodeBench(options)
  const decodeRatio = median(decode.pipeshub.batches) / median(decode.zod.batches)
  const decodeProfile =
    decodeRatio < 10 ? { decodeProfile: await profileDecode(input.quick ? 300 : 1000) } : {}
  if (input.tokenEndpoint === undefined) {
    return {
      status: 'unavailable',
      reason: input.tokenEndpointMissing ?? 'no token endpoint',
      decode,
      ...decodeProfile,
    }
  }
  try {
    return {
      status: 'ok',
      decode,
      ...decodeProfile,
      ...(await tokenManagerBench(input.tokenEndpoint, options)),
    }
  } catch (error) {
    return {
      status: 'failed',
      reason: `token manager: ${(error as Error).message}`,
      decode,
      ...decodeProfile,
    }
  }
}

process.on('disconnect', () => process.exit(0))
const input = JSON.parse(process.argv[2] ?? '{}') as ClientBenchInput
runClientBench(input).then(
  (result) => process.send?.({ type: 'result', result }, () => process.disconnect?.()),
  (error: unknown) =>
    process.send?.({ type: 'failed', message: String((error as Error).stack ?? error) }, () =>
      process.disconnect?.(),
    ),
)
