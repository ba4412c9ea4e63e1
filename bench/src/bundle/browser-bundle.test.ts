import { describe, expect, it } from 'vitest'
import { buildBrowserBundle, measureBrowserBundle, packageOf } from './browser-bundle.js'

describe('packageOf', () => {
  it('names the package of a module, scoped or not, in the store or the workspace', () => {
    expect(packageOf('/r/node_modules/.pnpm/jose@6.2.18/node_modules/jose/dist/webapi/index.js')).toBe('jose')
    expect(packageOf('/r/node_modules/@scope/pkg/index.js')).toBe('@scope/pkg')
    expect(packageOf('/r/packages/models/dist/codecs/index.js')).toBe('@pipeshub/models')
    expect(packageOf('/r/bench/src/bundle/code-flow-page.ts')).toBe('the page')
  })
})

describe('measureBrowserBundle', () => {
  it('builds the code flow page with Vite, and no schema library is in it', {
    timeout: 120_000,
  }, async () => {
    const bundle = await measureBrowserBundle()
    expect(bundle.status, bundle.reason).toBe('ok')
    expect(bundle.gzipBytes).toBeGreaterThan(1000)
    expect(bundle.gzipBytes).toBeLessThan(bundle.bytes ?? 0)
    const names = bundle.packages?.map((item) => item.name) ?? []
    expect(names).toContain('@pipeshub/client')
    expect(names).toContain('@pipeshub/models')
    expect(names).not.toContain('typebox')
    expect(names).not.toContain('zod')
  })
})

describe('buildBrowserBundle', () => {
  it('leaves out what the code flow page never calls: signing, DPoP, PAR, device flow, logout, userinfo', {
    timeout: 120_000,
  }, async () => {
    const { modules } = await buildBrowserBundle()
    const ids = [...modules.keys()].map((id) => id.replaceAll('\\', '/'))
    expect(ids.some((id) => id.endsWith('/client/dist/code-flow-client.js'))).toBe(true)
    for (const unused of [
      '/client/dist/oauth-client.js',
      '/client/dist/client-assertion.js',
      '/client/dist/dpop.js',
      '/client/dist/device-polling.js',
      '/client/dist/end-session.js',
      '/jose/dist/webapi/lib/jws_sign.js',
      '/models/dist/codecs/device-authorization.js',
      '/models/dist/codecs/pushed-authorization-response.js',
      '/models/dist/codecs/userinfo-response.js',
      '/models/dist/codecs/introspection-response.js',
    ]) {
      expect(ids.filter((id) => id.endsWith(unused))).toEqual([])
    }
  })
})
