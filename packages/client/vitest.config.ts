import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The Pact consumer tests run on their own (`test:contract`, vitest.contract.config.ts).
    exclude: [...configDefaults.exclude, 'src/pact/**'],
  },
})
