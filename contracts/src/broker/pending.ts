import type { BrokerStore, PactVersion, Verification } from './store.js'

// The Pact Broker's pending rule for a provider that reports its branch (pact_broker
// `PactVersion#pending_for_provider_branch?`): a pact is pending for provider branch B until a
// provider version on B has verified it successfully, or a version on another branch did so before
// B was first used (a new feature branch inherits what main had already verified). A failure on a
// pending pact does not fail the provider's build.

function successfulOnBranch(store: BrokerStore, verification: Verification, branch: string): boolean {
  return (
    store.findVersion(verification.provider, verification.providerVersion)?.branches.includes(branch) ?? false
  )
}

function successfulOnAnotherBranchBefore(
  store: BrokerStore,
  verification: Verification,
  branch: string,
): boolean {
  const version = store.findVersion(verification.provider, verification.providerVersion)
  if (version === undefined || !version.branches.some((name) => name !== branch)) return false
  const created = store.findBranch(verification.provider, branch)
  return created === undefined || verification.seq < created.seq
}

/** Successful verifications of the pact's content by this provider. */
function successes(store: BrokerStore, pact: PactVersion, options: { nonWipOnly: boolean }): Verification[] {
  return store.verifications.filter(
    (verification) =>
      verification.success &&
      verification.provider === pact.provider &&
      verification.consumer === pact.consumer &&
      verification.sha === pact.sha &&
      !(options.nonWipOnly && verification.wip),
  )
}

export function isPendingForProviderBranch(store: BrokerStore, pact: PactVersion, branch: string): boolean {
  return !successes(store, pact, { nonWipOnly: false }).some(
    (verification) =>
      successfulOnBranch(store, verification, branch) ||
      successfulOnAnotherBranchBefore(store, verification, branch),
  )
}

/**
 * Whether a pact still counts as work in progress for provider branch B (pact_broker
 * `remove_non_wip_for_branch`): the same rule as pending, but a success reported while the pact was
 * verified as WIP does not count; only a verification where a selector chose it does.
 */
export function isWorkInProgressForProviderBranch(
  store: BrokerStore,
  pact: PactVersion,
  branch: string,
): boolean {
  return !successes(store, pact, { nonWipOnly: true }).some(
    (verification) =>
      successfulOnBranch(store, verification, branch) ||
      successfulOnAnotherBranchBefore(store, verification, branch),
  )
}
