import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Bounds a hung probe only; no assertion is about time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
