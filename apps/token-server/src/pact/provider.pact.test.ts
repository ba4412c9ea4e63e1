import { existsSync, readFileSync } from 'node:fs'
import {
  brokerFromEnvironment,
  CONSUMER,
  consumerVersionOf,
  EXAMPLE,
  goldenProblems,
  PACT_FILES,
  PROVIDER,
  publicJwk,
  ROUTES,
  SDK_CONSUMER,
} from '@pipeshub/contracts'
import { calculateJwkThumbprint, decodeJwt, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningProvider, startProvider } from './provider-harness.js'
import { brokerVerifierOptions, verifyPacts } from './verify-pacts.js'

let provider: RunningProvider

beforeAll(async () => {
  // Recorded: every answer the verifier gets is also checked against the RFCs' golden fixtures.
  provider = await startProvider()
})
afterAll(async () => {
  await provider?.close()
})

describe(`${PROVIDER} honours the pacts of ${CONSUMER} and ${SDK_CONSUMER}`, () => {
  it('has a committed pact per consumer, each recording its consumer version', async () => {
    for (const file of PACT_FILES) {
      expect(existsSync(file), `${file} is missing: run the consumer contract tests first`).toBe(true)
      expect(await consumerVersionOf(file)).toMatch(/^\d+\.\d+\.\d+/)
    }
  })

  it('answers every interaction of both pacts as they say, with every provider state set up', async () => {
    const descriptions = PACT_FILES.flatMap(
      (file) =>
        (JSON.parse(readFileSync(file, 'utf8')) as { interactions: Array<{ description: string }> })
          .interactions,
    ).map((interaction) => interaction.description)
    // Both consumers in one verification run, against one running provider.
    const outcome = await verifyPacts(provider, [...PACT_FILES])
    expect(provider.stateFailures).toEqual([])
    expect(outcome.failures, outcome.report).toEqual([])
    expect(outcome.passed).toBe(true)
    expect(outcome.interactions.map((result) => [result.description, result.passed]).sort()).toEqual(
      descriptions.map((description) => [description, true]).sort(),
    )
    // The pacts and the server can move together (a member renamed in the models moves both); the
    // RFCs do not. Every exchange of the verification must satisfy the golden fixtures.
    expect(provider.responses).toHaveLength(descriptions.length)
    expect(
      provider.responses.flatMap((exchange) => goldenProblems(exchange)),
      'the answers of the real server that break the RFCs (contracts/golden/)',
    ).toEqual([])
    // RFC 8707 §2.2: the pact cannot see inside the opaque access token; the provider proves here that
    // each token it issued for a request naming resources has them, and only them, as its audience.
    const forResources = provider.responses.filter(
      (exchange) =>
        exchange.path === ROUTES.token &&
        exchange.status === 200 &&
        new URLSearchParams(exchange.requestBody).has('resource'),
    )
    expect(forResources.length, 'token requests with resource in the pacts').toBeGreaterThanOrEqual(2)
    for (const exchange of forResources) {
      const resources = new URLSearchParams(exchange.requestBody).getAll('resource')
      const { access_token } = JSON.parse(exchange.body) as { access_token: string }
      expect(decodeJwt(access_token).aud).toEqual(resources.length === 1 ? resources[0] : resources)
    }

    // RFC 9449 §6.1: the pact sees `token_type: DPoP`; the provider proves here that the token it
    // issued for the proof (re-signed by the request filter with the same key) is bound to that key.
    const withProof = provider.responses.filter(
      (exchange) =>
        exchange.path === ROUTES.token &&
        exchange.status === 200 &&
        exchange.body.includes('"token_type":"DPoP"'),
    )
    expect(withProof.length, 'DPoP-bound tokens issued in the pacts').toBeGreaterThanOrEqual(1)
    const thumbprint = await calculateJwkThumbprint(publicJwk(EXAMPLE.dpopKey) as JWK, 'sha256')
    for (const exchange of withProof) {
      const { access_token } = JSON.parse(exchange.body) as { access_token: string }
      expect(decodeJwt(access_token).cnf).toEqual({ jkt: thumbprint })
    }

    // Opt-in (PACT_BROKER_BASE_URL): also verify what the broker holds for this branch and publish the
    // results there. The committed pacts above stay the gate either way.
    const broker = brokerFromEnvironment()
    if (broker !== undefined) {
      const fromBroker = await verifyPacts(provider, [], brokerVerifierOptions(broker))
      expect(fromBroker.failures, fromBroker.report).toEqual([])
      expect(fromBroker.passed).toBe(true)
    }
  })
})
