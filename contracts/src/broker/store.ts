import { createHash, randomUUID } from 'node:crypto'

// The in-memory state of the broker stand-in: the Pact Broker's own data model (pacticipants,
// versions on branches, pact publications sharing one content per `pact version`, verification
// results per pact version and provider version, environments and deployed versions), reduced to
// what the stand-in serves. Every record carries `seq`, one counter for the whole store, so "before"
// and "latest" are exact even when two records share a millisecond.

/** Branches the real broker takes as a pacticipant's main branch when none is set (`main_branch_candidates`). */
export const MAIN_BRANCH_CANDIDATES = ['develop', 'main', 'master'] as const

export interface Pacticipant {
  readonly name: string
  mainBranch?: string
}

export interface Branch {
  readonly pacticipant: string
  readonly name: string
  /** When the branch was first used: the pending and WIP rules compare verifications with it. */
  readonly seq: number
}

export interface Version {
  readonly pacticipant: string
  readonly number: string
  readonly branches: string[]
  readonly seq: number
}

/** One pact content, shared by every consumer version that published the same verifiable content. */
export interface PactVersion {
  readonly consumer: string
  readonly provider: string
  readonly sha: string
  readonly content: Record<string, unknown>
}

export interface PactPublication {
  readonly consumer: string
  readonly provider: string
  readonly consumerVersion: string
  readonly sha: string
  readonly seq: number
  readonly createdAt: Date
}

export interface Verification {
  readonly id: number
  readonly consumer: string
  readonly provider: string
  readonly sha: string
  readonly providerVersion: string
  readonly success: boolean
  /** The pact was verified as a work-in-progress pact: such a result does not take it out of WIP. */
  readonly wip: boolean
  readonly pending: boolean
  readonly seq: number
  readonly executedAt: Date
}

export interface Environment {
  readonly uuid: string
  readonly name: string
  readonly displayName: string
  readonly production: boolean
}

export interface DeployedVersion {
  readonly uuid: string
  readonly pacticipant: string
  readonly version: string
  readonly environment: string
  readonly applicationInstance: string | undefined
  currentlyDeployed: boolean
  readonly seq: number
}

