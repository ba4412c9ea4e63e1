import { readdirSync, readFileSync } from 'node:fs'
import type { BrokerSettings } from './broker.js'
import { PACTS_DIR } from './parties.js'

/** What one publication sent to the broker. */
export interface Publication {
  readonly consumer: string
  readonly version: string
  readonly branch: string
  readonly files: readonly string[]
}

/**
 * Publishes every pact in `pactsDir` to the broker (Pact Broker "publish contracts" API,
 * `POST /contracts/publish`), one publication per consumer, with the git SHA as the consumer version
 * and the branch. Throws on any answer other than 2xx.
 */
export async function publishPacts(
  broker: BrokerSettings,
  pactsDir: string = PACTS_DIR,
): Promise<Publication[]> {
  const byConsumer = new Map<string, Array<{ file: string; contract: Record<string, string> }>>()
  for (const file of readdirSync(pactsDir).filter((name) => name.endsWith('.json'))) {
    const text = readFileSync(`${pactsDir}${file}`, 'utf8')
    const pact = JSON.parse(text) as { consumer: { name: string }; provider: { name: string } }
    const contracts = byConsumer.get(pact.consumer.name) ?? []
    contracts.push({
      file,
      contract: {
        consumerName: pact.consumer.name,
        providerName: pact.provider.name,
        specification: 'pact',
        contentType: 'application/json',
        content: Buffer.from(text).toString('base64'),
      },
    })
    byConsumer.set(pact.consumer.name, contracts)
  }
  const publications: Publication[] = []
  for (const [consumer, contracts] of byConsumer) {
    const body: Record<string, unknown> = {
      pacticipantName: consumer,
      pacticipantVersionNumber: broker.version,
      branch: broker.branch,
      contracts: contracts.map((entry) => entry.contract),
    }
    if (broker.buildUrl !== undefined) body.buildUrl = broker.buildUrl
    const response = await fetch(`${broker.baseUrl}/contracts/publish`, {
      method: 'POST',
      headers: { ...broker.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await response.text()
    if (!response.ok) {
      throw new Error(
        `publishing the pacts of ${consumer} to ${broker.baseUrl} failed: ${response.status} ${text}`,
      )
    }
    publications.push({
      consumer,
      version: broker.version,
      branch: broker.branch,
      files: contracts.map((entry) => entry.file),
    })
  }
  return publications
}
