import type { IdTokenClaims } from '@pipeshub/models'
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { IdTokenValidationError } from './errors.js'
import { OAuthClient } from './oauth-client.js'
import { checkRefreshedIdToken } from './refreshed-id-token.js'
import { cannedFetch, json, type RecordedRequest } from './test-support/canned-fetch.js'
import { createTokenManager } from './token-manager.js'

const issuer = 'https://as.example'
const metadata = {
  issuer,
  tokenEndpoint: `${issuer}/token`,
  jwksUri: `${issuer}/.well-known/jwks.json`,
  idTokenSigningAlgValuesSupported: ['ES256'],
}
const nowMs = Date.parse('2026-11-27T12:00:00Z')
const nowSeconds = nowMs / 1000

/** The claims of the ID token issued at sign-in, as `tokens.idTokenClaims` holds them. */
const original: IdTokenClaims = {
  iss: issuer,
  sub: 'user-1',
  aud: 'app',
  azp: 'app',
  exp: nowSeconds + 60,
  iat: nowSeconds - 3000,
  authTime: nowSeconds - 3100,
  nonce: 'n-signin',
}
/** What a refreshed ID token carries when the server follows §12.2. */
const refreshedWire: JWTPayload = {
  iss: issuer,
  sub: 'user-1',
  aud: 'app',
  azp: 'app',
  iat: nowSeconds,
  exp: nowSeconds + 300,
  auth_time: nowSeconds - 3100,
}

let privateKey: CryptoKey
let publicJwk: JWK

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true })
  privateKey = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
})

function sign(claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey)
}

/** A token endpoint answering each refresh with the next ID token of `idTokens` (the last repeats). */
function clientRefreshingTo(...idTokens: string[]) {
  const canned = cannedFetch((request: RecordedRequest) => {
    if (request.url === metadata.jwksUri) return json(200, { keys: [publicJwk] })(request)
    const refreshes = canned.requests.filter((r) => r.url === metadata.tokenEndpoint).length
    const idToken = idTokens[Math.min(refreshes, idTokens.length) - 1]
    return json(200, {
      access_token: `at-${refreshes}`,
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken,
    })(request)
  })
  const client = new OAuthClient({
    metadata,
    clientId: 'app',
    fetch: canned.fetch,
    now: () => nowMs,
    retry: false,
  })
  return { client, requests: canned.requests }
}

async function claimRejected(promise: Promise<unknown>, claim: string): Promise<void> {
  const error = await promise.then(
    () => expect.unreachable('the refreshed ID token was accepted'),
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(IdTokenValidationError)
  expect(error).toMatchObject({ claim })
  expect((error as Error).message).toContain(`refreshed ID token ${claim}`)
}

describe('refreshed ID tokens (OIDC Core §12.2)', () => {
  it('accepts a refreshed ID token for the same authentication (aud as a one-element array, no nonce)', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, aud: ['app'] }))
    const tokens = await client.refresh({ refreshToken: 'rt', originalIdTokenClaims: original })
    expect(tokens.idTokenClaims).toMatchObject({ sub: 'user-1', authTime: original.authTime })
  })

  it('accepts the original nonce repeated', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, nonce: original.nonce }))
    await expect(
      client.refresh({ refreshToken: 'rt', originalIdTokenClaims: original }),
    ).resolves.toBeDefined()
  })

  it('refuses another subject', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, sub: 'user-2' }))
    await claimRejected(client.refresh({ refreshToken: 'rt', originalIdTokenClaims: original }), 'sub')
  })

  it('refuses another audience, even one that still contains this client', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, aud: ['app', 'other-api'] }))
    await claimRejected(client.refresh({ refreshToken: 'rt', originalIdTokenClaims: original }), 'aud')
  })

  it('refuses an azp that appeared or changed', async () => {
    const withoutAzp: IdTokenClaims = { ...original }
    delete withoutAzp.azp
    const { client } = clientRefreshingTo(await sign(refreshedWire))
    await claimRejected(client.refresh({ refreshToken: 'rt', originalIdTokenClaims: withoutAzp }), 'azp')
  })

  it('refuses an auth_time that is not the original authentication', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, auth_time: nowSeconds }))
    await claimRejected(client.refresh({ refreshToken: 'rt', originalIdTokenClaims: original }), 'auth_time')
  })

  it('refuses a nonce other than the original', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, nonce: 'n-other' }))
    await claimRejected(client.refresh({ refreshToken: 'rt', originalIdTokenClaims: original }), 'nonce')
  })

  it('refuses an ID token issued before the original', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, iat: original.iat - 1 }))
    await claimRejected(client.refresh({ refreshToken: 'rt', originalIdTokenClaims: original }), 'iat')
  })

  it('refuses another issuer', () => {
    // The signature check already pins iss to this client's issuer; the original decides here.
    const refreshed: IdTokenClaims = { ...original, iat: nowSeconds }
    expect(() =>
      checkRefreshedIdToken({ ...original, iss: 'https://old-issuer.example' }, refreshed),
    ).toThrow(expect.objectContaining({ claim: 'iss' }))
  })

  it('skips the §12.2 checks when the caller has no original claims', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, sub: 'user-2' }))
    await expect(client.refresh({ refreshToken: 'rt' })).resolves.toBeDefined()
  })
})

describe('the token manager and refreshed ID tokens', () => {
  it('checks every refreshed ID token against the claims it was given', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, sub: 'user-2' }))
    const manager = createTokenManager({
      client,
      grant: { refreshToken: 'rt', originalIdTokenClaims: original },
      now: () => nowMs,
    })
    await claimRejected(manager.getAccessToken(), 'sub')
  })

  it('without given claims, holds later refreshes to the first refreshed ID token', async () => {
    let clock = nowMs
    const { client } = clientRefreshingTo(
      await sign(refreshedWire),
      await sign({ ...refreshedWire, sub: 'user-2' }),
    )
    const manager = createTokenManager({ client, grant: { refreshToken: 'rt' }, now: () => clock })
    expect(await manager.getAccessToken()).toBe('at-1')
    clock += 300_000
    await claimRejected(manager.getAccessToken(), 'sub')
  })

  it('takes new original claims with setRefreshToken after a new sign-in', async () => {
    const { client } = clientRefreshingTo(await sign({ ...refreshedWire, sub: 'user-2', azp: 'app' }))
    const manager = createTokenManager({
      client,
      grant: { refreshToken: 'rt', originalIdTokenClaims: original },
      now: () => nowMs,
    })
    await claimRejected(manager.getAccessToken(), 'sub')
    manager.setRefreshToken('rt-2', { ...original, sub: 'user-2' })
    expect(await manager.getAccessToken()).toBe('at-2')
  })
})
