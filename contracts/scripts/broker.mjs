#!/usr/bin/env node
// The Pact Broker commands of this repository, run with the official `pact broker` CLI (the Rust
// binary @pact-foundation/pact-cli ships from the npm registry) against PACT_BROKER_BASE_URL, with
// PACT_BROKER_TOKEN (or PACT_BROKER_USERNAME / PACT_BROKER_PASSWORD). The version defaults to
// PACT_VERSION, else GITHUB_SHA, else `git rev-parse HEAD`; the branch to PACT_BRANCH, else the CI's
// or the checked-out branch. Runs from the built package (`pnpm --filter @pipeshub/contracts build`).
//
//   node contracts/scripts/broker.mjs publish
//   node contracts/scripts/broker.mjs create-environment --name production --production
//   node contracts/scripts/broker.mjs can-i-deploy --pacticipant pipeshub-token-server --to-environment production
//   node contracts/scripts/broker.mjs record-deployment --pacticipant pipeshub-token-server --environment production
//
// Without PACT_BROKER_BASE_URL, `publish` does nothing (the committed pacts are the contract) and
// the other commands fail.
import {
  BROKER_COMMANDS,
  brokerCommandArgs,
  brokerFromEnvironment,
  isBrokerCommand,
  pactBroker,
} from '../dist/index.js'

const [command, ...args] = process.argv.slice(2)
if (!isBrokerCommand(command)) {
  console.error(`usage: broker.mjs <${BROKER_COMMANDS.join('|')}> [pact broker options]`)
  process.exit(2)
}
const broker = brokerFromEnvironment()
if (broker === undefined) {
  if (command === 'publish') {
    console.log(
      'PACT_BROKER_BASE_URL is not set: pacts are not published (the committed files are the contract)',
    )
    process.exit(0)
  }
  console.error(`PACT_BROKER_BASE_URL is not set: there is no broker to ask (${command})`)
  process.exit(2)
}
try {
  const result = await pactBroker(brokerCommandArgs(command, args, broker), process.env, 120_000)
  process.stdout.write(result.stdout)
  process.stderr.write(result.stderr)
  process.exit(result.code)
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
