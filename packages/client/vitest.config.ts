import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The Pact consumer tests run on their own (`test:contract`, vitest.contract.config.ts).
    exclude: [...configDefaults.exclude, 'src/pact/**'],
    // The interop suites start real servers (node-oidc-provider, loopback peers); on a loaded 2-core
    // machine a step can pass 5 s. No assertion is about time: these only bound a hung test.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
