import { BrokerError, type BrokerStore, type PactPublication, type Verification } from './store.js'

// `can-i-deploy --pacticipant X --version V --to-environment E`, the broker's matrix query
// (`GET /matrix?q[][pacticipant]=X&q[][version]=V&environment=E&latestby=cvpv`) with the rules of
// pact_broker's `DeploymentStatusSummary` and `IntegrationsRepository`:
// - as a consumer, X@V requires each provider it has a pact with to be deployed in E, with a version
//   that verified that pact (the consumer cannot go where its provider is missing or unverified);
// - as a provider, X@V must have verified the pact of every consumer version currently deployed in E;
//   a consumer absent from E requires nothing (a provider may go first);
// - each row takes the latest verification of the pact content by that provider version, so a
//   failed re-verification after a success counts as failed;
// - deployable: false if X@V does not exist or a row failed, unknown (null, "no") if a row has no
//   verification, true when every row succeeded or there is no row.

export interface MatrixRow {
  readonly consumer: string
  readonly consumerVersion: string
  readonly provider: string
  /** Undefined when the provider has no version in the environment. */
  readonly providerVersion: string | undefined
  readonly pact: PactPublication
  readonly verification: Verification | undefined
}

export interface DeploymentStatus {
  readonly deployable: boolean | null
  readonly reasons: readonly string[]
  readonly rows: readonly MatrixRow[]
}

function latestVerification(
  store: BrokerStore,
  pact: PactPublication,
  providerVersion: string,
): Verification | undefined {
  return store.verifications
    .filter(
      (verification) =>
        verification.consumer === pact.consumer &&
        verification.provider === pact.provider &&
        verification.sha === pact.sha &&
        verification.providerVersion === providerVersion,
    )
    .at(-1)
}

export function canIDeploy(
  store: BrokerStore,
  query: { pacticipant: string; version: string; environment: string },
): DeploymentStatus {
  const environment = store.environmentNamed(query.environment)
  if (environment === undefined) {
    throw new BrokerError(400, `Environment with name '${query.environment}' does not exist`)
  }
  const { pacticipant, version } = query
  if (store.findVersion(pacticipant, version) === undefined) {
    return {
      deployable: false,
      reasons: [`No pacticipant version found for ${pacticipant} with version ${version}`],
      rows: [],
    }
  }
  const rows: MatrixRow[] = []

  const providers = new Set(
    store.publications
      .filter(
        (publication) => publication.consumer === pacticipant && publication.consumerVersion === version,
      )
      .map((publication) => publication.provider),
  )
  for (const provider of [...providers].sort()) {
    const pact = store.publicationFor(pacticipant, version, provider) as PactPublication
    const deployed = store.currentlyDeployed(provider, environment)
    if (deployed.length === 0) {
      rows.push({ ...parties(pact), providerVersion: undefined, pact, verification: undefined })
    }
    for (const { version: providerVersion } of deployed) {
      rows.push({
        ...parties(pact),
        providerVersion,
        pact,
        verification: latestVerification(store, pact, providerVersion),
      })
    }
  }

  const consumers = new Set(
    store.publications.filter((publication) => publication.provider === pacticipant).map((p) => p.consumer),
  )
  for (const consumer of [...consumers].sort()) {
    for (const deployed of store.currentlyDeployed(consumer, environment)) {
      const pact = store.publicationFor(consumer, deployed.version, pacticipant)
      if (pact === undefined) continue
      rows.push({
        ...parties(pact),
        providerVersion: version,
        pact,
        verification: latestVerification(store, pact, version),
      })
    }
  }

  const reasons = rows.flatMap((row) => reasonFor(row, query.environment))
  const deployable = rows.some((row) => row.verification === undefined)
    ? null
    : rows.every((row) => row.verification?.success === true)
  if (reasons.length === 0) {
    reasons.push(
      rows.length === 0
        ? 'There are no missing dependencies'
        : 'All required verification results are published and successful',
    )
  }
  return { deployable, reasons, rows }
}

function parties(pact: PactPublication) {
  return { consumer: pact.consumer, consumerVersion: pact.consumerVersion, provider: pact.provider }
}

function reasonFor(row: MatrixRow, environment: string): string[] {
  const consumer = `version ${row.consumerVersion} of ${row.consumer}`
  if (row.providerVersion === undefined) {
    return [
      `There is no verified pact between ${consumer} and a version of ${row.provider} currently in ${environment}`,
    ]
  }
  const provider = `version ${row.providerVersion} of ${row.provider}`
  if (row.verification === undefined) return [`There is no verified pact between ${consumer} and ${provider}`]
  if (!row.verification.success)
    return [`The verification for the pact between ${consumer} and ${provider} failed`]
  return []
}
