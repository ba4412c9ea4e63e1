import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { canIDeploy } from './matrix.js'
import { type PactsForVerificationRequest, pactsForVerification } from './pacts-for-verification.js'
import { BrokerError, BrokerStore, type Environment, type Verification, type Version } from './store.js'

// A Pact Broker stand-in: the subset of the broker's HAL API that the official clients use here
// (the `pact broker` CLI's publish, create-environment, record-deployment and can-i-deploy, and
// pact-core's verifier fetching pacts for verification and publishing results), in memory, on
// loopback only. No Ruby broker or container can run on this machine (docs/decisions.md); the
// semantics of what it serves follow pact_broker's source (./matrix.ts, ./pending.ts,
// ./pacts-for-verification.ts), so a test against it checks our wiring of the real clients.

export interface BrokerStandInOptions {
  /** Requests must carry `Authorization: Bearer <token>` (PACT_BROKER_TOKEN); without it, no auth. */
  readonly token?: string
}

export interface BrokerStandIn {
  /** `http://127.0.0.1:<port>`: PACT_BROKER_BASE_URL. */
  readonly url: string
  /** What the broker holds, for a test to read (never to write). */
  readonly store: BrokerStore
  /** Every request as `METHOD path`, in order. */
  readonly requests: readonly string[]
  close(): Promise<void>
}

const MAX_BODY = 16 * 1024 * 1024

interface PactMetadata {
  readonly wip?: boolean
  readonly pending?: boolean
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new BrokerError(413, 'request body too large'))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

function jsonBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text === '' ? '{}' : text)
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>
    }
  } catch {
    // answered below
  }
  throw new BrokerError(400, 'the request body must be a JSON object')
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new BrokerError(400, `${name} is required`)
  return value
}

class Routes {
  constructor(
    readonly store: BrokerStore,
    readonly base: string,
  ) {}

  href(path: string): { href: string } {
    return { href: `${this.base}${path}` }
  }

  index() {
    const templated = (path: string) => ({ ...this.href(path), templated: true })
    return {
      _links: {
        self: this.href('/'),
        'pb:publish-contracts': this.href('/contracts/publish'),
        'pb:provider-pacts-for-verification': templated('/pacts/provider/{provider}/for-verification'),
        'pb:pacticipant': templated('/pacticipants/{pacticipant}'),
        'pb:pacticipant-version': templated('/pacticipants/{pacticipant}/versions/{version}'),
        'pb:environments': this.href('/environments'),
        'pb:environment': templated('/environments/{uuid}'),
        'pb:can-i-deploy-pacticipant-version-to-environment': templated(
          '/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}',
        ),
      },
    }
  }

  versionPath(version: Version): string {
    return `/pacticipants/${encodeURIComponent(version.pacticipant)}/versions/${encodeURIComponent(version.number)}`
  }

  pactPath(consumer: string, provider: string, sha: string, metadata?: PactMetadata): string {
    const path = `/pacts/provider/${encodeURIComponent(provider)}/consumer/${encodeURIComponent(consumer)}/pact-version/${sha}`
    return metadata === undefined
      ? path
      : `${path}/metadata/${Buffer.from(JSON.stringify(metadata)).toString('base64url')}`
  }

