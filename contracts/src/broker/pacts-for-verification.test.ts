import { describe, expect, it } from 'vitest'
import { pactsForVerification } from './pacts-for-verification.js'
import { BrokerStore } from './store.js'

// The selection, pending and WIP rules of the broker (pact_broker PactsForVerificationRepository,
// PactVersion#pending_for_provider_branch?, PactPublicationWipDatasetModule), on the store alone.

const PROVIDER = 'provider'

function pact(consumer: string, description: string): Record<string, unknown> {
  return {
    consumer: { name: consumer },
    provider: { name: PROVIDER },
    interactions: [{ description, request: { method: 'GET', path: '/' }, response: { status: 200 } }],
    metadata: { pactSpecification: { version: '4.0' } },
  }
}

function published(
  store: BrokerStore,
  consumer: string,
  version: string,
  branch: string,
  description: string,
) {
  const publication = store.publish(store.version(consumer, version, branch), pact(consumer, description))
  const found = store.findPactVersion(consumer, PROVIDER, publication.sha)
  if (found === undefined) throw new Error('published')
  return found
}

function verified(
  store: BrokerStore,
  sha: string,
  consumer: string,
  version: string,
  branch: string,
  success = true,
) {
  const found = store.findPactVersion(consumer, PROVIDER, sha)
  if (found === undefined) throw new Error('a published pact')
  store.version(PROVIDER, version, branch)
  store.recordVerification(found, { providerVersion: version, success, wip: false, pending: false })
}

const MAIN_AND_DEPLOYED = [{ mainBranch: true }, { matchingBranch: true }, { deployedOrReleased: true }]

describe('pacts for verification', () => {
  it('verifies one content once, naming every consumer version that selected it', () => {
    const store = new BrokerStore()
    published(store, 'web', '1', 'main', 'a')
    published(store, 'web', '2', 'main', 'a')
    store.recordDeployment(store.version('web', '1'), store.createEnvironment({ name: 'production' }))
    const selected = pactsForVerification(store, PROVIDER, {
      consumerVersionSelectors: MAIN_AND_DEPLOYED,
      providerVersionBranch: 'main',
    })
    expect(selected).toHaveLength(1)
    expect(selected[0]?.reasons).toEqual([
      "latest version from the main branch 'main' (web 2)",
      "latest version from the branch 'main' (matching the provider's branch) (web 2)",
      'version(s) currently deployed to production (web 1)',
    ])
  })

  it('keeps a pact pending for a branch until a version of that branch verifies it', () => {
    const store = new BrokerStore()
    const content = published(store, 'web', '1', 'main', 'a')
    const ask = () =>
      pactsForVerification(store, PROVIDER, {
        consumerVersionSelectors: [{ mainBranch: true }],
        providerVersionBranch: 'main',
        includePendingStatus: true,
      })[0]?.pending
    expect(ask()).toBe(true)
    verified(store, content.sha, 'web', 'p1', 'main', false)
    expect(ask()).toBe(true)
    verified(store, content.sha, 'web', 'p2', 'main')
    expect(ask()).toBe(false)
  })

  it('lets a new provider branch inherit what another branch verified before it was created, not after', () => {
    const store = new BrokerStore()
    const before = published(store, 'web', '1', 'main', 'a')
    verified(store, before.sha, 'web', 'p1', 'main')
    store.version(PROVIDER, 'p2', 'feat')
    const after = published(store, 'web', '2', 'main', 'b')
    verified(store, after.sha, 'web', 'p3', 'main')
    const pending = (content: typeof before) =>
      pactsForVerification(store, PROVIDER, {
        consumerVersionSelectors: [{ deployedOrReleased: true }, { branch: 'main' }],
        providerVersionBranch: 'feat',
        includePendingStatus: true,
      }).find((selected) => selected.pact.sha === content.sha)?.pending
    expect(pending(after)).toBe(true)
    store.recordDeployment(store.version('web', '1'), store.createEnvironment({ name: 'production' }))
    expect(pending(before)).toBe(false)
  })

  it('adds the latest pact of each consumer branch since the WIP date, unless selected or verified outside WIP', () => {
    const store = new BrokerStore()
    published(store, 'web', '1', 'main', 'a')
    const feature = published(store, 'web', '2', 'feat/x', 'b')
    const request = {
      consumerVersionSelectors: [{ mainBranch: true }],
      providerVersionBranch: 'main',
      includePendingStatus: true,
      includeWipPactsSince: '2020-01-01',
    }
    const wip = () => pactsForVerification(store, PROVIDER, request).filter((selected) => selected.wip)
    expect(wip().map((selected) => [selected.pact.sha, selected.pending])).toEqual([[feature.sha, true]])
    // Too old for the window: not WIP.
    expect(
      pactsForVerification(store, PROVIDER, { ...request, includeWipPactsSince: '2999-01-01' }).some(
        (s) => s.wip,
      ),
    ).toBe(false)
    // A success while verified as WIP keeps it WIP (and pending) ...
    store.version(PROVIDER, 'p1', 'main')
    store.recordVerification(feature, { providerVersion: 'p1', success: true, wip: true, pending: true })
    expect(wip()).toHaveLength(1)
    // ... a success when a selector chose it takes it out of WIP.
    verified(store, feature.sha, 'web', 'p2', 'main')
    expect(wip()).toEqual([])
  })

  it('refuses what the stand-in does not implement rather than answering something else', () => {
    const store = new BrokerStore()
    published(store, 'web', '1', 'main', 'a')
    expect(() =>
      pactsForVerification(store, PROVIDER, { consumerVersionSelectors: [{ tag: 'prod' } as never] }),
    ).toThrow(/does not support the selector key tag/)
    expect(() =>
      pactsForVerification(store, PROVIDER, { consumerVersionSelectors: [{ matchingBranch: true }] }),
    ).toThrow(/providerVersionBranch/)
    expect(() =>
      pactsForVerification(store, PROVIDER, {
        consumerVersionSelectors: [{ deployed: true, environment: 'qa' }],
      }),
    ).toThrow(/No environment found with name 'qa'/)
  })
})
