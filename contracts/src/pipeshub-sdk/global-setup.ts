import { consumerRunSetup } from '../consumer-global-setup.js'
import { SDK_PACT_FILE } from '../parties.js'

/** Starts the pipeshub-sdk consumer run from no pact, then normalizes the one it wrote. */
export default consumerRunSetup(SDK_PACT_FILE)
