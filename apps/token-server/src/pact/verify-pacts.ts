import { readFileSync } from 'node:fs'
import { type ConsumerVersionSelector, Verifier, type VerifierOptions } from '@pact-foundation/pact-core'
import { type BrokerSettings, PROVIDER } from '@pipeshub/contracts'
import { PACKAGE_ROOT } from '../config.js'
import type { RunningProvider } from './provider-harness.js'

/** The provider version the verification reports: the token-server app's version. */
export const PROVIDER_VERSION = (
  JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { version: string }
).version

/** One interaction's result, as pact-core reports it. */
export interface InteractionResult {
  readonly description: string
  readonly passed: boolean
}

/** One failed check of a verification: the interaction and pact-core's account of the mismatch. */
export interface VerificationFailure {
  readonly interaction: string
  readonly detail: string
}

export interface VerificationOutcome {
  readonly passed: boolean
  readonly interactions: readonly InteractionResult[]
  readonly failures: readonly VerificationFailure[]
  /** Failures of pending pacts (from a broker with pending enabled): reported, not failing the run. */
  readonly pendingFailures: readonly VerificationFailure[]
  /** What the broker said about each pact it selected (why it was selected, pending or not). */
  readonly notices: readonly string[]
  /** pact-core's whole JSON report, for the test output when something fails. */
  readonly report: string
}

interface PactCoreReport {
  errors?: Array<{ interaction?: string; mismatch?: unknown }>
  pendingErrors?: Array<{ interaction?: string; mismatch?: unknown }>
  notices?: Array<{ text?: string }>
  interactionResults?: Array<{ description?: string; result?: unknown }>
}

function failureOf(error: { interaction?: string; mismatch?: unknown }): VerificationFailure {
  return {
    interaction: error.interaction ?? '(unknown interaction)',
    detail: JSON.stringify(error.mismatch ?? error),
  }
}

function outcomeOf(passed: boolean, report: string): VerificationOutcome {
  let parsed: PactCoreReport
  try {
    parsed = JSON.parse(report) as PactCoreReport
  } catch {
    const failures = [{ interaction: '(verifier)', detail: report }]
    return { passed, interactions: [], failures, pendingFailures: [], notices: [], report }
  }
  return {
    passed,
    interactions: (parsed.interactionResults ?? []).map((result) => ({
      description: result.description ?? '',
      passed: result.result === 'OK',
    })),
    failures: (parsed.errors ?? []).map(failureOf),
    pendingFailures: (parsed.pendingErrors ?? []).map(failureOf),
    notices: (parsed.notices ?? []).map((notice) => notice.text ?? ''),
    report,
  }
}

/**
 * Verifies pact files against a running provider with pact-core's native verifier. It replays each
 * request exactly as the pact records it (the form bodies byte for byte), unlike pact-js's `Verifier`,
 * whose Express proxy re-encodes form bodies as JSON (pact-js issues 884, 1210). The state endpoint is
 * called before each interaction; a state change answering an error fails that interaction.
 */
export async function verifyPacts(
  provider: RunningProvider,
  pactFiles: readonly string[],
  extra: Partial<VerifierOptions> = {},
): Promise<VerificationOutcome> {
  const options: VerifierOptions = {
    providerBaseUrl: provider.baseUrl,
    pactUrls: [...pactFiles],
    providerStatesSetupUrl: provider.stateSetupUrl,
    providerStatesSetupTeardown: true,
    providerStatesSetupBody: true,
    providerVersion: PROVIDER_VERSION,
    logLevel: 'error',
    timeout: 30_000,
    ...extra,
  }
  for (const filter of ['PACT_DESCRIPTION', 'PACT_PROVIDER_STATE', 'PACT_PROVIDER_NO_STATE']) {
    // pact-core would silently verify only the matching interactions.
    if (process.env[filter] !== undefined)
      throw new Error(`unset ${filter}: it filters the interactions verified`)
  }
  // pact-core also reads a broker from PACT_BROKER_BASE_URL when `provider` is set: only pass it when
  // verifying from a broker, so a local run never pulls someone else's pacts.
  if (extra.pactBrokerUrl !== undefined) options.provider = PROVIDER
  try {
    return outcomeOf(true, await new Verifier(options).verify())
  } catch (error) {
    return outcomeOf(false, error instanceof Error ? error.message : String(error))
  }
}

/**
 * The consumer versions a provider build verifies (docs.pact.io "recommended configuration"): the
 * latest pact of each consumer's main branch, the latest of a consumer branch named like the
 * provider's (coordinated feature work), and every consumer version currently deployed or released
 * (so the provider cannot break what runs in an environment, which is what record-deployment tells
 * the broker).
 */
export const BROKER_CONSUMER_VERSION_SELECTORS: readonly ConsumerVersionSelector[] = [
  { mainBranch: true },
  { matchingBranch: true },
  { deployedOrReleased: true },
]

/**
 * Work-in-progress pacts published since this date are verified too, as pending: a consumer's feature
 * branch gets its verification result without the provider naming the branch, and a failure does not
 * fail the provider's build. The date WIP verification was turned on (PACT_INCLUDE_WIP_PACTS_SINCE
 * overrides it; an empty value turns WIP off).
 */
export const INCLUDE_WIP_PACTS_SINCE = '2026-12-01'

/**
 * Verifier options for the opt-in Pact Broker flow: the pacts come from the broker
 * (`BROKER_CONSUMER_VERSION_SELECTORS` unless PACT_CONSUMER_VERSION_SELECTORS says otherwise), with
 * pending pacts (a pact this provider's branch never verified cannot fail the build) and WIP pacts,
 * and the results are published back, with the git SHA as the provider version and the branch.
 */
export function brokerVerifierOptions(broker: BrokerSettings, env = process.env): Partial<VerifierOptions> {
  const selectors = env.PACT_CONSUMER_VERSION_SELECTORS
  const wipSince = env.PACT_INCLUDE_WIP_PACTS_SINCE ?? INCLUDE_WIP_PACTS_SINCE
  const options: Partial<VerifierOptions> = {
    pactUrls: [],
    pactBrokerUrl: broker.baseUrl,
    consumerVersionSelectors:
      selectors === undefined || selectors === ''
        ? [...BROKER_CONSUMER_VERSION_SELECTORS]
        : (JSON.parse(selectors) as ConsumerVersionSelector[]),
    enablePending: true,
    publishVerificationResult: true,
    providerVersion: broker.version,
    providerVersionBranch: broker.branch,
    failIfNoPactsFound: true,
  }
  if (wipSince !== '') options.includeWipPactsSince = wipSince
  if (broker.token !== undefined) options.pactBrokerToken = broker.token
  if (broker.username !== undefined) options.pactBrokerUsername = broker.username
  if (broker.password !== undefined) options.pactBrokerPassword = broker.password
  if (broker.buildUrl !== undefined) options.buildUrl = broker.buildUrl
  return options
}
