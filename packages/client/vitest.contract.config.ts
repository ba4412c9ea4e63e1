import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Consumer contract tests: drive the real client against Pact's mock provider and write
// contracts/pacts/pipeshub-client-pipeshub-token-server.json. Files run one after the other because
// they all merge interactions into that one pact file.
export default defineConfig({
  test: {
    include: ['src/pact/**/*.pact.test.ts'],
    globalSetup: [fileURLToPath(import.meta.resolve('@pipeshub/contracts/consumer-global-setup'))],
    fileParallelism: false,
    testTimeout: 30_000,
  },
})
