import { describe, expect, it } from 'vitest'
import { testConfig } from './app.js'
import { loadConfig } from './config.js'
import { connectionsPerAddress } from './connection-limit.js'

describe('connections per client address', () => {
  it('are capped at 128 for a server clients reach directly, and not behind a trusted proxy', () => {
    expect(connectionsPerAddress(testConfig())).toBe(128)
    // Behind a proxy every socket comes from the proxy's address: a cap would lock everyone out.
    expect(connectionsPerAddress(testConfig({ trustProxy: true }))).toBe(0)
    expect(connectionsPerAddress(testConfig({ trustProxy: '10.0.0.0/8' }))).toBe(0)
  })

  it('follow PIPESHUB_MAX_CONNECTIONS_PER_ADDRESS when it is set, 0 turning the cap off', () => {
    expect(connectionsPerAddress(loadConfig({ env: { PIPESHUB_MAX_CONNECTIONS_PER_ADDRESS: '16' } }))).toBe(
      16,
    )
    expect(
      connectionsPerAddress(
        loadConfig({ env: { PIPESHUB_MAX_CONNECTIONS_PER_ADDRESS: '0', PIPESHUB_TRUST_PROXY: 'false' } }),
      ),
    ).toBe(0)
    expect(
      connectionsPerAddress(
        loadConfig({ env: { PIPESHUB_MAX_CONNECTIONS_PER_ADDRESS: '64', PIPESHUB_TRUST_PROXY: '1' } }),
      ),
    ).toBe(64)
    expect(() => loadConfig({ env: { PIPESHUB_MAX_CONNECTIONS_PER_ADDRESS: '-1' } })).toThrow(
      /PIPESHUB_MAX_CONNECTIONS_PER_ADDRESS/,
    )
  })
})
