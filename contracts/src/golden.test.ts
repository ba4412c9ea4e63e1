import { describe, expect, it } from 'vitest'
import { checkGolden, GOLDEN, goldenExample, goldenMessage } from './golden.js'
import { goldenProblems, type WireExchange } from './golden-exchanges.js'

// The checker of the golden fixtures must be able to fail, and say why in the RFC's terms.

const tokenResponse = goldenMessage(GOLDEN.tokenResponse)
const strict = { enforce: ['REQUIRED', 'RECOMMENDED'] } as const

describe('checkGolden', () => {
  it('accepts the RFC example and members the RFC does not define (RFC 6749 §5.1: ignored)', () => {
    expect(checkGolden(tokenResponse, goldenExample(tokenResponse), undefined, strict)).toEqual([])
  })

  it('names the RFC section, the member, what it expected and the members there were', () => {
    const { expires_in: _renamed, ...rest } = goldenExample(tokenResponse)
    const problems = checkGolden(tokenResponse, { ...rest, expires_in_seconds: 3600 }, undefined, strict)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(
      /^RFC 6749 §5\.1 Successful token response: \/expires_in must be RECOMMENDED an integer, got no member/,
    )
    expect(problems[0]).toMatch(/expires_in_seconds/)
    expect(problems[0]).toMatch(/The lifetime in seconds of the access token/)
  })

  it('requires only REQUIRED members unless told to hold RECOMMENDED ones too', () => {
    const { expires_in: _dropped, ...rest } = goldenExample(tokenResponse)
    expect(checkGolden(tokenResponse, rest)).toEqual([])
    expect(checkGolden(tokenResponse, rest, undefined, strict)).toHaveLength(1)
  })

  it('refuses a member of the wrong JSON type, present or not required', () => {
    const problems = checkGolden(tokenResponse, { ...goldenExample(tokenResponse), expires_in: '3600' })
    expect(problems).toEqual([
      expect.stringMatching(/\/expires_in must be RECOMMENDED an integer, got a string/),
    ])
  })

  it('refuses a value other than the one the RFC allows', () => {
    const request = goldenMessage(GOLDEN.refreshTokenRequest)
    expect(checkGolden(request, { grant_type: 'refresh', refresh_token: 'x' })).toEqual([
      expect.stringMatching(/\/grant_type must be REQUIRED a string "refresh_token"/),
    ])
  })

  it('checks the RFC 6749 §5.1 headers', () => {
    const problems = checkGolden(
      tokenResponse,
      goldenExample(tokenResponse),
      { 'cache-control': 'no-cache' },
      strict,
    )
    expect(problems).toEqual([
      expect.stringMatching(/header Cache-Control must be "no-store" \(REQUIRED\), got "no-cache"/),
      expect.stringMatching(/header Pragma must be "no-cache" \(REQUIRED\), got no header/),
    ])
  })

  it('checks each JWK by its key type (RFC 7518 §6.2.1: an EC key has y)', () => {
    const jwks = goldenMessage(GOLDEN.jwkSet)
    const example = goldenExample(jwks) as { keys: Array<Record<string, unknown>> }
    const { y: _y, ...ec } = example.keys[0] as Record<string, unknown>
    expect(checkGolden(jwks, { keys: [ec] })).toEqual([
      expect.stringMatching(/\/keys\/0\/y must be REQUIRED a string, got no member/),
    ])
    expect(checkGolden(jwks, { keys: ['not a key'] })).toEqual([
      expect.stringMatching(/\/keys\/0 must be an object/),
    ])
  })
})

describe('goldenProblems', () => {
  const exchange = (change: Partial<WireExchange>): WireExchange => ({
    method: 'POST',
    path: '/api/v1/oauth2/token',
    requestContentType: 'application/x-www-form-urlencoded',
    requestBody: 'grant_type=client_credentials&scope=kb%3Aread',
    status: 200,
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    body: JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 60 }),
    ...change,
  })

  it('passes a token exchange that follows the RFCs', () => {
    expect(goldenProblems(exchange({}))).toEqual([])
  })

  it('checks the request against its grant, JSON bodies too', () => {
    expect(
      goldenProblems(
        exchange({
          requestContentType: 'application/json',
          requestBody: JSON.stringify({ grant_type: 'refresh_token' }),
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /\(request\): RFC 6749 §6 .*\/refresh_token must be REQUIRED a string, got no member/,
      ),
    ])
  })

  it('checks an error answer against RFC 6749 §5.2', () => {
    expect(goldenProblems(exchange({ status: 400, body: JSON.stringify({ message: 'bad' }) }))).toEqual([
      expect.stringMatching(
        /RFC 6749 §5\.2 Error response: \/error must be REQUIRED a string, got no member/,
      ),
    ])
  })

  it('refuses an exchange no golden fixture covers', () => {
    expect(goldenProblems(exchange({ method: 'GET', path: '/api/v1/somewhere' }))).toEqual([
      'GET /api/v1/somewhere -> 200: no golden fixture describes this exchange',
    ])
  })
})
