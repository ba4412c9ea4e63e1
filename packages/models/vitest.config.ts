import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The codecs import the validators generated from the schemas; make sure they match the schemas.
    globalSetup: ['./vitest.global-setup.ts'],
  },
})
