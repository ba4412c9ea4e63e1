import Type, { type Static } from 'typebox'
import { MAX_SAFE_SECONDS, SCOPE_PATTERN, VSCHAR_PATTERN } from './grammar.js'
import { ResourceParameter } from './resource-indicator.js'

export {
  DEFAULT_DEVICE_POLLING_INTERVAL,
  DEVICE_ACCESS_TOKEN_ERROR_CODES,
  type DeviceAccessTokenErrorCode,
  SLOW_DOWN_INTERVAL_INCREMENT,
} from './device-polling.js'

// RFC 8628, the OAuth 2.0 device authorization grant: a device with no browser (a CLI, a TV) asks for
// a device code and a user code (§3.1, §3.2), shows the user where to enter the code, then polls the
// token endpoint with the device code (§3.4) until the user approves or denies on another device.
// Like the token requests, the request schemas check the parsed form parameters (strings).

/** RFC 8628 §3.1: a device authorization request. */
export interface DeviceAuthorizationRequest {
  /** Required when the client does not authenticate (a public client, RFC 6749 §2.3). */
  clientId?: string | undefined
  clientSecret?: string | undefined
  /** The scope of the access request (RFC 6749 §3.3). */
  scope?: string | undefined
  /** RFC 8707 resource indicator(s), as on the wire: one string, or an array for several. */
  resource?: string | string[] | undefined
}

export const DeviceAuthorizationRequestWire = Type.Object(
  {
    client_id: Type.Optional(
      Type.String({
        pattern: VSCHAR_PATTERN,
        description: 'The client identifier; required when the client does not authenticate (RFC 8628 §3.1).',
      }),
    ),
    client_secret: Type.Optional(
      Type.String({
        pattern: VSCHAR_PATTERN,
        description: 'The client secret, for client_secret_post authentication (RFC 6749 §2.3.1).',
      }),
    ),
    scope: Type.Optional(
      Type.String({
        pattern: SCOPE_PATTERN,
        description: 'The scope of the access request (RFC 6749 §3.3).',
      }),
    ),
    resource: Type.Optional(ResourceParameter('The resource(s) the access token is for (RFC 8707 §2).')),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/device-authorization-request.schema.json',
    title: 'DeviceAuthorizationRequest',
    description: 'Device authorization request (RFC 8628 §3.1).',
  },
)
export type DeviceAuthorizationRequestWire = Static<typeof DeviceAuthorizationRequestWire>

/** RFC 8628 §3.2: the device authorization response, camelCase. */
export interface DeviceAuthorizationResponse {
  /** The device verification code the device polls the token endpoint with. */
  deviceCode: string
  /** The end-user verification code the user types at `verificationUri`. */
  userCode: string
  /** The end-user verification URI, short and easy to type. */
  verificationUri: string
  /** The verification URI with the user code in it, for a QR code or a link (optional, RFC 8628 §3.3.1). */
  verificationUriComplete?: string | undefined
  /** The lifetime in seconds of `deviceCode` and `userCode`. */
  expiresIn: number
  /** The minimum number of seconds between polls; `DEFAULT_DEVICE_POLLING_INTERVAL` (5) when absent. */
  interval?: number | undefined
}

export const DeviceAuthorizationResponseWire = Type.Object(
  {
    device_code: Type.String({
      pattern: VSCHAR_PATTERN,
      description: 'The device verification code (RFC 8628 §3.2, §6.1: 1*VSCHAR).',
    }),
    user_code: Type.String({
      pattern: VSCHAR_PATTERN,
      description: 'The end-user verification code (RFC 8628 §3.2, §6.1: 1*VSCHAR).',
      examples: ['WDJB-MJHT'],
    }),
    verification_uri: Type.String({
      format: 'uri',
      description: 'The end-user verification URI on the authorization server (RFC 8628 §3.2).',
    }),
    verification_uri_complete: Type.Optional(
      Type.String({
        format: 'uri',
        description: 'A verification URI that includes the user code, for non-textual transmission.',
      }),
    ),
    expires_in: Type.Integer({
      minimum: 1,
      maximum: MAX_SAFE_SECONDS,
      description: 'The lifetime in seconds of the device_code and user_code.',
      examples: [600],
    }),
    interval: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_SAFE_SECONDS,
        description: 'The minimum number of seconds the client waits between polling requests; 5 if absent.',
        examples: [5],
      }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/device-authorization-response.schema.json',
    title: 'DeviceAuthorizationResponse',
    description: 'Device authorization response (RFC 8628 §3.2). Unknown members are allowed and ignored.',
  },
)
export type DeviceAuthorizationResponseWire = Static<typeof DeviceAuthorizationResponseWire>
