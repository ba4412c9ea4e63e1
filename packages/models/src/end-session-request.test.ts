import { describe, expect, it } from 'vitest'
import { endSessionRequestCodec } from './index.js'
import { describeRoundTrips } from './test-support/round-trips.js'
import { describeWireFields, type MemberBoundaries } from './test-support/wire-fields.js'

const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3NlcnZlci5leGFtcGxlLmNvbSJ9.c2ln'
const text: MemberBoundaries = {
  accept: ['af0ifjsldkj', ' ', ID_TOKEN],
  reject: [
    { value: '', keyword: 'pattern' },
    { value: 'ünïcode', keyword: 'pattern' },
    { value: ['a'], keyword: 'type' },
  ],
}

describeWireFields(endSessionRequestCodec, {
  full: {
    id_token_hint: ID_TOKEN,
    logout_hint: 'user@example.com',
    client_id: 's6BhdRkqt3',
    post_logout_redirect_uri: 'https://client.example.org/logout/callback',
    state: 'af0ifjsldkj',
    ui_locales: 'fr-CA fr en',
  },
  required: [],
  members: {
    id_token_hint: text,
    logout_hint: text,
    client_id: text,
    post_logout_redirect_uri: {
      accept: ['https://client.example.org/logout/callback', 'http://127.0.0.1:3000/?signed-out=1'],
      reject: [
        { value: '/logout/callback', keyword: 'format' },
        { value: 'https://client.example.org/logout#done', keyword: 'pattern' },
        { value: 3, keyword: 'type' },
      ],
    },
    state: text,
    ui_locales: text,
  },
})
describeRoundTrips(endSessionRequestCodec)

describe('endSessionRequestCodec', () => {
  it('maps the logout parameters of RP-Initiated Logout 1.0 §2 to camelCase', () => {
    expect(
      endSessionRequestCodec.decode({
        id_token_hint: ID_TOKEN,
        post_logout_redirect_uri: 'https://client.example.org/logout/callback',
        state: 'af0ifjsldkj',
      }),
    ).toEqual({
      idTokenHint: ID_TOKEN,
      postLogoutRedirectUri: 'https://client.example.org/logout/callback',
      state: 'af0ifjsldkj',
    })
  })
})