  publish(body: Record<string, unknown>) {
    const name = text(body.pacticipantName, 'pacticipantName')
    const number = text(body.pacticipantVersionNumber, 'pacticipantVersionNumber')
    if (Array.isArray(body.tags) && body.tags.length > 0) {
      throw new BrokerError(400, 'the broker stand-in supports branches, not tags')
    }
    const contracts = body.contracts
    if (!Array.isArray(contracts) || contracts.length === 0)
      throw new BrokerError(400, 'contracts is required')
    const version = this.store.version(
      name,
      number,
      typeof body.branch === 'string' ? body.branch : undefined,
    )
    const links = contracts.map((contract: Record<string, unknown>) => {
      if (contract.specification !== 'pact') throw new BrokerError(400, 'only pact contracts are supported')
      const content = jsonBody(Buffer.from(text(contract.content, 'content'), 'base64').toString('utf8'))
      const publication = this.store.publish(version, content)
      return {
        ...this.href(this.pactPath(publication.consumer, publication.provider, publication.sha)),
        name: `Pact between ${publication.consumer} (${number}) and ${publication.provider}`,
        title: 'Pact',
      }
    })
    const versionLink = {
      ...this.href(this.versionPath(version)),
      name: number,
      title: 'Pacticipant version',
    }
    const pacticipantLink = {
      ...this.href(`/pacticipants/${encodeURIComponent(name)}`),
      name,
      title: 'Pacticipant',
    }
    const notices = [
      {
        type: 'success',
        text: `Created ${name} version ${number} with branch ${version.branches.join(', ')}`,
      },
      ...links.map((link) => ({ type: 'success', text: `${link.name} published` })),
    ]
    return {
      notices,
      logs: notices.map((notice) => ({ level: 'info', message: notice.text, deprecationWarning: '' })),
      _embedded: {
        pacticipant: { name, _links: { self: pacticipantLink } },
        version: { number, _links: { self: versionLink } },
      },
      _links: {
        'pb:pacticipant': pacticipantLink,
        'pb:pacticipant-version': versionLink,
        'pb:pacticipant-version-tags': [],
        'pb:contracts': links,
      },
    }
  }

  forVerification(provider: string, request: PactsForVerificationRequest, self: string) {
    const pacts = pactsForVerification(this.store, provider, request)
    return {
      _embedded: {
        pacts: pacts.map((verifiable) => ({
          shortDescription: verifiable.reasons.join(', '),
          verificationProperties: {
            ...(verifiable.pending === undefined ? {} : { pending: verifiable.pending }),
            ...(verifiable.wip ? { wip: true } : {}),
            notices: verifiable.notices,
          },
          _links: {
            self: {
              ...this.href(
                this.pactPath(verifiable.pact.consumer, provider, verifiable.pact.sha, {
                  pending: verifiable.pending === true,
                  wip: verifiable.wip,
                }),
              ),
              name: `Pact between ${verifiable.pact.consumer} and ${provider}`,
            },
          },
        })),
      },
      _links: { self: this.href(self) },
    }
  }

  pact(provider: string, consumer: string, sha: string, metadata: string | undefined) {
    const pact = this.store.findPactVersion(consumer, provider, sha)
    if (pact === undefined) throw new BrokerError(404, 'no such pact')
    const path = this.pactPath(consumer, provider, sha)
    const withMetadata = metadata === undefined ? path : `${path}/metadata/${metadata}`
    return {
      ...pact.content,
      _links: {
        self: this.href(withMetadata),
        'pb:publish-verification-results': {
          ...this.href(`${withMetadata}/verification-results`),
          title: 'Publish verification results',
        },
        'pb:provider': { ...this.href(`/pacticipants/${encodeURIComponent(provider)}`), name: provider },
        'pb:consumer': { ...this.href(`/pacticipants/${encodeURIComponent(consumer)}`), name: consumer },
      },
    }
  }

  verificationResult(
    provider: string,
    consumer: string,
    sha: string,
    metadata: string | undefined,
    body: Record<string, unknown>,
  ) {
    const pact = this.store.findPactVersion(consumer, provider, sha)
    if (pact === undefined) throw new BrokerError(404, 'no such pact')
    if (typeof body.success !== 'boolean') throw new BrokerError(400, 'success must be true or false')
    let flags: PactMetadata = {}
    if (metadata !== undefined) {
      try {
        flags = JSON.parse(Buffer.from(metadata, 'base64url').toString('utf8')) as PactMetadata
      } catch {
        throw new BrokerError(400, 'unreadable pact metadata')
      }
    }
    const verification = this.store.recordVerification(pact, {
      providerVersion: text(body.providerApplicationVersion, 'providerApplicationVersion'),
      success: body.success,
      wip: flags.wip === true,
      pending: flags.pending === true,
    })
    return this.verificationJson(verification)
  }

  verificationJson(verification: Verification) {
    return {
      success: verification.success,
      providerName: verification.provider,
      providerApplicationVersion: verification.providerVersion,
      verifiedAt: verification.executedAt.toISOString(),
      _links: {
        self: this.href(
          `${this.pactPath(verification.consumer, verification.provider, verification.sha)}/verification-results/${verification.id}`,
        ),
      },
    }
  }

