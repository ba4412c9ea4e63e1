export { createTokenServer, type TokenServer, type TokenServerOptions, testConfig } from './app.js'
export {
  ConfigError,
  DEFAULT_CONFIG,
  issuerFor,
  loadConfig,
  type TokenServerConfig,
  TokenServerConfigSchema,
} from './config.js'
export { createPkcePair, type DemoCredentials, seedDemo } from './seed.js'
export { openConfiguredStore } from './store.js'
