import { describe, expect, it } from 'vitest'
import { HttpError, NetworkError, OAuthClientError, OAuthError, TimeoutError } from './errors.js'
import { OAuthClient, type OAuthClientOptions } from './oauth-client.js'
import { cannedFetch, hang, json, networkFailure, type Reply, text } from './test-support/canned-fetch.js'

const metadata = {
  issuer: 'https://as.example',
  tokenEndpoint: 'https://as.example/token',
  revocationEndpoint: 'https://as.example/revoke',
}
const tokens = json(200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 })
const fastRetry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }

function clientWith(replies: Reply[], options: Partial<OAuthClientOptions> = {}) {
  const canned = cannedFetch(...replies)
  const client = new OAuthClient({
    metadata,
    clientId: 'c',
    clientSecret: 's',
    fetch: canned.fetch,
    retry: fastRetry,
    ...options,
  })
  return { client, requests: canned.requests }
}

describe('retries', () => {
  it('retries a 503 and a 429, then returns the success', async () => {
    const { client, requests } = clientWith([
      text(503, 'busy'),
      json(429, {}, { 'retry-after': '0' }),
      tokens,
    ])
    await expect(client.clientCredentials()).resolves.toMatchObject({ accessToken: 'at' })
    expect(requests).toHaveLength(3)
  })

  it('re-sends the identical form body on every attempt', async () => {
    const { client, requests } = clientWith([text(500, ''), tokens])
    await client.clientCredentials({ scope: 'a b' })
    expect(requests[1]?.body).toBe(requests[0]?.body)
    expect(requests[1]?.body).toBe('grant_type=client_credentials&scope=a+b')
  })

  it('retries a network failure, and reports NetworkError with the cause once attempts run out', async () => {
    const cause = new TypeError('connect ECONNREFUSED')
    const { client, requests } = clientWith([() => Promise.reject(cause)])
    const error = await client.clientCredentials().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toBeInstanceOf(OAuthClientError)
    expect((error as NetworkError).cause).toBe(cause)
    expect(requests).toHaveLength(3)
  })

  it('recovers from one network failure', async () => {
    const { client, requests } = clientWith([networkFailure(), tokens])
    await expect(client.clientCredentials()).resolves.toMatchObject({ accessToken: 'at' })
    expect(requests).toHaveLength(2)
  })

  it('never retries a 4xx OAuth error', async () => {
    const { client, requests } = clientWith([json(400, { error: 'invalid_scope' }), tokens])
    await expect(client.clientCredentials()).rejects.toBeInstanceOf(OAuthError)
    expect(requests).toHaveLength(1)
  })

  it('reports the last 5xx as an OAuthError (with its status) after the last attempt', async () => {
    const { client, requests } = clientWith([json(503, { error: 'temporarily_unavailable' })])
    const error = (await client.clientCredentials().catch((e: unknown) => e)) as OAuthError
    expect(error).toBeInstanceOf(OAuthError)
    expect(error.error).toBe('temporarily_unavailable')
    expect(error.status).toBe(503)
    expect(requests).toHaveLength(3)
  })

  it('does not wait for a Retry-After longer than maxRetryAfterMs: fails at once', async () => {
    const { client, requests } = clientWith([text(503, 'maintenance', { 'retry-after': '3600' }), tokens])
    const error = await client.clientCredentials().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(503)
    expect((error as HttpError).body).toBe('maintenance')
    expect(requests).toHaveLength(1)
  })

  it('makes one attempt with retry: false', async () => {
    const { client, requests } = clientWith([text(502, 'bad gateway')], { retry: false })
    await expect(client.clientCredentials()).rejects.toBeInstanceOf(HttpError)
    expect(requests).toHaveLength(1)
  })

  it('never re-sends an authorization code, on a 5xx or a network failure', async () => {
    for (const failure of [text(503, ''), networkFailure()]) {
      const { client, requests } = clientWith([failure, tokens])
      await expect(
        client.exchangeAuthorizationCode({
          code: 'single-use',
          redirectUri: 'https://app.example/cb',
          codeVerifier: 'v'.repeat(43),
        }),
      ).rejects.toBeInstanceOf(OAuthClientError)
      expect(requests).toHaveLength(1)
    }
  })

  it('re-sends a refresh token only after a 429: after a 5xx or a lost response it may have rotated', async () => {
    for (const failure of [
      text(503, '', { 'retry-after': '0' }),
      text(502, 'bad gateway'),
      networkFailure(),
    ]) {
      const { client, requests } = clientWith([failure, tokens])
      await expect(client.refresh({ refreshToken: 'single-use' })).rejects.toBeInstanceOf(OAuthClientError)
      expect(requests).toHaveLength(1)
    }
    const limited = clientWith([json(429, {}, { 'retry-after': '0' }), tokens])
    await expect(limited.client.refresh({ refreshToken: 'rt' })).resolves.toMatchObject({ accessToken: 'at' })
    expect(limited.requests).toHaveLength(2)
  })

  it('retries a revocation answered with 503 (RFC 7009 §2.2.1)', async () => {
    const { client, requests } = clientWith([text(503, '', { 'retry-after': '0' }), text(200, '')])
    await expect(client.revoke({ token: 't' })).resolves.toBeUndefined()
    expect(requests).toHaveLength(2)
  })
})

