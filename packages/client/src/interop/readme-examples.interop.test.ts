import { readFileSync } from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as pipeshubClient from '../index.js'
import {
  ACCOUNT,
  CONFIDENTIAL_CLIENT,
  POST_LOGOUT_REDIRECT_URI,
  PRIVATE_KEY_JWT_CLIENT,
  REDIRECT_URI,
  type RunningOidcProvider,
  startOidcProvider,
} from '../test-support/node-oidc-provider.js'
import { UserAgent } from '../test-support/user-agent.js'

// The README's device flow and logout examples, run as written against node-oidc-provider: the code
// block under each heading, its import of '@pipeshub/client' bound to this package's entry point, the
// names it leaves to the reader (`issuer`, `showToUser`, `tokens`, `response`) given by the test.

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

/** The first ```ts block after `heading`. */
function exampleAfter(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`the README has no heading ${heading}`)
  const block = /```ts[^\n]*\n([\s\S]*?)```/.exec(README.slice(start))?.[1]
  if (block === undefined) throw new Error(`no ts block after ${heading}`)
  return block
}

/** Runs a README block as an async function body with `scope` as its free names. */
async function run(block: string, scope: Record<string, unknown>): Promise<void> {
  const code = stripTypeScriptTypes(block).replace(
    /import \{([^}]*)\} from '@pipeshub\/client'/,
    (_, names: string) => `const {${names}} = pipeshubClient`,
  )
  const names = ['pipeshubClient', ...Object.keys(scope)]
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>
  await new AsyncFunction(...names, code)(pipeshubClient, ...Object.values(scope))
}

let op: RunningOidcProvider

beforeAll(async () => {
  op = await startOidcProvider()
})

afterAll(async () => {
  await op?.close()
  expect(op?.serverErrors ?? []).toEqual([])
})

describe('the README examples against node-oidc-provider', () => {
  it('Device authorization grant (RFC 8628): signs in once the user approves on another device', async () => {
    const printed: string[] = []
    const console = { log: (...values: unknown[]) => printed.push(values.join(' ')) }
    const showToUser = async (authorization: pipeshubClient.DeviceAuthorizationResponse) => {
      await new UserAgent(REDIRECT_URI).visit(new URL(authorization.verificationUriComplete ?? ''), {
        login: ACCOUNT.sub,
        consent: 'allow',
      })
    }
    await run(exampleAfter('## Device authorization grant (RFC 8628)'), {
      issuer: op.issuer,
      showToUser,
      console,
    })
    expect(printed[0]).toMatch(new RegExp(`^Open ${op.issuer}/device and enter [B-Z]{4}-[B-Z]{4}$`))
    expect(printed[1]).toMatch(/^signed in, scope: openid/)
  })

  it('Logout (RP-Initiated Logout 1.0): the URL ends the session and comes back with the state', async () => {
    const client = await pipeshubClient.OAuthClient.fromIssuer(op.issuer, CONFIDENTIAL_CLIENT)
    const browser = new UserAgent(REDIRECT_URI)
    const request = await client.createAuthorizationRequest({ redirectUri: REDIRECT_URI, scope: 'openid' })
    const trip = await browser.authorize(request.url, { login: ACCOUNT.sub, consent: 'allow' })
    const { code } = client.validateAuthorizationCallback(trip.callback, { state: request.state })
    const tokens = await client.exchangeAuthorizationCode({
      code,
      redirectUri: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
    })
    let redirected: string | undefined
    const response = { redirect: (location: string) => (redirected = location) }
    const block = exampleAfter('## Logout (OpenID Connect RP-Initiated Logout 1.0)').replace(
      'https://app.example.com/signed-out',
      POST_LOGOUT_REDIRECT_URI,
    )
    await run(block, { client, tokens, response, crypto })
    const visit = await browser.visit(new URL(redirected ?? ''), { login: ACCOUNT.sub, consent: 'allow' }, [
      POST_LOGOUT_REDIRECT_URI,
    ])
    expect(new URL(visit.location ?? '').searchParams.get('state')).toBe(
      new URL(redirected ?? '').searchParams.get('state'),
    )
  })

  /** The user's browser: goes to the authorization URL, signs in, consents, and hands back the callback. */
  const sendUserTo = async (url: URL) =>
    (await new UserAgent(REDIRECT_URI).authorize(url, { login: ACCOUNT.sub, consent: 'allow' })).callback

  it('Pushed authorization requests (RFC 9126): the code flow through a request_uri, private_key_jwt', async () => {
    const client = await pipeshubClient.OAuthClient.fromIssuer(op.issuer, {
      clientId: PRIVATE_KEY_JWT_CLIENT.clientId,
      privateKeyJwt: { key: op.privateKeyJwtKey, keyId: PRIVATE_KEY_JWT_CLIENT.keyId },
    })
    const block = exampleAfter('## Pushed authorization requests (RFC 9126)').replace(
      'https://app.example.com/callback',
      REDIRECT_URI,
    )
    let tokens: pipeshubClient.TokenResponse | undefined
    await run(`${block}\nreport(tokens)`, { client, sendUserTo, report: (t: typeof tokens) => (tokens = t) })
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'openid profile offline_access' })
    expect(tokens?.idTokenClaims).toMatchObject({ sub: ACCOUNT.sub })
  })

  it('Client authentication with a private key (private_key_jwt, RFC 7523): client credentials', async () => {
    let accessToken: string | undefined
    await run(
      `${exampleAfter('## Client authentication with a private key (`private_key_jwt`, RFC 7523)')}\nreport(accessToken)`,
      {
        issuer: op.issuer,
        privateKey: op.privateKeyJwtKey,
        report: (token: string) => (accessToken = token),
      },
    )
    expect(accessToken).toEqual(expect.any(String))
  })

  it('Sender-constrained tokens (DPoP, RFC 9449): DPoP tokens, userinfo, refresh and a resource request with proofs', async () => {
    const printed: string[] = []
    const console = { log: (...values: unknown[]) => printed.push(values.join(' ')) }
    const block = exampleAfter('## Sender-constrained tokens (DPoP, RFC 9449)').replace(
      'https://api.example.com/items',
      `${op.issuer}/me`,
    )
    await run(block, { issuer: op.issuer, redirectUri: REDIRECT_URI, sendUserTo, console })
    expect(printed).toEqual(['DPoP', `${ACCOUNT.sub} 200`])
  })
})
