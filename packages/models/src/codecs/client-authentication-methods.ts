// Client authentication vocabulary, schema-free so that both entry points (and the schema files) share it.

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/**
 * The `token_endpoint_auth_method` values of RFC 7591 §2 and OpenID Connect Core §9 (the IANA OAuth
 * Token Endpoint Authentication Methods registry's first entries). The set is open.
 */
export const CLIENT_AUTHENTICATION_METHODS = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
] as const
export type ClientAuthenticationMethodName = (typeof CLIENT_AUTHENTICATION_METHODS)[number]
