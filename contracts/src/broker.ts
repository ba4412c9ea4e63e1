import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** How to reach a Pact Broker, and what to report to it. Only used when `PACT_BROKER_BASE_URL` is set. */
export interface BrokerSettings {
  readonly baseUrl: string
  /** The pacticipant version: the git commit SHA. */
  readonly version: string
  readonly branch: string
  /** `authorization` (from PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME/PASSWORD) and `accept`. */
  readonly headers: Readonly<Record<string, string>>
  readonly token?: string | undefined
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly buildUrl?: string | undefined
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim()
}

/**
 * The broker settings from the environment, or `undefined` when `PACT_BROKER_BASE_URL` is unset (the
 * default: the committed pacts are the contract). Version: `PACT_VERSION`, `GITHUB_SHA` or `git
 * rev-parse HEAD`; branch: `PACT_BRANCH`, `GITHUB_HEAD_REF`, `GITHUB_REF_NAME` or the checked-out branch.
 */
export function brokerFromEnvironment(env: NodeJS.ProcessEnv = process.env): BrokerSettings | undefined {
  const baseUrl = env.PACT_BROKER_BASE_URL
  if (baseUrl === undefined || baseUrl === '') return undefined
  const version = env.PACT_VERSION || env.GITHUB_SHA || git('rev-parse', 'HEAD')
  const branch =
    env.PACT_BRANCH || env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || git('rev-parse', '--abbrev-ref', 'HEAD')
  const headers: Record<string, string> = { accept: 'application/hal+json, application/json' }
  if (env.PACT_BROKER_TOKEN) headers.authorization = `Bearer ${env.PACT_BROKER_TOKEN}`
  else if (env.PACT_BROKER_USERNAME) {
    headers.authorization = `Basic ${btoa(`${env.PACT_BROKER_USERNAME}:${env.PACT_BROKER_PASSWORD ?? ''}`)}`
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    version,
    branch,
    headers,
    token: env.PACT_BROKER_TOKEN || undefined,
    username: env.PACT_BROKER_USERNAME || undefined,
    password: env.PACT_BROKER_PASSWORD || undefined,
    buildUrl: env.PACT_BUILD_URL || undefined,
  }
}
