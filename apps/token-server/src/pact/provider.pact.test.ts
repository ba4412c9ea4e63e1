import { existsSync, readFileSync } from 'node:fs'
import {
  brokerFromEnvironment,
  CONSUMER,
  consumerVersionOf,
  goldenProblems,
  PACT_FILE,
  PROVIDER,
} from '@pipeshub/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningProvider, startProvider } from './provider-harness.js'
import { brokerVerifierOptions, verifyPacts } from './verify-pacts.js'

let provider: RunningProvider

beforeAll(async () => {
  // Recorded: every answer the verifier gets is also checked against the RFCs' golden fixtures.
  provider = await startProvider({ record: true })
})
afterAll(async () => {
  await provider?.close()
})

describe(`${PROVIDER} honours the pact of ${CONSUMER}`, () => {
  it('has a committed pact that records the consumer version', async () => {
    expect(existsSync(PACT_FILE), `${PACT_FILE} is missing: run the consumer contract tests first`).toBe(true)
    expect(await consumerVersionOf(PACT_FILE)).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('answers every interaction of the pact as it says, with every provider state set up', async () => {
    const pact = JSON.parse(readFileSync(PACT_FILE, 'utf8')) as {
      interactions: Array<{ description: string }>
    }
    const outcome = await verifyPacts(provider, [PACT_FILE])
    expect(provider.stateFailures).toEqual([])
    expect(outcome.failures, outcome.report).toEqual([])
    expect(outcome.passed).toBe(true)
    expect(outcome.interactions.map((result) => [result.description, result.passed])).toEqual(
      pact.interactions.map((interaction) => [interaction.description, true]),
    )
    // The pact and the server can move together (a member renamed in the models moves both); the
    // RFCs do not. Every exchange of the verification must satisfy the golden fixtures.
    expect(provider.responses).toHaveLength(pact.interactions.length)
    expect(
      provider.responses.flatMap((exchange) => goldenProblems(exchange)),
      'the answers of the real server that break the RFCs (contracts/golden/)',
    ).toEqual([])

    // Opt-in (PACT_BROKER_BASE_URL): also verify what the broker holds for this branch and publish the
    // results there. The committed pact above stays the gate either way.
    const broker = brokerFromEnvironment()
    if (broker !== undefined) {
      const fromBroker = await verifyPacts(provider, [], brokerVerifierOptions(broker))
      expect(fromBroker.failures, fromBroker.report).toEqual([])
      expect(fromBroker.passed).toBe(true)
    }
  })
})
