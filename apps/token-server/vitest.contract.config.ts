import { defineConfig } from 'vitest/config'

// Provider verification: the real token server (SQLite store in a temporary folder) against the
// committed pacts, plus the must-fail checks. Run after the consumer tests have regenerated the pacts.
export default defineConfig({
  test: {
    include: ['src/pact/**/*.pact.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
})
