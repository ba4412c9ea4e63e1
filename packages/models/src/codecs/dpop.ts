// DPoP vocabulary (RFC 9449), schema-free so that both entry points (and the schema files) share it.

/** RFC 9449 §4.2: the `typ` header parameter of every DPoP proof JWT. */
export const DPOP_PROOF_JWT_TYPE = 'dpop+jwt'
/** RFC 9449 §7.1: the HTTP authentication scheme (and token type) of DPoP-bound access tokens. */
export const DPOP_SCHEME = 'DPoP'