/** A request the broker refuses, with the HTTP status and message the real broker answers. */
export class BrokerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'BrokerError'
  }
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${sortedJson(member)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * The pact version SHA as the broker computes it (`base_equality_only_on_content_that_affects_verification_results`):
 * SHA-1 of the sorted interactions and specification version only, so a pact republished by a new
 * consumer version with only its metadata changed is the same pact version, already verified.
 */
export function pactVersionSha(content: Record<string, unknown>): string {
  const interactions = Array.isArray(content.interactions)
    ? (content.interactions as unknown[]).map(sortedJson).sort()
    : []
  const metadata = content.metadata as { pactSpecification?: { version?: unknown } } | undefined
  return createHash('sha1')
    .update(sortedJson({ interactions, specification: metadata?.pactSpecification?.version ?? null }))
    .digest('hex')
}

export class BrokerStore {
  readonly pacticipants = new Map<string, Pacticipant>()
  readonly branches: Branch[] = []
  readonly versions: Version[] = []
  readonly pactVersions = new Map<string, PactVersion>()
  readonly publications: PactPublication[] = []
  readonly verifications: Verification[] = []
  readonly environments: Environment[] = []
  readonly deployedVersions: DeployedVersion[] = []
  private clock = 0

  private tick(): number {
    this.clock += 1
    return this.clock
  }

  pacticipant(name: string): Pacticipant {
    let found = this.pacticipants.get(name)
    if (found === undefined) {
      found = { name }
      this.pacticipants.set(name, found)
    }
    return found
  }

  findVersion(pacticipant: string, number: string): Version | undefined {
    return this.versions.find((version) => version.pacticipant === pacticipant && version.number === number)
  }

  /** Creates the version if needed, and adds it to `branch` (a version can be on several branches). */
  version(pacticipant: string, number: string, branch?: string): Version {
    const owner = this.pacticipant(pacticipant)
    let found = this.findVersion(pacticipant, number)
    if (found === undefined) {
      found = { pacticipant, number, branches: [], seq: this.tick() }
      this.versions.push(found)
    }
    if (branch !== undefined && branch !== '' && !found.branches.includes(branch)) {
      if (this.findBranch(pacticipant, branch) === undefined) {
        this.branches.push({ pacticipant, name: branch, seq: this.tick() })
      }
      found.branches.push(branch)
      if (owner.mainBranch === undefined && (MAIN_BRANCH_CANDIDATES as readonly string[]).includes(branch)) {
        owner.mainBranch = branch
      }
    }
    return found
  }

  findBranch(pacticipant: string, name: string): Branch | undefined {
    return this.branches.find((branch) => branch.pacticipant === pacticipant && branch.name === name)
  }

  /** Publishes one pact for a consumer version: a new publication, sharing the pact version by content. */
  publish(consumerVersion: Version, content: Record<string, unknown>): PactPublication {
    const consumer = (content.consumer as { name?: unknown } | undefined)?.name
    const provider = (content.provider as { name?: unknown } | undefined)?.name
    if (typeof consumer !== 'string' || typeof provider !== 'string') {
      throw new BrokerError(400, 'the pact must name its consumer and provider')
    }
    if (consumer !== consumerVersion.pacticipant) {
      throw new BrokerError(400, `the pact's consumer ${consumer} is not ${consumerVersion.pacticipant}`)
    }
    this.pacticipant(provider)
    const sha = pactVersionSha(content)
    const key = `${consumer}\n${provider}\n${sha}`
    if (!this.pactVersions.has(key)) this.pactVersions.set(key, { consumer, provider, sha, content })
    const publication: PactPublication = {
      consumer,
      provider,
      consumerVersion: consumerVersion.number,
      sha,
      seq: this.tick(),
      createdAt: new Date(),
    }
    this.publications.push(publication)
    return publication
  }

  findPactVersion(consumer: string, provider: string, sha: string): PactVersion | undefined {
    return this.pactVersions.get(`${consumer}\n${provider}\n${sha}`)
  }

  /** The consumer version's latest publication for the provider (a republication overrides). */
  publicationFor(consumer: string, consumerVersion: string, provider: string): PactPublication | undefined {
    return this.publications
      .filter(
        (publication) =>
          publication.consumer === consumer &&
          publication.consumerVersion === consumerVersion &&
          publication.provider === provider,
      )
      .at(-1)
  }

  recordVerification(
    pact: PactVersion,
    result: { providerVersion: string; success: boolean; wip: boolean; pending: boolean },
  ): Verification {
    this.version(pact.provider, result.providerVersion)
    const verification: Verification = {
      id: this.verifications.length + 1,
      consumer: pact.consumer,
      provider: pact.provider,
      sha: pact.sha,
      ...result,
      seq: this.tick(),
      executedAt: new Date(),
    }
    this.verifications.push(verification)
    return verification
  }

  createEnvironment(input: { name: string; displayName?: string; production?: boolean }): Environment {
    if (this.environmentNamed(input.name) !== undefined) {
      throw new BrokerError(400, `Another environment with name '${input.name}' already exists.`)
    }
    const environment: Environment = {
      uuid: randomUUID(),
      name: input.name,
      displayName: input.displayName ?? input.name,
      production: input.production ?? false,
    }
    this.environments.push(environment)
    return environment
  }

  environmentNamed(name: string): Environment | undefined {
    return this.environments.find((environment) => environment.name === name)
  }

  /**
   * Records a deployment. As in the real broker, the version deployed before to the same environment
   * and application instance is no longer currently deployed: a deployment replaces it.
   */
  recordDeployment(
    version: Version,
    environment: Environment,
    applicationInstance?: string,
  ): DeployedVersion {
    for (const deployed of this.deployedVersions) {
      if (
        deployed.pacticipant === version.pacticipant &&
        deployed.environment === environment.uuid &&
        deployed.applicationInstance === applicationInstance
      ) {
        deployed.currentlyDeployed = false
      }
    }
    const deployed: DeployedVersion = {
      uuid: randomUUID(),
      pacticipant: version.pacticipant,
      version: version.number,
      environment: environment.uuid,
      applicationInstance,
      currentlyDeployed: true,
      seq: this.tick(),
    }
    this.deployedVersions.push(deployed)
    return deployed
  }

  /** The versions of a pacticipant currently deployed, in one environment or in any. */
  currentlyDeployed(pacticipant: string, environment?: Environment): DeployedVersion[] {
    return this.deployedVersions.filter(
      (deployed) =>
        deployed.pacticipant === pacticipant &&
        deployed.currentlyDeployed &&
        (environment === undefined || deployed.environment === environment.uuid),
    )
  }
}
