import type { CallOptions } from './http.js'

/**
 * The parameters of an extension grant's token request (RFC 6749 §4.5), as the grant defines them.
 * An array sends the parameter once per value (e.g. RFC 8693 `resource` and `audience`).
 */
export type ExtensionGrantParameters = Readonly<Record<string, string | readonly string[]>>

export interface ExtensionGrantOptions extends CallOptions {
  /**
   * Whether sending this exact request twice is harmless. Only then is it retried after network
   * errors and 5xx. Default `false`: an assertion with a `jti` (RFC 7523) or a one-time token may be
   * single-use, and a request that reached the server before the connection broke would be replayed;
   * it is then re-sent only after a 429, which the server answers without processing the request.
   * Say `true` only when the grant's specification or your server allows it.
   */
  idempotent?: boolean | undefined
}

/** The grants this client has its own method for, which checks what that grant needs. */
const DEDICATED_METHOD: Readonly<Record<string, string>> = {
  authorization_code: 'exchangeAuthorizationCode()',
  refresh_token: 'refresh()',
  client_credentials: 'clientCredentials()',
  'urn:ietf:params:oauth:grant-type:device_code': 'pollDeviceAuthorization()',
}

/** Parameters the client sets itself: the grant type, and client authentication (RFC 6749 §2.3). */
const RESERVED = new Set(['grant_type', 'client_id', 'client_secret'])

/** RFC 6749 Appendix A.10: a registered grant name, or an absolute URI (RFC 6749 §4.5). */
const GRANT_NAME = /^[-._A-Za-z0-9]+$/
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/

/** The form body of an extension grant request; throws a `TypeError` naming what is wrong. */
export function extensionGrantBody(grantType: string, parameters: ExtensionGrantParameters): URLSearchParams {
  if (typeof grantType !== 'string' || !(GRANT_NAME.test(grantType) || ABSOLUTE_URI.test(grantType))) {
    throw new TypeError(
      'grantType must be an absolute URI (RFC 6749 §4.5, e.g. urn:ietf:params:oauth:grant-type:jwt-bearer) or a registered grant name',
    )
  }
  const dedicated = DEDICATED_METHOD[grantType]
  if (dedicated !== undefined) {
    throw new TypeError(`grantType ${grantType}: use ${dedicated}, which checks what that grant needs`)
  }
  const body = new URLSearchParams({ grant_type: grantType })
  for (const [name, value] of Object.entries(parameters)) {
    if (RESERVED.has(name)) {
      throw new TypeError(
        name === 'grant_type'
          ? 'parameters.grant_type: the grant type is the first argument of grant()'
          : `parameters.${name}: client authentication is added by the client (clientAuthentication option)`,
      )
    }
    const values: readonly unknown[] = typeof value === 'string' ? [value] : value
    if (!Array.isArray(values) || !values.every((item) => typeof item === 'string')) {
      throw new TypeError(`parameters.${name} must be a string or an array of strings`)
    }
    for (const item of values as readonly string[]) body.append(name, item)
  }
  return body
}
