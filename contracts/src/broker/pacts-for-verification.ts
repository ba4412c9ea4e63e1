import { isPendingForProviderBranch, isWorkInProgressForProviderBranch } from './pending.js'
import { BrokerError, type BrokerStore, type PactPublication, type PactVersion } from './store.js'

// The broker's "pacts for verification" query (`POST /pacts/provider/{provider}/for-verification`),
// for the selectors the stand-in supports: `mainBranch`, `branch`, `matchingBranch`,
// `deployedOrReleased`, `deployed` (each optionally with `consumer`, the last two with
// `environment`). Every selected consumer version's pact is looked up, pacts with the same content
// are verified once (merged by pact version, as the broker does), each is marked pending or not for
// the provider's branch, and with `includeWipPactsSince` the work-in-progress pacts are added.

export interface ConsumerVersionSelector {
  readonly mainBranch?: boolean
  readonly branch?: string
  readonly matchingBranch?: boolean
  readonly deployedOrReleased?: boolean
  readonly deployed?: boolean
  readonly environment?: string
  readonly consumer?: string
  readonly latest?: boolean
}

export interface PactsForVerificationRequest {
  readonly consumerVersionSelectors?: readonly ConsumerVersionSelector[]
  readonly providerVersionBranch?: string
  readonly includePendingStatus?: boolean
  readonly includeWipPactsSince?: string
  readonly providerVersionTags?: readonly string[]
}

export interface VerifiablePact {
  readonly pact: PactVersion
  /** Consumer versions whose publication brought this content, with why each was selected. */
  readonly reasons: readonly string[]
  readonly pending: boolean | undefined
  readonly wip: boolean
  readonly notices: ReadonlyArray<{ when: string; text: string }>
}

const SUPPORTED = new Set([
  'mainBranch',
  'branch',
  'matchingBranch',
  'deployedOrReleased',
  'deployed',
  'environment',
  'consumer',
  'latest',
])

function latestOnBranch(
  store: BrokerStore,
  provider: string,
  consumer: string,
  branch: string,
): PactPublication | undefined {
  const onBranch = store.versions
    .filter((version) => version.pacticipant === consumer && version.branches.includes(branch))
    .sort((a, b) => b.seq - a.seq)
  for (const version of onBranch) {
    const publication = store.publicationFor(consumer, version.number, provider)
    if (publication !== undefined) return publication
  }
  return undefined
}

function consumersOf(store: BrokerStore, provider: string, only?: string): string[] {
  const names = new Set(
    store.publications.filter((publication) => publication.provider === provider).map((p) => p.consumer),
  )
  return [...names].filter((name) => only === undefined || name === only).sort()
}

function select(
  store: BrokerStore,
  provider: string,
  selector: ConsumerVersionSelector,
  providerBranch: string | undefined,
): Array<{ publication: PactPublication; reason: string }> {
  for (const key of Object.keys(selector)) {
    if (!SUPPORTED.has(key))
      throw new BrokerError(400, `the broker stand-in does not support the selector key ${key}`)
  }
  if (selector.latest === false) {
    throw new BrokerError(
      400,
      'the broker stand-in selects the latest version of a branch only (latest: false)',
    )
  }
  const selected: Array<{ publication: PactPublication; reason: string }> = []
  const consumers = consumersOf(store, provider, selector.consumer)
  const onBranch = (branchOf: (consumer: string) => string | undefined, why: (branch: string) => string) => {
    for (const consumer of consumers) {
      const branch = branchOf(consumer)
      if (branch === undefined) continue
      const publication = latestOnBranch(store, provider, consumer, branch)
      if (publication !== undefined) selected.push({ publication, reason: why(branch) })
    }
  }
  if (selector.mainBranch === true) {
    onBranch(
      (consumer) => store.pacticipant(consumer).mainBranch,
      (branch) => `latest version from the main branch '${branch}'`,
    )
  } else if (selector.matchingBranch === true) {
    if (providerBranch === undefined) {
      throw new BrokerError(400, 'the matchingBranch selector needs the providerVersionBranch')
    }
    onBranch(
      () => providerBranch,
      (branch) => `latest version from the branch '${branch}' (matching the provider's branch)`,
    )
  } else if (selector.branch !== undefined) {
    onBranch(
      () => selector.branch,
      (branch) => `latest version from the branch '${branch}'`,
    )
  } else if (selector.deployedOrReleased === true || selector.deployed === true) {
    const environment =
      selector.environment === undefined ? undefined : store.environmentNamed(selector.environment)
    if (selector.environment !== undefined && environment === undefined) {
      throw new BrokerError(400, `No environment found with name '${selector.environment}'`)
    }
    for (const consumer of consumers) {
      for (const deployed of store.currentlyDeployed(consumer, environment)) {
        const publication = store.publicationFor(consumer, deployed.version, provider)
        const where = store.environments.find((candidate) => candidate.uuid === deployed.environment)
        if (publication !== undefined) {
          selected.push({ publication, reason: `version(s) currently deployed to ${where?.name ?? '?'}` })
        }
      }
    }
  } else {
    throw new BrokerError(400, `the broker stand-in cannot resolve the selector ${JSON.stringify(selector)}`)
  }
  return selected
}

