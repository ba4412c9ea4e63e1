#!/usr/bin/env node
// Opt-in: publishes contracts/pacts/*.json to a Pact Broker when PACT_BROKER_BASE_URL is set, with the
// git SHA as the consumer version and the branch. Without it, does nothing: the committed pacts are the
// contract. Runs from the built package (the test:contract chain builds it first).
//
//   PACT_BROKER_BASE_URL=https://broker.example PACT_BROKER_TOKEN=... node contracts/scripts/publish-pacts.mjs
import { brokerFromEnvironment, publishPacts } from '../dist/index.js'

const broker = brokerFromEnvironment()
if (broker === undefined) {
  console.log(
    'PACT_BROKER_BASE_URL is not set: pacts are not published (the committed files are the contract)',
  )
} else {
  try {
    for (const publication of await publishPacts(broker)) {
      console.log(
        `published ${publication.files.join(', ')} as ${publication.consumer} ${publication.version} (branch ${publication.branch})`,
      )
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
