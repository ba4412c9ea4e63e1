import { describe, expect, it } from 'vitest'
import {
  CENSOR,
  isSecretName,
  MAX_LOGGED_DEPTH,
  redactLogObject,
  redactSecrets,
  redactUrl,
} from './log-redaction.js'

describe('redactUrl', () => {
  it('replaces the values of secret query parameters and keeps the others', () => {
    expect(redactUrl('/cb?code=abc&state=xyz')).toBe('/cb?code=%5Bredacted%5D&state=xyz')
    expect(redactUrl('/userinfo?access_token=t0k3n')).toBe('/userinfo?access_token=%5Bredacted%5D')
    expect(redactUrl('/healthz')).toBe('/healthz')
    expect(redactUrl('/a?scope=openid')).toBe('/a?scope=openid')
  })
})

describe('isSecretName', () => {
  it('names RFC 6749 credentials and credential headers whatever their case or separator', () => {
    for (const name of ['client_secret', 'clientSecret', 'Client-Secret', 'CODE_VERIFIER', 'refreshToken'])
      expect(isSecretName(name), name).toBe(true)
    for (const name of ['Authorization', 'proxy-authorization', 'Set-Cookie', 'cookie'])
      expect(isSecretName(name), name).toBe(true)
  })

  it('keeps members that only contain a secret name', () => {
    for (const name of ['statusCode', 'grant_type', 'token_type', 'client_id', 'code_challenge', 'scope'])
      expect(isSecretName(name), name).toBe(false)
  })
})

describe('redactSecrets', () => {
  it('replaces secret members at every depth, in objects and arrays', () => {
    const redacted = redactSecrets({
      password: 'p',
      items: [{ code: 'c' }, 'kept'],
      a: { b: { c: { d: { e: { refresh_token: 'r', grant_type: 'refresh_token' } } } } },
    })
    expect(redacted).toEqual({
      password: CENSOR,
      items: [{ code: CENSOR }, 'kept'],
      a: { b: { c: { d: { e: { refresh_token: CENSOR, grant_type: 'refresh_token' } } } } },
    })
  })

  it('never modifies what it is given, and gives back the same object when nothing is secret', () => {
    const input = { body: { client_secret: 's', scope: 'read' }, list: [{ token: 't' }] }
    const snapshot = structuredClone(input)
    const redacted = redactSecrets(input)
    expect(input).toEqual(snapshot)
    expect(redacted.body).not.toBe(input.body)
    const clean = { route: '/token', statusCode: 200, nested: { scope: 'read' } }
    expect(redactSecrets(clean)).toBe(clean)
  })

  it('serializes errors with their message, stack and cause, and redacts their members', () => {
    const cause = Object.assign(new Error('inner'), { assertion: 'a' })
    const error = Object.assign(new Error('outer', { cause }), { details: { code_verifier: 'v' } })
    const redacted = redactSecrets({ failure: error, plain: { cause } }) as unknown as {
      failure: { stack: string }
      plain: { cause: unknown }
    }
    // pino's error serializer folds a standard cause into the message and stack.
    expect(redacted.failure).toMatchObject({
      type: 'Error',
      message: 'outer: inner',
      details: { code_verifier: CENSOR },
    })
    expect(redacted.failure.stack).toContain('caused by: Error: inner')
    expect(redacted.plain.cause).toMatchObject({ message: 'inner', assertion: CENSOR })
    expect(error.details.code_verifier).toBe('v')
  })

  it('redacts secret query parameters of URL objects', () => {
    expect(redactSecrets({ to: new URL('http://rp.test/cb?code=c&state=s') })).toEqual({
      to: 'http://rp.test/cb?code=%5Bredacted%5D&state=s',
    })
  })

  it('replaces what is deeper than MAX_LOGGED_DEPTH whole, so a cycle ends', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    let level = redactSecrets(cyclic) as Record<string, unknown>
    for (let depth = 1; depth < MAX_LOGGED_DEPTH; depth++) {
      expect(level.name).toBe('loop')
      level = level.self as Record<string, unknown>
    }
    expect(level.self).toBe(CENSOR)
  })
})

describe('redactLogObject', () => {
  it('leaves the members pino serializes to the serializers and redacts the others', () => {
    const request = { headers: { authorization: 'Basic x' } }
    const redacted = redactLogObject({ req: request, client_secret: 's', route: '/token' }, new Set(['req']))
    expect(redacted).toEqual({ req: request, client_secret: CENSOR, route: '/token' })
  })
})
