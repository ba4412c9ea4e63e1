// RFC 9126 vocabulary, schema-free so that both entry points (and the schema files) share it.

/**
 * The URN namespace RFC 9126 §7.1 registers for request URIs (`urn:ietf:params:oauth:request_uri:<id>`).
 * A server may use any URI; this is the form the RFC's examples and most servers use.
 */
export const REQUEST_URI_URN_PREFIX = 'urn:ietf:params:oauth:request_uri:'
