import type { BrokerSettings } from '../broker.js'
import { PACTS_DIR } from '../parties.js'

// The arguments of the official `pact broker` commands this repository runs, with the version and
// branch filled in from the environment (`brokerFromEnvironment`: PACT_VERSION or the git SHA,
// PACT_BRANCH or the checked-out branch) unless given. The CLI reads the broker's URL and
// credentials from PACT_BROKER_* itself.

/** The commands `scripts/broker.mjs` runs. */
export const BROKER_COMMANDS = ['publish', 'can-i-deploy', 'record-deployment', 'create-environment'] as const
export type BrokerCommand = (typeof BROKER_COMMANDS)[number]

export function isBrokerCommand(name: string | undefined): name is BrokerCommand {
  return (BROKER_COMMANDS as readonly string[]).includes(name ?? '')
}

function has(args: readonly string[], ...names: string[]): boolean {
  return args.some((arg) => names.includes(arg) || names.some((name) => arg.startsWith(`${name}=`)))
}

/**
 * `pact broker <command>` arguments:
 * - `publish [dir]`: the committed pacts (`contracts/pacts/`), `--consumer-app-version` the version,
 *   `--branch` the branch, `--build-url` PACT_BUILD_URL;
 * - `can-i-deploy --pacticipant NAME --to-environment ENV`: `--version` the version (`--pacticipant`
 *   is required: which application is being deployed is the caller's to say);
 * - `record-deployment --pacticipant NAME --environment ENV`: `--version` the version;
 * - `create-environment --name ENV [--production]`: as given.
 */
export function brokerCommandArgs(
  command: BrokerCommand,
  args: readonly string[],
  settings: BrokerSettings,
): string[] {
  const out = [command, ...args]
  switch (command) {
    case 'publish':
      if (args.length === 0 || args[0]?.startsWith('-') === true) out.splice(1, 0, PACTS_DIR)
      if (!has(args, '--consumer-app-version', '-a')) out.push('--consumer-app-version', settings.version)
      if (!has(args, '--branch')) out.push('--branch', settings.branch)
      if (settings.buildUrl !== undefined && !has(args, '--build-url'))
        out.push('--build-url', settings.buildUrl)
      return out
    case 'can-i-deploy':
    case 'record-deployment':
      if (!has(args, '--pacticipant', '-a')) {
        throw new Error(
          `pact broker ${command} needs --pacticipant (pipeshub-token-server, pipeshub-client ...)`,
        )
      }
      if (!has(args, '--version', '-e', '--latest', '-l', '--branch', '--main-branch')) {
        // can-i-deploy reads a selector's options from the arguments right after its --pacticipant.
        const at = out.findIndex((arg) => arg === '--pacticipant' || arg === '-a')
        out.splice(at + 2, 0, '--version', settings.version)
      }
      return out
    case 'create-environment':
      return out
  }
}
