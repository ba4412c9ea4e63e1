import { createMemoryStore, type Store } from '@pipeshub/server'
import { afterEach, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from './app.js'
import { createMetricsListener } from './metrics.js'
import { parsePrometheusText, sampleValue } from './test-support/prometheus-text.js'

const FORM = 'application/x-www-form-urlencoded'
const servers: TokenServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

async function start(store: Store = createMemoryStore(), overrides = {}) {
  const server = await createTokenServer({
    config: testConfig(overrides),
    store,
    issuer: 'https://auth.pipeshub.test',
  })
  servers.push(server)
  const { client, clientSecret } = await server.authorizationServer.registerClient({
    name: 'metrics job',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read'],
  })
  const basic = `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`
  return { server, clientId: client.clientId, basic }
}

async function scrape(server: TokenServer) {
  const response = await server.app.inject({ method: 'GET', url: '/metrics' })
  expect(response.statusCode).toBe(200)
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
  return parsePrometheusText(response.body)
}

describe('GET /metrics (Prometheus text format)', () => {
  it('counts requests by route and status, tokens by grant and client, OAuth errors by code', async () => {
    const { server, clientId, basic } = await start()
    for (let i = 0; i < 2; i++) {
      const ok = await server.app.inject({
        method: 'POST',
        url: server.paths.token,
        headers: { 'content-type': FORM, authorization: basic },
        payload: 'grant_type=client_credentials&scope=kb:read',
      })
      expect(ok.statusCode).toBe(200)
    }
    const refused = await server.app.inject({
      method: 'POST',
      url: server.paths.token,
      headers: { 'content-type': FORM, authorization: basic },
      payload: 'grant_type=client_credentials&scope=user:delete',
    })
    expect(refused.json()).toMatchObject({ error: 'invalid_scope' })
    await server.app.inject({ method: 'GET', url: '/no/such/page' })

    const { samples, types } = await scrape(server)
    const token = server.paths.token
    expect(sampleValue(samples, 'pipeshub_http_requests_total', { route: token, status: '200' })).toBe(2)
    expect(sampleValue(samples, 'pipeshub_http_requests_total', { route: token, status: '400' })).toBe(1)
    // 404s share one label value: paths a scanner makes up do not become series.
    expect(sampleValue(samples, 'pipeshub_http_requests_total', { route: 'unmatched', status: '404' })).toBe(
      1,
    )
    expect(
      sampleValue(samples, 'pipeshub_tokens_issued_total', {
        grant_type: 'client_credentials',
        client_id: clientId,
      }),
    ).toBe(2)
    expect(
      sampleValue(samples, 'pipeshub_oauth_errors_total', { route: token, error: 'invalid_scope' }),
    ).toBe(1)
    expect(types.get('pipeshub_http_request_duration_seconds')).toBe('histogram')
    expect(
      sampleValue(samples, 'pipeshub_http_request_duration_seconds_count', { route: token, method: 'POST' }),
    ).toBe(3)
    expect(
      sampleValue(samples, 'pipeshub_http_request_duration_seconds_bucket', {
        route: token,
        method: 'POST',
        le: '+Inf',
      }),
    ).toBe(3)
    // Store calls are timed by operation; the key signing now has an age.
    expect(
      sampleValue(samples, 'pipeshub_store_operation_duration_seconds_count', { operation: 'clients.get' }),
    ).toBeGreaterThanOrEqual(3)
    expect(sampleValue(samples, 'pipeshub_signing_key_age_seconds', { alg: 'ES256' })).toBeGreaterThanOrEqual(
      0,
    )
    // Process metrics of prom-client's defaults.
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter')
  })

  it('counts store failures by operation, and rate-limit rejections by limit', async () => {
    const store = createMemoryStore()
    const { server, basic } = await start(store, { rateLimitToken: 1 })
    const token = () =>
      server.app.inject({
        method: 'POST',
        url: server.paths.token,
        headers: { 'content-type': FORM, authorization: basic },
        payload: 'grant_type=client_credentials',
      })
    expect((await token()).statusCode).toBe(200)
    expect((await token()).statusCode).toBe(429)
    const { clients } = store
    const get = clients.get
    clients.get = async () => {
      throw new Error('database unreachable')
    }
    const failed = await server.app.inject({
      method: 'POST',
      url: server.paths.revocation,
      headers: { 'content-type': FORM, authorization: basic },
      payload: 'token=anything',
    })
    clients.get = get
    expect(failed.statusCode).toBe(503)
    const { samples } = await scrape(server)
    expect(sampleValue(samples, 'pipeshub_rate_limit_rejections_total', { limit: 'token' })).toBe(1)
    expect(
      sampleValue(samples, 'pipeshub_store_operation_failures_total', { operation: 'clients.get' }),
    ).toBe(1)
    expect(
      sampleValue(samples, 'pipeshub_oauth_errors_total', {
        route: server.paths.revocation,
        error: 'temporarily_unavailable',
      }),
    ).toBe(1)
  })

  it('serves /metrics alone on its own listener when asked to, and not on the public app', async () => {
    const server = await createTokenServer({
      config: testConfig(),
      store: createMemoryStore(),
      issuer: 'https://auth.pipeshub.test',
      metricsRoute: false,
    })
    servers.push(server)
    expect((await server.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404)
    const listener = await createMetricsListener(server.metrics)
    try {
      const url = await listener.listen({ host: '127.0.0.1', port: 0 })
      const response = await fetch(`${url}/metrics`)
      expect(response.status).toBe(200)
      const { types } = parsePrometheusText(await response.text())
      expect(types.get('pipeshub_http_requests_total')).toBe('counter')
    } finally {
      await listener.close()
    }
  })
})
