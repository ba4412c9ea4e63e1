import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The Pact provider verification has its own config and script (`test:contract`).
    exclude: ['src/pact/**', 'node_modules/**', 'dist/**'],
    // Spawned processes (CLI, server) and scrypt hashing are slow on a loaded CI machine; no assertion is
    // about time, these only bound a hung test.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
