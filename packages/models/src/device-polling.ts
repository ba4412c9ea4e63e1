// The numbers and codes of RFC 8628 polling, schema-free so that `@pipeshub/models/codecs` carries them.

/** RFC 8628 §3.5 (and RFC 6749 §5.2): the error codes a polling device receives from the token endpoint. */
export const DEVICE_ACCESS_TOKEN_ERROR_CODES = [
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
] as const
export type DeviceAccessTokenErrorCode = (typeof DEVICE_ACCESS_TOKEN_ERROR_CODES)[number]

/** RFC 8628 §3.2: the polling interval a client uses when the response carries none, in seconds. */
export const DEFAULT_DEVICE_POLLING_INTERVAL = 5
/** RFC 8628 §3.5: by how many seconds a client raises its polling interval on each `slow_down`. */
export const SLOW_DOWN_INTERVAL_INCREMENT = 5
