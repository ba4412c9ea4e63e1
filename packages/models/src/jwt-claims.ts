import Type from 'typebox'
import { MAX_SAFE_SECONDS } from './grammar.js'

// Building blocks shared by the JWT claim sets and the messages that echo them (RFC 7519, RFC 7662).
// Factories, so that each schema carries its own description.

/**
 * RFC 7519 §2 NumericDate: seconds since the epoch. RFC 7519 allows a fraction; every issuer this
 * stack talks to (and `jose`) writes whole seconds, so a fraction is refused as drift, like a string.
 */
export const NumericDate = (description: string) =>
  Type.Integer({ minimum: 0, maximum: MAX_SAFE_SECONDS, description })

/** RFC 7519 §4.1.3: one audience as a string, or several as a non-empty array of strings. */
export const Audience = (description: string) =>
  Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
    description,
  })

/** OpenID Connect Core §2: `sub` is a locally unique identifier of at most 255 ASCII characters. */
export const OidcSubject = () =>
  Type.String({
    pattern: '^[\\x20-\\x7E]{1,255}$',
    description: 'Subject identifier: locally unique, never reassigned, at most 255 ASCII characters.',
  })

/** RFC 7519 §4.1 StringOrURI claims such as `iss`, `jti`, `acr`: any non-empty string. */
export const NonEmptyString = (description: string) => Type.String({ minLength: 1, description })

/** OpenID Connect Core §2 `amr`: the authentication methods used, e.g. `["pwd", "otp"]`. */
export const AuthenticationMethods = () =>
  Type.Array(Type.String({ minLength: 1 }), {
    description: 'Authentication Methods References (RFC 8176 values such as "pwd", "mfa").',
  })

export { copyAudience } from './codecs/audience.js'
