import { describe, expect, it } from 'vitest'
import { basicAuthorization, renderBody } from './scenario.js'

describe('renderBody', () => {
  it('form-encodes the credential into its slot', () => {
    expect(renderBody({ prefix: 'grant_type=refresh_token&refresh_token=', suffix: '&x=1' }, 'a+b/c=')).toBe(
      'grant_type=refresh_token&refresh_token=a%2Bb%2Fc%3D&x=1',
    )
  })
})

describe('basicAuthorization', () => {
  it('form-encodes id and secret before base64 (RFC 6749 §2.3.1)', () => {
    const header = basicAuthorization('client:1', 'sec ret')
    expect(Buffer.from(header.slice('Basic '.length), 'base64').toString()).toBe('client%3A1:sec%20ret')
  })
})
