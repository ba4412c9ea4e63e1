import { defineConfig } from 'vitest/config'

// The pipeshub-sdk consumer: PipesHub's generated SDK (src/pipeshub-sdk/sdk.ts) against Pact's mock
// provider, writing pacts/pipeshub-sdk-pipeshub-token-server.json. Runs before the drift check.
export default defineConfig({
  test: {
    include: ['src/pipeshub-sdk/**/*.pact.test.ts'],
    globalSetup: ['./src/pipeshub-sdk/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
  },
})