  pacticipant(name: string) {
    const pacticipant = this.store.pacticipants.get(name)
    if (pacticipant === undefined) throw new BrokerError(404, `No pacticipant with name '${name}' found`)
    const path = `/pacticipants/${encodeURIComponent(name)}`
    return {
      name,
      mainBranch: pacticipant.mainBranch ?? null,
      _links: {
        self: this.href(path),
        'pb:branch-version': {
          ...this.href(`${path}/branches/{branch}/versions/{version}`),
          templated: true,
        },
        'pb:version': { ...this.href(`${path}/versions/{version}`), templated: true },
      },
    }
  }

  version(version: Version) {
    const path = this.versionPath(version)
    const link = (environment: Environment, kind: string) => ({
      ...this.href(`${path}/${kind}/environment/${environment.uuid}`),
      name: environment.name,
      title: `${kind === 'deployed-versions' ? 'Record deployment' : 'Record release'} to ${environment.displayName}`,
    })
    return {
      number: version.number,
      branchVersions: version.branches.map((name) => ({ name })),
      _links: {
        self: this.href(path),
        'pb:record-deployment': this.store.environments.map((environment) =>
          link(environment, 'deployed-versions'),
        ),
        'pb:record-release': this.store.environments.map((environment) =>
          link(environment, 'released-versions'),
        ),
      },
    }
  }

  environmentJson(environment: Environment) {
    return { ...environment, _links: { self: this.href(`/environments/${environment.uuid}`) } }
  }

  matrix(query: URLSearchParams) {
    const pacticipants = query.getAll('q[][pacticipant]')
    const versions = query.getAll('q[][version]')
    const environment = query.get('environment')
    const unsupported = [...query.keys()].filter(
      (key) => !['q[][pacticipant]', 'q[][version]', 'environment', 'latestby'].includes(key),
    )
    if (
      pacticipants.length !== 1 ||
      versions.length !== 1 ||
      environment === null ||
      unsupported.length > 0
    ) {
      throw new BrokerError(
        400,
        'the broker stand-in answers can-i-deploy --pacticipant NAME --version VERSION --to-environment ENV only',
      )
    }
    const status = canIDeploy(this.store, {
      pacticipant: pacticipants[0] as string,
      version: versions[0] as string,
      environment,
    })
    const failed = status.rows.filter((row) => row.verification?.success === false).length
    const success = status.rows.filter((row) => row.verification?.success === true).length
    return {
      summary: {
        deployable: status.deployable,
        reason: status.reasons.join('\n'),
        success,
        failed,
        unknown: status.rows.length - success - failed,
      },
      notices: status.reasons.map((reason) => ({
        type: status.deployable === true ? 'success' : 'error',
        text: reason,
      })),
      matrix: status.rows.map((row) => ({
        consumer: { name: row.consumer, version: { number: row.consumerVersion } },
        provider: {
          name: row.provider,
          version: row.providerVersion === undefined ? null : { number: row.providerVersion },
        },
        pact: {
          createdAt: row.pact.createdAt.toISOString(),
          _links: { self: this.href(this.pactPath(row.consumer, row.provider, row.pact.sha)) },
        },
        verificationResult: row.verification === undefined ? null : this.verificationJson(row.verification),
      })),
    }
  }
}

type Answer = { status: number; body: unknown }

