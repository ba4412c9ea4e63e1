import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from '@pipeshub/models/codecs'
import type { ClientAssertionSigner } from './client-assertion.js'

/**
 * How the client authenticates at the token, PAR, revocation and introspection endpoints
 * (RFC 6749 §2.3.1, OpenID Connect Core §9): HTTP Basic, secret in the body, a JWT signed with the
 * client's private key (RFC 7523 §2.2), or a public client.
 */
export type ClientAuthenticationMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'none'

export interface ClientCredentials {
  readonly clientId: string
  readonly clientSecret?: string | undefined
  readonly method: ClientAuthenticationMethod
  /** For `private_key_jwt`. */
  readonly assertionSigner?: ClientAssertionSigner | undefined
}

/** The `application/x-www-form-urlencoded` encoding of one value: space as `+`, the rest percent-encoded. */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2)
}

/**
 * The `Authorization` header for `client_secret_basic`. RFC 6749 Appendix B / §2.3.1: the id and the
 * secret are form-urlencoded BEFORE they are joined with `:` and Base64-encoded, so a secret holding
 * `:`, `%`, space or non-ASCII characters survives the trip.
 */
export function basicAuthorizationHeader(clientId: string, clientSecret: string): string {
  // The form-urlencoded text is ASCII, which is what btoa accepts.
  return `Basic ${btoa(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`)}`
}

/**
 * Adds the client's authentication to a request to the token, PAR, revocation or introspection
 * endpoint. Called once per attempt: a client assertion is single-use (its `jti`), so a retried
 * request carries a new one.
 */
export async function applyClientAuthentication(
  credentials: ClientCredentials,
  headers: Record<string, string>,
  body: URLSearchParams,
  nowMs: number,
): Promise<void> {
  switch (credentials.method) {
    case 'client_secret_basic':
      headers.authorization = basicAuthorizationHeader(credentials.clientId, credentials.clientSecret ?? '')
      return
    case 'client_secret_post':
      body.set('client_id', credentials.clientId)
      body.set('client_secret', credentials.clientSecret ?? '')
      return
    case 'private_key_jwt': {
      if (credentials.assertionSigner === undefined)
        throw new TypeError('private_key_jwt needs a privateKeyJwt key')
      body.set('client_id', credentials.clientId)
      body.set('client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE)
      body.set('client_assertion', await credentials.assertionSigner.sign(nowMs))
      return
    }
    case 'none':
      body.set('client_id', credentials.clientId)
      return
  }
}
