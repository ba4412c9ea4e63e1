import { mkdtemp, rm } from 'node:fs/promises'
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EXAMPLE, type ProviderStateChange } from '@pipeshub/contracts'
import { openSqliteStore } from '@pipeshub/server/sqlite'
import { createTokenServer, type TokenServer, testConfig } from '../app.js'
import { ProviderClock, ProviderStates } from './provider-states.js'
import { MutationTargetMissing, type ObservedResponse, type ResponseMutation } from './response-mutations.js'
import { type ReSigningOptions, reSignTimeBoundCredentials } from './time-bound-credentials.js'

/** The issuer the provider runs with; the pact matches issuer URLs by shape, not by this value. */
export const PROVIDER_ISSUER = 'https://token-server.pact.test'

export interface StateFailure {
  readonly state: string
  readonly message: string
  /** The status the state endpoint answered the verifier with. */
  readonly status: number
}

/**
 * The status a failed state setup answers. Not 500: pact-core's verifier treats a 5xx from the state
 * endpoint as transient and retries it with exponential backoff (measured: 8 attempts over 127 s, then
 * the interaction fails), so a broken state would stall CI for minutes per interaction. A 4xx fails
 * the interaction at once, with "One or more of the setup state change handlers has failed".
 */
export const STATE_SETUP_FAILED_STATUS = 422

export interface RunningProvider {
  /** Where the verifier sends the pact's requests: the app, or the mutating layer in front of it. */
  readonly baseUrl: string
  /** The provider-state endpoint the verifier posts `{ state, params, action }` to. */
  readonly stateSetupUrl: string
  readonly server: TokenServer
  /** Every state that failed to set up (answered 422), in order. */
  readonly stateFailures: readonly StateFailure[]
  /** Every response (with its request) the layer in front of the app passed on, in order. */
  readonly responses: readonly ObservedResponse[]
  /** How many responses the mutation changed. */
  readonly mutated: number
  /** Responses the mutation expected to change but could not (the member it rewrites is absent). */
  readonly mutationProblems: readonly string[]
  close(): Promise<void>
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve(`http://127.0.0.1:${port}`)
    })
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

const MAX_BODY = 1024 * 1024

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new Error('request body too large'))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

function stateEndpoint(states: ProviderStates, failures: StateFailure[]) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    let change: ProviderStateChange = { state: '(unreadable request)' }
    try {
      change = JSON.parse((await readBody(request)).toString('utf8')) as ProviderStateChange
      const injected = await states.setUp(change)
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(injected))
    } catch (error) {
      // A state that could not be set up must fail its interaction, never let it run against a
      // half-built store: the verifier fails the interaction when the state change answers an error.
      const message = error instanceof Error ? error.message : String(error)
      failures.push({ state: change.state, message, status: STATE_SETUP_FAILED_STATUS })
      response
        .writeHead(STATE_SETUP_FAILED_STATUS, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: message }))
    }
  }
}

interface LayerLog {
  responses: ObservedResponse[]
  mutated: number
  problems: string[]
}

/**
 * A thin HTTP layer in front of the app that forwards each request byte for byte (but for the pact's
 * time-bound credentials, re-signed), records the app's responses and lets `mutate` rewrite them: the deliberately broken providers of the must-fail checks.
 * A mutation that finds nothing to change is recorded as a problem and the response passes unchanged.
 */
