import { describe, expect, it } from 'vitest'
import { endSessionUrl } from './end-session.js'
import { OAuthClient } from './oauth-client.js'

// OpenID Connect RP-Initiated Logout 1.0 §2: the logout request's query parameters.

const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln'
const metadata = { issuer: 'https://op.example', endSessionEndpoint: 'https://op.example/session/end' }

describe('endSessionUrl', () => {
  it('carries id_token_hint, post_logout_redirect_uri, state and client_id', () => {
    const url = new OAuthClient({ metadata, clientId: 'web app' }).endSessionUrl({
      idTokenHint: ID_TOKEN,
      postLogoutRedirectUri: 'https://rp.example/signed-out',
      state: 'af0ifjsldkj',
    })
    expect(url.origin + url.pathname).toBe('https://op.example/session/end')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id_token_hint: ID_TOKEN,
      client_id: 'web app',
      post_logout_redirect_uri: 'https://rp.example/signed-out',
      state: 'af0ifjsldkj',
    })
  })

  it('sends client_id alone when nothing else is given (§2: the OP may ask the user)', () => {
    expect(endSessionUrl(metadata, 'rp').search).toBe('?client_id=rp')
  })

  it('keeps the endpoint query and joins ui_locales given as a list', () => {
    const url = endSessionUrl({ endSessionEndpoint: 'https://op.example/logout?tenant=a' }, 'rp', {
      uiLocales: ['fr-CA', 'en'],
      logoutHint: 'ada@example.com',
      extraParameters: { client_id: 'other', x_tracking: '1' },
    })
    expect([...url.searchParams]).toEqual([
      ['tenant', 'a'],
      ['client_id', 'rp'],
      ['x_tracking', '1'],
      ['logout_hint', 'ada@example.com'],
      ['ui_locales', 'fr-CA en'],
    ])
  })

  it('refuses a relative or fragment post_logout_redirect_uri with a TypeError naming it', () => {
    expect(() => endSessionUrl(metadata, 'rp', { postLogoutRedirectUri: '/signed-out' })).toThrow(
      'post_logout_redirect_uri',
    )
    expect(() =>
      endSessionUrl(metadata, 'rp', { postLogoutRedirectUri: 'https://rp.example/out#x' }),
    ).toThrow(TypeError)
  })

  it('needs the server to publish end_session_endpoint', () => {
    expect(() => endSessionUrl({}, 'rp')).toThrow('end_session_endpoint')
  })
})