describe('timeouts and aborts', () => {
  it('refuses a per-call timeout that is not a positive number, naming it', async () => {
    const { client, requests } = clientWith([tokens])
    for (const timeoutMs of [0, -1, Number.NaN]) {
      await expect(client.clientCredentials({ timeoutMs })).rejects.toThrow(
        'timeoutMs must be a finite number > 0',
      )
    }
    expect(requests).toHaveLength(0)
  })

  it('fails with TimeoutError when the server does not answer in time', async () => {
    const { client } = clientWith([hang()], { timeoutMs: 20 })
    const error = await client.clientCredentials().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).timeoutMs).toBe(20)
    expect((error as TimeoutError).cause).toBeDefined()
  })

  it('takes a per-call timeout over the client default', async () => {
    const { client } = clientWith([hang()], { timeoutMs: 60_000 })
    const error = await client.clientCredentials({ timeoutMs: 15 }).catch((e: unknown) => e)
    expect((error as TimeoutError).timeoutMs).toBe(15)
  })

  it("throws the caller's abort reason, not a TimeoutError, when the caller aborts", async () => {
    const { client } = clientWith([hang()])
    const controller = new AbortController()
    const reason = new Error('user navigated away')
    const pending = client.clientCredentials({ signal: controller.signal })
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
  })

  it('combines the caller signal by hand where AbortSignal.any is missing, and unhooks afterwards', async () => {
    const any = AbortSignal.any
    Object.defineProperty(AbortSignal, 'any', { value: undefined, configurable: true, writable: true })
    try {
      const controller = new AbortController()
      let listeners = 0
      const add = controller.signal.addEventListener.bind(controller.signal)
      const remove = controller.signal.removeEventListener.bind(controller.signal)
      controller.signal.addEventListener = (...args: Parameters<typeof add>) => {
        listeners++
        add(...args)
      }
      controller.signal.removeEventListener = (...args: Parameters<typeof remove>) => {
        listeners--
        remove(...args)
      }
      const ok = clientWith([tokens])
      await ok.client.clientCredentials({ signal: controller.signal })
      expect(listeners).toBe(0)
      const { client } = clientWith([hang()])
      const pending = client.clientCredentials({ signal: controller.signal })
      controller.abort('cancelled')
      await expect(pending).rejects.toBe('cancelled')
      const late = clientWith([hang()], { timeoutMs: 10 })
      await expect(
        late.client.clientCredentials({ signal: new AbortController().signal }),
      ).rejects.toBeInstanceOf(TimeoutError)
    } finally {
      Object.defineProperty(AbortSignal, 'any', { value: any, configurable: true, writable: true })
    }
  })

  it('does not start a Retry-After wait that would outlast the deadline: reports the response', async () => {
    const { client, requests } = clientWith([text(503, 'later', { 'retry-after': '1' }), tokens], {
      timeoutMs: 200,
    })
    const error = await client.clientCredentials().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect(requests).toHaveLength(1)
  })
})
