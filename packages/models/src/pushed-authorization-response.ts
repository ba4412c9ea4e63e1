import Type, { type Static } from 'typebox'
import { MAX_SAFE_SECONDS } from './grammar.js'

/** RFC 9126 §2.2: the answer to a pushed authorization request, camelCase. */
export interface PushedAuthorizationResponse {
  /** The single-use reference to the pushed request, for the authorization request (RFC 9126 §4). */
  requestUri: string
  /** Lifetime of `requestUri` in seconds, a positive integer. */
  expiresIn: number
}

export const PushedAuthorizationResponseWire = Type.Object(
  {
    request_uri: Type.String({
      format: 'uri',
      description:
        'The request URI corresponding to the authorization request posted: a single-use reference to it, for the subsequent authorization request (RFC 9126 §2.2).',
      examples: ['urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c'],
    }),
    expires_in: Type.Integer({
      minimum: 1,
      maximum: MAX_SAFE_SECONDS,
      description: 'The lifetime of the request URI in seconds, a positive integer (RFC 9126 §2.2).',
      examples: [60],
    }),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/pushed-authorization-response.schema.json',
    title: 'PushedAuthorizationResponse',
    description:
      'OAuth 2.0 pushed authorization response (RFC 9126 §2.2), sent with 201 Created. Unknown members are allowed and ignored.',
  },
)
export type PushedAuthorizationResponseWire = Static<typeof PushedAuthorizationResponseWire>

export { REQUEST_URI_URN_PREFIX } from './codecs/request-uri.js'
