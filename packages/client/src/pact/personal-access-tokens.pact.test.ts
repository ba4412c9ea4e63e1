import { MatchersV3 } from '@pact-foundation/pact'
import { EXAMPLE, INJECTED, jsonContentType, matchersFor, ROUTES, STATES } from '@pipeshub/contracts'
import {
  CreatedPersonalAccessTokenWire,
  PersonalAccessTokenCreateRequestWire,
  PersonalAccessTokenListWire,
} from '@pipeshub/models'
import { describe, expect, it } from 'vitest'
import { PersonalAccessTokenClient } from '../personal-access-tokens.js'
import { pactWithConfidentialClient } from './interactions.js'

// PipesHub's personal access tokens, managed with an access token of the end-user carrying openid.

const USER_GRANT = { clientId: EXAMPLE.clientId, subject: EXAMPLE.subject, scope: 'openid kb:read kb:write' }
const CREATED_AT = 1_800_000_000
const DESCRIPTION = {
  id: EXAMPLE.personalAccessTokenId,
  name: 'CI deploy',
  scope: 'kb:read',
  created_at: CREATED_AT,
  expires_at: CREATED_AT + 2_592_000,
}

const bearer = () =>
  MatchersV3.fromProviderState(`Bearer \${${INJECTED.accessToken}}`, `Bearer ${EXAMPLE.accessToken}`)

function client(mockServerUrl: string): PersonalAccessTokenClient {
  return new PersonalAccessTokenClient({
    endpoint: `${mockServerUrl}${ROUTES.personalAccessTokens}`,
    accessToken: EXAMPLE.accessToken,
    retry: false,
  })
}

describe('personal access tokens (PipesHub)', () => {
  it('creates one with a name, scopes and a lifetime, and reads its value once', async () => {
    const body = { name: 'CI deploy', scope: 'kb:read', expires_in: 2_592_000 }
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.accessTokenIssued, { ...USER_GRANT })
      .uponReceiving('a request creating a personal access token')
      .withRequest({
        method: 'POST',
        path: ROUTES.personalAccessTokens,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: bearer() },
        body: matchersFor(PersonalAccessTokenCreateRequestWire, body, {
          exact: ['/name', '/scope', '/expires_in'],
        }),
      })
      .willRespondWith({
        status: 201,
        headers: { 'Content-Type': jsonContentType(), 'Cache-Control': 'no-store' },
        body: matchersFor(
          CreatedPersonalAccessTokenWire,
          { ...DESCRIPTION, token: EXAMPLE.personalAccessToken },
          { exact: ['/name', '/scope'] },
        ),
      })
    await pact.executeTest(async (mockServer) => {
      const created = await client(mockServer.url).create({
        name: 'CI deploy',
        scope: ['kb:read'],
        expiresIn: 2_592_000,
      })
      expect(created).toMatchObject({
        name: 'CI deploy',
        scope: 'kb:read',
        token: EXAMPLE.personalAccessToken,
      })
    })
  })

  it('lists the live ones without their values', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.personalAccessTokenIssued, { ...USER_GRANT, name: 'CI deploy', tokenScope: 'kb:read' })
      .uponReceiving("a request listing the user's personal access tokens")
      .withRequest({
        method: 'GET',
        path: ROUTES.personalAccessTokens,
        headers: { Accept: 'application/json', Authorization: bearer() },
      })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': jsonContentType() },
        body: matchersFor(PersonalAccessTokenListWire, { personal_access_tokens: [DESCRIPTION] }),
      })
    await pact.executeTest(async (mockServer) => {
      const listed = await client(mockServer.url).list()
      expect(listed[0]).toMatchObject({ id: EXAMPLE.personalAccessTokenId, scope: 'kb:read' })
      expect(listed[0]).not.toHaveProperty('token')
    })
  })

  it('revokes one by its id', async () => {
    const pact = pactWithConfidentialClient()
    pact
      .given(STATES.personalAccessTokenIssued, { ...USER_GRANT, name: 'CI deploy', tokenScope: 'kb:read' })
      .uponReceiving('a request revoking a personal access token')
      .withRequest({
        method: 'DELETE',
        path: MatchersV3.fromProviderState(
          `${ROUTES.personalAccessTokens}/\${${INJECTED.personalAccessTokenId}}`,
          `${ROUTES.personalAccessTokens}/${EXAMPLE.personalAccessTokenId}`,
        ),
        headers: { Accept: 'application/json', Authorization: bearer() },
      })
      .willRespondWith({ status: 204 })
    await pact.executeTest(async (mockServer) => {
      await expect(client(mockServer.url).revoke(EXAMPLE.personalAccessTokenId)).resolves.toBeUndefined()
    })
  })
})