function route(routes: Routes, method: string, url: URL, body: string): Answer {
  const store = routes.store
  const segments = url.pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment))
  const ok = (answer: unknown, status = 200): Answer => ({ status, body: answer })
  const [first, ...rest] = segments

  if (method === 'GET' && segments.length === 0) return ok(routes.index())
  if (method === 'POST' && url.pathname === '/contracts/publish') return ok(routes.publish(jsonBody(body)))
  if (method === 'GET' && url.pathname === '/matrix') return ok(routes.matrix(url.searchParams))

  if (first === 'pacts' && rest[0] === 'provider' && rest[1] !== undefined) {
    const provider = rest[1]
    if (rest[2] === 'for-verification' && rest.length === 3) {
      if (method === 'GET') return ok({ _links: { self: routes.href(url.pathname) } })
      if (method === 'POST') return ok(routes.forVerification(provider, jsonBody(body), url.pathname))
    }
    if (
      rest[2] === 'consumer' &&
      rest[3] !== undefined &&
      rest[4] === 'pact-version' &&
      rest[5] !== undefined
    ) {
      const [consumer, sha] = [rest[3], rest[5]]
      const hasMetadata = rest[6] === 'metadata' && rest[7] !== undefined
      const metadata = hasMetadata ? rest[7] : undefined
      const tail = rest.slice(hasMetadata ? 8 : 6)
      if (method === 'GET' && tail.length === 0) return ok(routes.pact(provider, consumer, sha, metadata))
      if (method === 'POST' && tail.length === 1 && tail[0] === 'verification-results') {
        return ok(routes.verificationResult(provider, consumer, sha, metadata, jsonBody(body)), 201)
      }
    }
  }

  if (first === 'pacticipants' && rest[0] !== undefined) {
    const name = rest[0]
    if (method === 'GET' && rest.length === 1) return ok(routes.pacticipant(name))
    if (method === 'PUT' && rest.length === 5 && rest[1] === 'branches' && rest[3] === 'versions') {
      return ok(routes.version(store.version(name, rest[4] as string, rest[2])))
    }
    if (rest[1] === 'versions' && rest[2] !== undefined) {
      const version = store.findVersion(name, rest[2])
      if (version === undefined) throw new BrokerError(404, `No version ${rest[2]} of ${name} found`)
      if (method === 'GET' && rest.length === 3) return ok(routes.version(version))
      if (
        method === 'POST' &&
        rest.length === 6 &&
        rest[3] === 'deployed-versions' &&
        rest[4] === 'environment'
      ) {
        const environment = store.environments.find((candidate) => candidate.uuid === rest[5])
        if (environment === undefined) throw new BrokerError(404, 'no such environment')
        const request = jsonBody(body)
        const instance =
          typeof request.applicationInstance === 'string' ? request.applicationInstance : undefined
        const deployed = store.recordDeployment(version, environment, instance)
        return ok({ ...deployed, environment: routes.environmentJson(environment) }, 201)
      }
    }
  }

  if (first === 'environments') {
    if (rest.length === 0 && method === 'GET') {
      const name = url.searchParams.get('name')
      const environments = store.environments.filter(
        (environment) => name === null || environment.name === name,
      )
      return ok({
        _embedded: { environments: environments.map((environment) => routes.environmentJson(environment)) },
        _links: { self: routes.href('/environments') },
      })
    }
    if (rest.length === 0 && method === 'POST') {
      const request = jsonBody(body)
      const environment = store.createEnvironment({
        name: text(request.name, 'name'),
        ...(typeof request.displayName === 'string' ? { displayName: request.displayName } : {}),
        production: request.production === true,
      })
      return ok(routes.environmentJson(environment), 201)
    }
    if (rest.length === 1 && method === 'GET') {
      const environment = store.environments.find((candidate) => candidate.uuid === rest[0])
      if (environment === undefined) throw new BrokerError(404, 'no such environment')
      return ok(routes.environmentJson(environment))
    }
  }
  throw new BrokerError(404, `the broker stand-in has no ${method} ${url.pathname}`)
}

function authorized(request: IncomingMessage, options: BrokerStandInOptions): boolean {
  return options.token === undefined || request.headers.authorization === `Bearer ${options.token}`
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  })
}

/** Starts the stand-in on `127.0.0.1` on a free port, with an empty store. */
export async function startBrokerStandIn(options: BrokerStandInOptions = {}): Promise<BrokerStandIn> {
  const store = new BrokerStore()
  const requests: string[] = []
  let routes: Routes | undefined
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET'
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    requests.push(`${method} ${url.pathname}`)
    let answer: Answer
    try {
      if (!authorized(request, options)) throw new BrokerError(401, 'Authentication required')
      answer = route(routes as Routes, method, url, await readBody(request))
    } catch (error) {
      const status = error instanceof BrokerError ? error.status : 500
      const message = error instanceof Error ? error.message : String(error)
      answer = { status, body: { errors: { base: [message] } } }
    }
    response.writeHead(answer.status, { 'content-type': 'application/hal+json;charset=utf-8' })
    response.end(JSON.stringify(answer.body))
  })
  const url = await listen(server)
  routes = new Routes(store, url)
  return {
    url,
    store,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
