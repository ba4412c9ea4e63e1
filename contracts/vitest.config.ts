import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // The pipeshub-sdk consumer contract tests run in `test:contract` (vitest.contract.config.ts).
    exclude: ['**/*.pact.test.ts', '**/node_modules/**', '**/dist/**'],
    // The drift-check tests run git and node in a throwaway repository; on a loaded 2-core machine
    // that alone can take several seconds, far past vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
