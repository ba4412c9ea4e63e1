import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type BrokerStandIn,
  brokerFromEnvironment,
  CONSUMER,
  PACT_FILE,
  PACT_FILES,
  PACTS_DIR,
  PROVIDER,
  SDK_CONSUMER,
  startBrokerStandIn,
  WHAT_IF_PACTS_DIR,
} from '@pipeshub/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningProvider, startProvider } from './provider-harness.js'
import { brokerVerifierOptions, type VerificationOutcome, verifyPacts } from './verify-pacts.js'

// The Pact Broker flow of a team with a broker, end to end against the broker stand-in
// (@pipeshub/contracts `startBrokerStandIn`): the consumers publish with `contracts/scripts/broker.mjs`
// (the official `pact broker` CLI), the real token server is verified from the broker by pact-core's
// verifier with the options `brokerVerifierOptions` gives CI (main branch, matching branch and
// deployed-or-released selectors, pending and WIP pacts, results published), and can-i-deploy and
// record-deployment go through the same script.

const TOKEN = 'broker-stand-in-token'
const SCRIPT = join(PACTS_DIR, '..', 'scripts', 'broker.mjs')
const FEATURE = 'feat/read-refresh-token'

let broker: BrokerStandIn
let provider: RunningProvider
let folder: string

beforeAll(async () => {
  broker = await startBrokerStandIn({ token: TOKEN })
  provider = await startProvider()
  folder = await mkdtemp(join(tmpdir(), 'pipeshub-pact-broker-'))
})
afterAll(async () => {
  await provider?.close()
  await broker?.close()
  if (folder !== undefined) await rm(folder, { recursive: true, force: true })
})

/** The environment a CI job has: the broker, its token, the commit being built and its branch. */
function ci(version: string, branch: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    PACT_BROKER_BASE_URL: broker.url,
    PACT_BROKER_TOKEN: TOKEN,
    PACT_VERSION: version,
    PACT_BRANCH: branch,
  }
}

function script(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error)
      else resolve({ code: error === null ? 0 : (error.code as number), out: `${stdout}${stderr}` })
    })
  })
}

async function succeeds(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const { code, out } = await script(env, ...args)
  expect(code, `broker.mjs ${args.join(' ')}\n${out}`).toBe(0)
  return out
}

async function canIDeploy(pacticipant: string, version: string): Promise<{ yes: boolean; out: string }> {
  const args = ['can-i-deploy', '--pacticipant', pacticipant, '--to-environment', 'production']
  const { code, out } = await script(ci(version, 'main'), ...args)
  // The CLI prints its verdict and exits non-zero on "no": both must agree.
  expect(out).toMatch(code === 0 ? /Computer says yes/ : /Computer says no/)
  return { yes: code === 0, out }
}

async function recordDeployment(pacticipant: string, version: string): Promise<void> {
  await succeeds(
    ci(version, 'main'),
    'record-deployment',
    '--pacticipant',
    pacticipant,
    '--environment',
    'production',
  )
}

/** The provider's CI job: verify the real server against what the broker selects, publish the results. */
async function verifyFromBroker(version: string, branch: string): Promise<VerificationOutcome> {
  const env = ci(version, branch)
  const settings = brokerFromEnvironment(env)
  if (settings === undefined) throw new Error('PACT_BROKER_BASE_URL is set')
  const outcome = await verifyPacts(provider, [], brokerVerifierOptions(settings, env))
  expect(provider.stateFailures).toEqual([])
  return outcome
}

/**
 * What the broker selects for a provider build, asked the way pact-core's verifier asks (the
 * `pb:provider-pacts-for-verification` relation, with the selectors, pending and WIP settings of
 * `brokerVerifierOptions`), as the broker's description of why each was selected.
 */
async function selectedFor(version: string, branch: string): Promise<string[]> {
  const env = ci(version, branch)
  const settings = brokerFromEnvironment(env)
  if (settings === undefined) throw new Error('PACT_BROKER_BASE_URL is set')
  const options = brokerVerifierOptions(settings, env)
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
  const index = (await (await fetch(`${broker.url}/`, { headers })).json()) as {
    _links: Record<string, { href: string }>
  }
  const href = index._links['pb:provider-pacts-for-verification']?.href.replace('{provider}', PROVIDER) ?? ''
  const answer = await fetch(href, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      consumerVersionSelectors: options.consumerVersionSelectors,
      providerVersionBranch: options.providerVersionBranch,
      includePendingStatus: options.enablePending,
      includeWipPactsSince: options.includeWipPactsSince,
    }),
  })
  expect(answer.status).toBe(200)
  const body = (await answer.json()) as {
    _embedded: { pacts: Array<{ shortDescription: string }> }
  }
  return body._embedded.pacts.map((pact) => pact.shortDescription)
}

/** Each verification result the broker recorded, as `consumer@version by provider-version: outcome`. */
function results(providerVersion: string): string[] {
  return broker.store.verifications
    .filter((verification) => verification.providerVersion === providerVersion)
    .map((verification) => {
      const versions = broker.store.publications
        .filter((p) => p.consumer === verification.consumer && p.sha === verification.sha)
        .map((p) => p.consumerVersion)
      const flags = [verification.pending ? 'pending' : '', verification.wip ? 'wip' : ''].filter(Boolean)
      const outcome = verification.success ? 'success' : 'failure'
      return `${verification.consumer}@${versions.join('/')} by ${providerVersion}: ${[outcome, ...flags].join(' ')}`
    })
    .sort()
}

/**
 * A client change that reads `refresh_token` from a client-credentials response, which the server
 * never sends (RFC 6749 §4.4.3): the committed client pact plus the interaction of the what-if pact
 * the client's consumer tests write, published as a new version of `pipeshub-client`.
 */
