import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The blocks spawn Node and the token server on a loaded machine; these only bound a hung block.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
})