function mutatingLayer(
  appUrl: string,
  mutate: ResponseMutation,
  log: LayerLog,
  credentials: ReSigningOptions | undefined,
): Server {
  return createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', appUrl).pathname
    // Pact's request filter: the pact's DPoP proofs and client assertions re-signed for now and here.
    const recorded = { path, headers: request.headers, body: (await readBody(request)).toString('utf8') }
    const filtered =
      credentials === undefined ? recorded : await reSignTimeBoundCredentials(recorded, credentials)
    const body = Buffer.from(filtered.body, 'utf8')
    const headers = { ...filtered.headers }
    if (headers['content-length'] !== undefined) headers['content-length'] = String(body.length)
    const upstream = httpRequest(new URL(request.url ?? '/', appUrl), {
      method: request.method,
      headers,
    })
    upstream.on('response', async (answer) => {
      const answerBody = await readBody(answer)
      const observed: ObservedResponse = {
        method: request.method ?? 'GET',
        path,
        requestContentType: request.headers['content-type'],
        requestBody: body.toString('utf8'),
        status: answer.statusCode ?? 500,
        headers: { ...answer.headers },
        body: answerBody.toString('utf8'),
      }
      let mutated = observed
      try {
        mutated = mutate(observed)
        if (mutated !== observed) log.mutated++
      } catch (error) {
        if (!(error instanceof MutationTargetMissing)) throw error
        log.problems.push(error.message)
      }
      // What the verifier received, for the checks against the RFCs' golden fixtures.
      log.responses.push(mutated)
      // The body was re-serialized: its length is new, and it is no longer chunked.
      const { 'transfer-encoding': _chunked, ...kept } = mutated.headers
      const headers = { ...kept, 'content-length': String(Buffer.byteLength(mutated.body)) }
      response.writeHead(mutated.status, headers).end(mutated.body)
    })
    upstream.on('error', (error) => response.writeHead(502).end(String(error)))
    upstream.end(body)
  })
}

/**
 * Starts the real token server (the app factory) on loopback with a fresh SQLite store in a temporary
 * folder, the provider-state endpoint next to it, and the layer in front that re-signs the pact's
 * time-bound credentials and records every response (and rewrites it with `mutate`).
 */
export async function startProvider(
  options: {
    mutate?: ResponseMutation
    /** false: the pact's DPoP proofs and client assertions reach the app as recorded (must-fail only). */
    reSignCredentials?: boolean
  } = {},
): Promise<RunningProvider> {
  const folder = await mkdtemp(join(tmpdir(), 'pipeshub-pact-provider-'))
  const store = openSqliteStore({ path: join(folder, 'token-server.db') })
  // RS256 for access tokens too: every published key is then an RSA key, like the contract's example
  // (ID tokens are RS256 by default, OIDC Dynamic Client Registration section 2).
  const config = testConfig({
    store: `sqlite:${join(folder, 'token-server.db')}`,
    signingAlg: 'RS256',
    // The contract's administrator (users made by the states have their subject as username).
    administrators: [EXAMPLE.administrator],
    // The MCP server as PipesHub configures it: tokens may name it as `resource` (RFC 8707) and its
    // RFC 9728 document is published; `EXAMPLE.unknownResource` stays unknown.
    mcpResource: EXAMPLE.resource,
    // PipesHub's frontend drives consent (the SDK's oauthAuthorizeConsent); no pact authorizes otherwise.
    frontendUrl: 'https://app.pipeshub.example',
    frontendClientId: EXAMPLE.frontendClientId,
    // The contract's client manages the user's personal access tokens and consents: an account client
    // (the frontend's is one already).
    accountClients: [EXAMPLE.clientId],
  })
  const clock = new ProviderClock()
  const server = await createTokenServer({ config, store, issuer: PROVIDER_ISSUER, now: clock.now })
  const appUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  const failures: StateFailure[] = []
  const stateServer = createServer(
    stateEndpoint(new ProviderStates(server, clock, config.refreshTokenReuseInterval), failures),
  )
  const stateUrl = await listen(stateServer)
  const log: LayerLog = { responses: [], mutated: 0, problems: [] }
  // Always a layer: the pact's time-bound credentials are re-signed in it (nothing else without `mutate`).
  const credentials =
    options.reSignCredentials === false
      ? undefined
      : { now: clock.now, consumerIssuer: EXAMPLE.issuer, providerIssuer: PROVIDER_ISSUER }
  const identity = (response: ObservedResponse) => response
  const layer = mutatingLayer(appUrl, options.mutate ?? identity, log, credentials)
  const baseUrl = await listen(layer)
  return {
    baseUrl,
    stateSetupUrl: `${stateUrl}/provider-states`,
    server,
    stateFailures: failures,
    responses: log.responses,
    get mutated() {
      return log.mutated
    },
    mutationProblems: log.problems,
    async close() {
      await close(layer)
      await close(stateServer)
      await server.close()
      await rm(folder, { recursive: true, force: true })
    },
  }
}