async function clientReadingRefreshToken(): Promise<string> {
  expect(
    existsSync(WHAT_IF_PACTS_DIR),
    `${WHAT_IF_PACTS_DIR} is written by the client's consumer tests`,
  ).toBe(true)
  const whatIf = readdirSync(WHAT_IF_PACTS_DIR).filter((name) => name.endsWith('.json'))
  expect(whatIf.length).toBeGreaterThan(0)
  const committed = JSON.parse(readFileSync(PACT_FILE, 'utf8')) as {
    interactions: Array<{ description: string }>
  }
  const extra = whatIf.flatMap(
    (name) =>
      (JSON.parse(readFileSync(join(WHAT_IF_PACTS_DIR, name), 'utf8')) as { interactions: unknown[] })
        .interactions,
  )
  const dir = join(folder, 'client-reading-refresh-token')
  await mkdir(dir, { recursive: true })
  await writeFile(
    join(dir, `${CONSUMER}-${PROVIDER}.json`),
    JSON.stringify({ ...committed, interactions: [...committed.interactions, ...extra] }),
  )
  return dir
}

const interactionsOfBothPacts = PACT_FILES.reduce(
  (count, file) =>
    count + (JSON.parse(readFileSync(file, 'utf8')) as { interactions: unknown[] }).interactions.length,
  0,
)

describe(`${PROVIDER} with a Pact Broker: publish, verify with pending and WIP, can-i-deploy, record-deployment`, () => {
  it('gates each deployment on the verification results the provider build published', async () => {
    // The consumers' CI on main publishes both committed pacts.
    await succeeds(ci('c1', 'main'), 'publish')

    // The provider's CI on main: both pacts selected (mainBranch), both pending (never verified).
    const first = await verifyFromBroker('p1', 'main')
    expect(first.failures, first.report).toEqual([])
    expect(first.passed).toBe(true)
    expect(first.interactions.filter((result) => result.passed)).toHaveLength(interactionsOfBothPacts)
    expect(results('p1')).toEqual([
      `${CONSUMER}@c1 by p1: success pending`,
      `${SDK_CONSUMER}@c1 by p1: success pending`,
    ])

    // A consumer cannot go where no provider version that verified its pact runs.
    await succeeds(ci('-', 'main'), 'create-environment', '--name', 'production', '--production')
    const alone = await canIDeploy(CONSUMER, 'c1')
    expect(alone.yes).toBe(false)
    expect(alone.out).toMatch(
      /no verified pact between version c1 of pipeshub-client and a version of pipeshub-token-server currently in production/,
    )
    await recordDeployment(PROVIDER, 'p1')
    expect((await canIDeploy(CONSUMER, 'c1')).yes).toBe(true)
    expect((await canIDeploy(SDK_CONSUMER, 'c1')).yes).toBe(true)

    // A client feature branch reads refresh_token: not verified yet, so it cannot be deployed.
    const feature = await clientReadingRefreshToken()
    await succeeds(ci('c2', FEATURE), 'publish', feature)
    expect((await canIDeploy(CONSUMER, 'c2')).out).toMatch(
      /no verified pact between version c2 of pipeshub-client and version p1/,
    )

    // The provider's next build verifies it as a WIP pact (no selector names the branch): it fails,
    // pending, so the provider's build stays green; the failure is published.
    const second = await verifyFromBroker('p2', 'main')
    expect(second.failures, second.report).toEqual([])
    expect(second.passed).toBe(true)
    expect(second.pendingFailures.map((failure) => failure.detail).join('\n')).toMatch(/refresh_token/)
    expect(results('p2')).toEqual([
      `${CONSUMER}@c1 by p2: success`,
      `${CONSUMER}@c2 by p2: failure pending wip`,
      `${SDK_CONSUMER}@c1 by p2: success`,
    ])
    await recordDeployment(PROVIDER, 'p2')
    const failed = await canIDeploy(CONSUMER, 'c2')
    expect(failed.yes).toBe(false)
    expect(failed.out).toMatch(
      /verification for the pact between version c2 of pipeshub-client and version p2 of pipeshub-token-server failed/,
    )
    expect((await canIDeploy(CONSUMER, 'c1')).yes).toBe(true)

    // The change is merged to main anyway, while client c1 is what runs in production. Recording that
    // deployment changes what the broker hands the provider: deployedOrReleased now selects c1.
    await succeeds(ci('c3', 'main'), 'publish', feature)
    const before = await selectedFor('p3', 'main')
    await recordDeployment(CONSUMER, 'c1')
    const after = await selectedFor('p3', 'main')
    expect(after.filter((pact) => !before.includes(pact))).toEqual([
      expect.stringMatching(/currently deployed to production \(pipeshub-client c1\)/),
    ])

    // The next provider build verifies c1 because it is deployed, and c3 from main as pending (its
    // content was never verified successfully), so its failure does not fail the build.
    const third = await verifyFromBroker('p3', 'main')
    expect(third.failures, third.report).toEqual([])
    expect(third.passed).toBe(true)
    expect(third.pendingFailures.map((failure) => failure.detail).join('\n')).toMatch(/refresh_token/)
    expect(results('p3')).toEqual([
      `${CONSUMER}@c1 by p3: success`,
      `${CONSUMER}@c2/c3 by p3: failure pending`,
      `${SDK_CONSUMER}@c1 by p3: success`,
    ])
    // p3 verified the client deployed in production: it may replace p2 there.
    expect((await canIDeploy(PROVIDER, 'p3')).yes).toBe(true)
    // Four whole verifications of every interaction and a dozen CLI runs: on a loaded 2-core machine
    // this took more than the contract config's 120 s.
  }, 600_000)
})
