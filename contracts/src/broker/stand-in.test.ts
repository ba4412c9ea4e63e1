import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSUMER, PACTS_DIR, PROVIDER, SDK_CONSUMER } from '../parties.js'
import { pactBroker } from './pact-broker-cli.js'
import { type BrokerStandIn, startBrokerStandIn } from './stand-in.js'

// The official `pact broker` CLI (from @pact-foundation/pact-cli) against the stand-in: publication,
// environments, deployments and can-i-deploy as a team's CI runs them. Verification results are
// posted here the way pact-core's verifier posts them (through the pact's HAL links); the
// verifier itself runs against the stand-in in apps/token-server/src/pact/broker.pact.test.ts.

const TOKEN = 'stand-in-token'
let broker: BrokerStandIn
let env: NodeJS.ProcessEnv

beforeEach(async () => {
  broker = await startBrokerStandIn({ token: TOKEN })
  env = { PATH: process.env.PATH, PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN }
})
afterEach(async () => {
  await broker.close()
})

async function cli(...args: string[]) {
  return pactBroker(args, env)
}

async function publish(version: string, branch: string) {
  const result = await cli('publish', PACTS_DIR, '--consumer-app-version', version, '--branch', branch)
  expect(result.code, result.stdout + result.stderr).toBe(0)
}

/** Posts a verification result the way pact-core's verifier does: through the pact's own links. */
async function verify(consumer: string, providerVersion: string, branch: string, success: boolean) {
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
  const publication = broker.store.publications.filter((p) => p.consumer === consumer).at(-1)
  if (publication === undefined) throw new Error(`nothing published for ${consumer}`)
  const pactUrl = `${broker.url}/pacts/provider/${PROVIDER}/consumer/${consumer}/pact-version/${publication.sha}`
  const pact = (await (await fetch(pactUrl, { headers })).json()) as {
    _links: Record<string, { href: string }>
  }
  const provider = (await (await fetch(pact._links['pb:provider']?.href ?? '', { headers })).json()) as {
    _links: Record<string, { href: string }>
  }
  const branchVersion = (provider._links['pb:branch-version']?.href ?? '')
    .replace('{branch}', branch)
    .replace('{version}', providerVersion)
  expect((await fetch(branchVersion, { method: 'PUT', headers, body: '{}' })).status).toBe(200)
  const posted = await fetch(pact._links['pb:publish-verification-results']?.href ?? '', {
    method: 'POST',
    headers,
    body: JSON.stringify({ success, providerApplicationVersion: providerVersion }),
  })
  expect(posted.status).toBe(201)
}

async function canIDeploy(pacticipant: string, version: string, environment = 'production') {
  return cli(
    'can-i-deploy',
    '--pacticipant',
    pacticipant,
    '--version',
    version,
    '--to-environment',
    environment,
  )
}

async function recordDeployment(pacticipant: string, version: string, environment = 'production') {
  const result = await cli(
    'record-deployment',
    '--pacticipant',
    pacticipant,
    '--version',
    version,
    '--environment',
    environment,
  )
  expect(result.code, result.stdout + result.stderr).toBe(0)
}

describe('the Pact Broker stand-in, driven by the official pact broker CLI', () => {
  it('refuses a client without the broker token', async () => {
    const result = await pactBroker(['list-environments'], { ...env, PACT_BROKER_TOKEN: 'wrong' })
    expect(result.code).not.toBe(0)
    expect(broker.store.environments).toEqual([])
  })

  it('takes both committed pacts as one consumer version each, and main as their main branch', async () => {
    await publish('c1', 'main')
    expect(broker.store.publications.map((p) => [p.consumer, p.consumerVersion, p.provider]).sort()).toEqual([
      [CONSUMER, 'c1', PROVIDER],
      [SDK_CONSUMER, 'c1', PROVIDER],
    ])
    expect(broker.store.pacticipant(CONSUMER).mainBranch).toBe('main')
    // The same content published again by a new version is the same pact version (already verified).
    await publish('c2', 'main')
    expect(broker.store.pactVersions.size).toBe(2)
  })

  it('answers can-i-deploy no until the provider that verified the pact is deployed, then yes', async () => {
    expect((await cli('create-environment', '--name', 'production', '--production')).code).toBe(0)
    await publish('c1', 'main')
    expect((await canIDeploy(CONSUMER, 'c1')).code).not.toBe(0)
    await verify(CONSUMER, 'p1', 'main', true)
    // Verified, but no provider version is deployed in production: the consumer would be alone there.
    const alone = await canIDeploy(CONSUMER, 'c1')
    expect(alone.code, alone.stdout).not.toBe(0)
    expect(alone.stdout).toMatch(/Computer says no/)
    await recordDeployment(PROVIDER, 'p1')
    const yes = await canIDeploy(CONSUMER, 'c1')
    expect(yes.code, yes.stdout).toBe(0)
    expect(yes.stdout).toMatch(/Computer says yes/)
    // The SDK's pact was never verified by p1.
    expect((await canIDeploy(SDK_CONSUMER, 'c1')).code).not.toBe(0)
    // A version the broker never heard of cannot be deployed.
    expect((await canIDeploy(CONSUMER, 'c9')).code).not.toBe(0)
  })

  it('answers no for a failed verification, and a failed re-verification overrides a success', async () => {
    expect((await cli('create-environment', '--name', 'production')).code).toBe(0)
    await publish('c1', 'main')
    await verify(CONSUMER, 'p1', 'main', true)
    await verify(CONSUMER, 'p1', 'main', false)
    await recordDeployment(PROVIDER, 'p1')
    const answer = await canIDeploy(CONSUMER, 'c1')
    expect(answer.code, answer.stdout).not.toBe(0)
    expect(answer.stdout).toMatch(/failed/)
  })

  it('lets a provider deploy before its consumers, but not past a deployed consumer it did not verify', async () => {
    expect((await cli('create-environment', '--name', 'production')).code).toBe(0)
    await publish('c1', 'main')
    await verify(CONSUMER, 'p1', 'main', true)
    expect((await canIDeploy(PROVIDER, 'p1')).code).toBe(0)
    await recordDeployment(CONSUMER, 'c1')
    expect((await canIDeploy(PROVIDER, 'p1')).code).toBe(0)
    await recordDeployment(SDK_CONSUMER, 'c1')
    expect((await canIDeploy(PROVIDER, 'p1')).code).not.toBe(0)
  })

  it('records a deployment as replacing the version deployed before, and knows only existing environments', async () => {
    expect((await cli('create-environment', '--name', 'production')).code).toBe(0)
    await publish('c1', 'main')
    await publish('c2', 'main')
    await recordDeployment(CONSUMER, 'c1')
    await recordDeployment(CONSUMER, 'c2')
    expect(broker.store.currentlyDeployed(CONSUMER).map((deployed) => deployed.version)).toEqual(['c2'])
    const unknown = await cli(
      'record-deployment',
      '--pacticipant',
      CONSUMER,
      '--version',
      'c2',
      '--environment',
      'staging',
    )
    expect(unknown.code).not.toBe(0)
    expect(unknown.stdout).toMatch(/staging does not exist/)
  })
})