function pendingNotice(provider: string, branch: string | undefined, pending: boolean): string {
  const on = branch === undefined ? '' : ` with branch '${branch}'`
  return pending
    ? `This pact is in pending state for this version of ${provider} because a successful verification result for a version${on} has not yet been published. If this verification fails, it will not cause the overall build to fail.`
    : `This pact has previously been successfully verified by a version of ${provider}${on}. If this verification fails, it will fail the build.`
}

export function pactsForVerification(
  store: BrokerStore,
  provider: string,
  request: PactsForVerificationRequest,
): VerifiablePact[] {
  if ((request.providerVersionTags ?? []).length > 0) {
    throw new BrokerError(400, 'the broker stand-in supports branches, not provider version tags')
  }
  if (!store.pacticipants.has(provider))
    throw new BrokerError(404, `No provider with name '${provider}' found`)
  const branch = request.providerVersionBranch
  const selectors = request.consumerVersionSelectors ?? []
  if (selectors.length === 0) throw new BrokerError(400, 'the broker stand-in needs consumerVersionSelectors')

  const byContent = new Map<string, { pact: PactVersion; reasons: string[] }>()
  for (const selector of selectors) {
    for (const { publication, reason } of select(store, provider, selector, branch)) {
      const key = `${publication.consumer}\n${publication.sha}`
      const pact = store.findPactVersion(publication.consumer, provider, publication.sha)
      if (pact === undefined) continue
      const entry = byContent.get(key) ?? { pact, reasons: [] }
      const described = `${reason} (${publication.consumer} ${publication.consumerVersion})`
      if (!entry.reasons.includes(described)) entry.reasons.push(described)
      byContent.set(key, entry)
    }
  }

  const verifiable: VerifiablePact[] = [...byContent.values()].map(({ pact, reasons }) => {
    const pending =
      request.includePendingStatus === true
        ? branch === undefined
          ? !store.verifications.some((v) => v.success && v.sha === pact.sha && v.consumer === pact.consumer)
          : isPendingForProviderBranch(store, pact, branch)
        : undefined
    const notices = [
      {
        when: 'before_verification',
        text: `The pact is being verified because the pact content belongs to the consumer version(s) matching: ${reasons.join('; ')}`,
      },
    ]
    if (pending !== undefined)
      notices.push({ when: 'before_verification', text: pendingNotice(provider, branch, pending) })
    return { pact, reasons, pending, wip: false, notices }
  })

  const since = request.includeWipPactsSince
  if (since !== undefined && since !== '' && branch !== undefined) {
    const start = new Date(since)
    if (Number.isNaN(start.getTime()))
      throw new BrokerError(400, `includeWipPactsSince is not a date: ${since}`)
    verifiable.push(...workInProgress(store, provider, branch, start, verifiable))
  }
  return verifiable
}

/**
 * The WIP pacts (pact_broker `find_wip_pact_versions_for_provider_by_provider_branch`): the latest
 * pact of every consumer branch, published after `since`, that the selectors did not already
 * choose and that no provider version has taken out of work in progress for this branch. They are
 * always verified as pending.
 */
function workInProgress(
  store: BrokerStore,
  provider: string,
  branch: string,
  since: Date,
  explicit: readonly VerifiablePact[],
): VerifiablePact[] {
  const found = new Map<string, VerifiablePact>()
  for (const consumer of consumersOf(store, provider)) {
    const branches = store.branches.filter((candidate) => candidate.pacticipant === consumer)
    for (const consumerBranch of branches) {
      const head = latestOnBranch(store, provider, consumer, consumerBranch.name)
      if (head === undefined || head.createdAt < since) continue
      const pact = store.findPactVersion(consumer, provider, head.sha)
      if (pact === undefined) continue
      if (explicit.some((chosen) => chosen.pact.consumer === consumer && chosen.pact.sha === head.sha))
        continue
      if (!isWorkInProgressForProviderBranch(store, pact, branch)) continue
      const key = `${consumer}\n${head.sha}`
      const reason = `latest version from the branch '${consumerBranch.name}' (${consumer} ${head.consumerVersion})`
      const previous = found.get(key)
      found.set(key, {
        pact,
        reasons: [...(previous?.reasons ?? []), reason],
        pending: true,
        wip: true,
        notices: [
          {
            when: 'before_verification',
            text: `The pact is being verified because it is a work in progress pact (${reason}); it is pending for branch '${branch}' of ${provider}. If this verification fails, it will not cause the overall build to fail.`,
          },
        ],
      })
    }
  }
  return [...found.values()]
}
