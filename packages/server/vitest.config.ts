import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // scrypt on a 2-core CI machine takes hundreds of milliseconds per hash.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
