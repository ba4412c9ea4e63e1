import { describe, expect, it } from 'vitest'
import { canIDeploy } from './matrix.js'
import { BrokerError, BrokerStore, pactVersionSha } from './store.js'

// The can-i-deploy rules of pact_broker's matrix (DeploymentStatusSummary, IntegrationsRepository),
// on the store alone; src/broker/stand-in.test.ts asks the same through the official CLI.

function pact(description: string, consumerVersionStamp = '1') {
  return {
    consumer: { name: 'web' },
    provider: { name: 'api' },
    interactions: [{ description, request: { method: 'GET', path: '/' }, response: { status: 200 } }],
    metadata: { pactSpecification: { version: '4.0' }, stamp: consumerVersionStamp },
  }
}

function setUp() {
  const store = new BrokerStore()
  const production = store.createEnvironment({ name: 'production', production: true })
  const publish = (version: string, description: string) =>
    store.publish(store.version('web', version, 'main'), pact(description, version))
  const verify = (version: string, description: string, success: boolean) => {
    const content = store.findPactVersion('web', 'api', pactVersionSha(pact(description)))
    if (content === undefined) throw new Error(`pact ${description} is published`)
    store.version('api', version, 'main')
    store.recordVerification(content, { providerVersion: version, success, wip: false, pending: false })
  }
  const deploy = (pacticipant: string, version: string) =>
    store.recordDeployment(store.version(pacticipant, version), production)
  const ask = (pacticipant: string, version: string) =>
    canIDeploy(store, { pacticipant, version, environment: 'production' })
  return { store, publish, verify, deploy, ask }
}

describe('can-i-deploy (the matrix with an environment)', () => {
  it('lets a consumer go only where a provider version that verified its pact is deployed', () => {
    const { publish, verify, deploy, ask } = setUp()
    publish('w1', 'a')
    expect(ask('web', 'w1').deployable).toBeNull()
    verify('a1', 'a', true)
    expect(ask('web', 'w1').reasons).toEqual([
      'There is no verified pact between version w1 of web and a version of api currently in production',
    ])
    deploy('api', 'a1')
    expect(ask('web', 'w1')).toMatchObject({ deployable: true, rows: [{ providerVersion: 'a1' }] })
    // Another provider version replaces a1 in production: it never verified the pact.
    deploy('api', 'a2')
    expect(ask('web', 'w1').deployable).toBeNull()
  })

  it('takes a republished content as verified, whichever consumer version verified it first', () => {
    const { publish, verify, deploy, ask } = setUp()
    publish('w1', 'a')
    verify('a1', 'a', true)
    deploy('api', 'a1')
    publish('w2', 'a')
    expect(ask('web', 'w2').deployable).toBe(true)
    publish('w3', 'b')
    expect(ask('web', 'w3').deployable).toBeNull()
  })

  it('counts the latest verification of a provider version: a failure after a success fails', () => {
    const { publish, verify, deploy, ask } = setUp()
    publish('w1', 'a')
    verify('a1', 'a', true)
    verify('a1', 'a', false)
    deploy('api', 'a1')
    expect(ask('web', 'w1')).toMatchObject({
      deployable: false,
      reasons: ['The verification for the pact between version w1 of web and version a1 of api failed'],
    })
  })

  it('lets a provider go before its consumers, but must have verified every deployed consumer version', () => {
    const { publish, verify, deploy, ask } = setUp()
    publish('w1', 'a')
    verify('a1', 'a', true)
    expect(ask('api', 'a1')).toMatchObject({
      deployable: true,
      reasons: ['There are no missing dependencies'],
    })
    deploy('web', 'w1')
    expect(ask('api', 'a1').deployable).toBe(true)
    publish('w2', 'b')
    deploy('web', 'w2')
    expect(ask('api', 'a1').reasons).toEqual([
      'There is no verified pact between version w2 of web and version a1 of api',
    ])
  })

  it('says no for a version it does not know, and refuses an environment it does not know', () => {
    const { store, ask } = setUp()
    expect(ask('web', 'nope')).toMatchObject({ deployable: false })
    expect(() => canIDeploy(store, { pacticipant: 'web', version: 'x', environment: 'qa' })).toThrow(
      BrokerError,
    )
  })
})
