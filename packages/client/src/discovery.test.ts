import { describe, expect, it } from 'vitest'
import { discover } from './discovery.js'
import { HttpError, ResponseValidationError } from './errors.js'
import { cannedFetch, json, text } from './test-support/canned-fetch.js'

const document = (issuer: string) => ({
  issuer,
  authorization_endpoint: `${issuer}/api/v1/oauth2/authorize`,
  token_endpoint: `${issuer}/api/v1/oauth2/token`,
  jwks_uri: `${issuer}/.well-known/jwks.json`,
  response_types_supported: ['code'],
  authorization_response_iss_parameter_supported: true,
  x_extension: 1,
})

describe('discover', () => {
  it('reads RFC 8414 metadata into the camelCase model, raw kept', async () => {
    const { fetch, requests } = cannedFetch(json(200, document('https://as.example')))
    const metadata = await discover('https://as.example', { fetch })
    expect(requests.map((r) => r.url)).toEqual(['https://as.example/.well-known/oauth-authorization-server'])
    expect(metadata.tokenEndpoint).toBe('https://as.example/api/v1/oauth2/token')
    expect(metadata.authorizationResponseIssParameterSupported).toBe(true)
    expect(metadata.raw.x_extension).toBe(1)
  })

  it('inserts the well-known segment before an issuer path, then falls back to OpenID discovery on 404', async () => {
    const issuer = 'https://as.example/tenant/1'
    const { fetch, requests } = cannedFetch(text(404, 'nope'), json(200, document(issuer)))
    const metadata = await discover(issuer, { fetch })
    expect(requests.map((r) => r.url)).toEqual([
      'https://as.example/.well-known/oauth-authorization-server/tenant/1',
      'https://as.example/tenant/1/.well-known/openid-configuration',
    ])
    expect(metadata.issuer).toBe(issuer)
  })

  it('refuses a document whose issuer is not identical to the one asked for', async () => {
    const { fetch } = cannedFetch(json(200, document('https://as.example/')))
    const error = (await discover('https://as.example', { fetch }).catch(
      (e: unknown) => e,
    )) as ResponseValidationError
    expect(error).toBeInstanceOf(ResponseValidationError)
    expect(error.issues[0]?.path).toBe('/issuer')
  })

  it('RFC 8414 §3.3: an issuer given as a URL object matches the document without the root slash its href adds', async () => {
    // new URL('https://as.example').href is 'https://as.example/': a URL object cannot spell the
    // usual root issuer, so the document's spelling of that same issuer is the one asked for.
    const { fetch } = cannedFetch(json(200, document('https://as.example')))
    const metadata = await discover(new URL('https://as.example'), { fetch })
    expect(metadata.issuer).toBe('https://as.example')
    const withSlash = cannedFetch(json(200, document('https://as.example/')))
    await expect(discover(new URL('https://as.example'), { fetch: withSlash.fetch })).resolves.toMatchObject({
      issuer: 'https://as.example/',
    })
    // Any other difference is still refused, and a path is compared as given.
    const other = cannedFetch(json(200, document('https://as.example/tenant')))
    await expect(
      discover(new URL('https://as.example/tenant/'), { fetch: other.fetch }),
    ).rejects.toBeInstanceOf(ResponseValidationError)
  })

  it('names the bad fields of an invalid document', async () => {
    const { fetch } = cannedFetch(
      json(200, {
        issuer: 'https://as.example',
        token_endpoint: 42,
        authorization_response_iss_parameter_supported: 'yes',
      }),
    )
    const error = (await discover('https://as.example', { fetch }).catch(
      (e: unknown) => e,
    )) as ResponseValidationError
    // Every bad field is named (newer models also name the non-boolean iss parameter here).
    expect(error.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['/response_types_supported', '/token_endpoint']),
    )
  })

  it('refuses a non-boolean authorization_response_iss_parameter_supported', async () => {
    const { fetch } = cannedFetch(
      json(200, { ...document('https://as.example'), authorization_response_iss_parameter_supported: 'yes' }),
    )
    const error = (await discover('https://as.example', { fetch }).catch(
      (e: unknown) => e,
    )) as ResponseValidationError
    expect(error.issues[0]?.path).toBe('/authorization_response_iss_parameter_supported')
  })

  it('reports HttpError when neither well-known document exists', async () => {
    const { fetch, requests } = cannedFetch(text(404, 'nope'))
    await expect(discover('https://as.example', { fetch })).rejects.toBeInstanceOf(HttpError)
    expect(requests).toHaveLength(2)
  })

  it('refuses an issuer with a query', async () => {
    await expect(discover('https://as.example?x=1')).rejects.toThrow(TypeError)
  })

  it('names the issuer when it is not an absolute URL, before any request', async () => {
    const { fetch, requests } = cannedFetch(json(200, document('https://as.example')))
    await expect(discover('as.example', { fetch })).rejects.toThrow(
      'issuer must be an absolute URL such as https://auth.example.com; got as.example',
    )
    expect(requests).toHaveLength(0)
  })
})
