import Type, { type Static } from 'typebox'
import { SCOPE_PATTERN, VSCHAR_PATTERN } from './grammar.js'

// RFC 7591 §2 client metadata, as a client registers it (§3.1) and the server echoes it (§3.2.1,
// RFC 7592 §3). Unknown members are allowed: RFC 7591 §2 says a server ignores metadata it does not
// understand. Consistency across members (grant and response types, redirect URIs) is
// `clientMetadataProblem`'s, since a schema cannot say "redirect_uris when authorization_code".

const url = (description: string) => Type.String({ format: 'uri', description })
const text = (description: string) => Type.String({ minLength: 1, description })

/** The client authentication methods a registered client may choose (RFC 7591 §2). */
export const CLIENT_REGISTRATION_AUTH_METHODS = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
] as const
export type ClientRegistrationAuthMethod = (typeof CLIENT_REGISTRATION_AUTH_METHODS)[number]

/** The grant types a registered client may ask for. */
export const CLIENT_REGISTRATION_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
] as const
export type ClientRegistrationGrantType = (typeof CLIENT_REGISTRATION_GRANT_TYPES)[number]

/** RFC 7591 §2 client metadata, camelCase. */
export interface ClientMetadata {
  /** Redirection URIs, compared exactly; https, or http on a loopback address. */
  redirectUris?: string[] | undefined
  /**
   * OpenID Connect RP-Initiated Logout 1.0 §3.1: where the OP may send the browser after logout,
   * compared exactly; the same rules as `redirectUris`.
   */
  postLogoutRedirectUris?: string[] | undefined
  /**
   * Default `client_secret_basic`; `none` registers a public client (PKCE); `private_key_jwt` (RFC
   * 7523 §2.2) a client without a secret that signs assertions with a key of `jwks` or `jwksUri`.
   */
  tokenEndpointAuthMethod?: ClientRegistrationAuthMethod | undefined
  /** Default `["authorization_code"]`. */
  grantTypes?: ClientRegistrationGrantType[] | undefined
  /** Default `["code"]`; `code` exactly when `authorization_code` is among the grant types. */
  responseTypes?: 'code'[] | undefined
  clientName?: string | undefined
  clientUri?: string | undefined
  logoUri?: string | undefined
  /** Space-separated scopes the client may request. */
  scope?: string | undefined
  contacts?: string[] | undefined
  tosUri?: string | undefined
  policyUri?: string | undefined
  softwareId?: string | undefined
  softwareVersion?: string | undefined
  /**
   * RFC 9449 §5.2: the client always uses DPoP at the token endpoint; a token request without a
   * proof is refused (`invalid_dpop_proof`). Default false.
   */
  dpopBoundAccessTokens?: boolean | undefined
  /** RFC 7591 §2: the client's public keys, for `private_key_jwt`; never with `jwksUri`. */
  jwks?: { keys: Array<Record<string, unknown>> } | undefined
  /** RFC 7591 §2: where the client publishes its public keys (https), for `private_key_jwt`. */
  jwksUri?: string | undefined
  /** RFC 7591 §2: the one JWS algorithm of the client's assertions (`private_key_jwt`). */
  tokenEndpointAuthSigningAlg?: string | undefined
}

const metadataMembers = {
  redirect_uris: Type.Optional(
    Type.Array(url('A redirection URI (RFC 6749 §3.1.2).'), {
      description: 'Redirection URIs of the client, compared by exact string.',
    }),
  ),
  post_logout_redirect_uris: Type.Optional(
    Type.Array(url('A post-logout redirection URI (OpenID Connect RP-Initiated Logout 1.0 §3.1).'), {
      description: 'Where the OP may redirect the browser after logout, compared by exact string.',
    }),
  ),
  token_endpoint_auth_method: Type.Optional(
    Type.Union(
      [
        Type.Literal('none'),
        Type.Literal('client_secret_basic'),
        Type.Literal('client_secret_post'),
        Type.Literal('private_key_jwt'),
      ],
      { description: 'How the client authenticates at the token endpoint; none for a public client.' },
    ),
  ),
  grant_types: Type.Optional(
    Type.Array(
      Type.Union([
        Type.Literal('authorization_code'),
        Type.Literal('refresh_token'),
        Type.Literal('client_credentials'),
      ]),
      {
        description: 'Grant types the client will use.',
      },
    ),
  ),
  response_types: Type.Optional(
    Type.Array(Type.Literal('code'), { description: 'Response types the client will use.' }),
  ),
  client_name: Type.Optional(text('Human-readable name of the client.')),
  client_uri: Type.Optional(url('Home page of the client.')),
  logo_uri: Type.Optional(url('Logo of the client.')),
  scope: Type.Optional(
    Type.String({ pattern: SCOPE_PATTERN, description: 'Scopes the client may request.' }),
  ),
  contacts: Type.Optional(
    Type.Array(text('A way to reach the people responsible for the client, e.g. an e-mail address.'), {}),
  ),
  tos_uri: Type.Optional(url('Terms of service of the client.')),
  policy_uri: Type.Optional(url('Privacy policy of the client.')),
  software_id: Type.Optional(text('Identifier of the client software, the same for every instance.')),
  software_version: Type.Optional(text('Version of the client software.')),
  jwks: Type.Optional(
    Type.Object(
      {
        // How many and which keys is the server's to check (checkClientJwks: 1-10 public keys).
        keys: Type.Array(Type.Object({ kty: Type.String({ minLength: 1 }) }), {
          description: 'Public JWKs (RFC 7517).',
        }),
      },
      { description: "The client's public keys for private_key_jwt (RFC 7591 §2); never with jwks_uri." },
    ),
  ),
  jwks_uri: Type.Optional(
    url('Where the client publishes its public keys for private_key_jwt (RFC 7591 §2); never with jwks.'),
  ),
  token_endpoint_auth_signing_alg: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'The one JWS algorithm of the client assertions (RFC 7591 §2, private_key_jwt).',
    }),
  ),
  dpop_bound_access_tokens: Type.Optional(
    Type.Boolean({
      description:
        'RFC 9449 §5.2: whether the client always uses DPoP for token requests; a token request without a proof is then refused. Default false.',
    }),
  ),
}

export const ClientRegistrationRequestWire = Type.Object(metadataMembers, {
  $id: 'https://schemas.pipeshub.com/oauth/client-registration-request.schema.json',
  title: 'ClientRegistrationRequest',
  description:
    'Dynamic client registration request (RFC 7591 §3.1) and client update request (RFC 7592 §2.2, with client_id). Unknown members are ignored.',
})
export type ClientRegistrationRequestWire = Static<typeof ClientRegistrationRequestWire>

/** RFC 7591 §3.2.1 / RFC 7592 §3: the registered client. */
export interface ClientRegistrationResponse extends ClientMetadata {
  clientId: string
  /** Returned at registration only; absent for public clients. */
  clientSecret?: string | undefined
  clientIdIssuedAt?: number | undefined
  /** 0: the secret does not expire. Present whenever `clientSecret` is. */
  clientSecretExpiresAt?: number | undefined
  /** RFC 7592 §3: the Bearer token for reading, updating and deleting this registration. */
  registrationAccessToken?: string | undefined
  /** RFC 7592 §3: the client configuration endpoint of this registration. */
  registrationClientUri?: string | undefined
}

export const ClientRegistrationResponseWire = Type.Object(
  {
    client_id: Type.String({ pattern: VSCHAR_PATTERN, description: 'The client identifier issued.' }),
    client_secret: Type.Optional(Type.String({ pattern: VSCHAR_PATTERN, description: 'The client secret.' })),
    client_id_issued_at: Type.Optional(
      Type.Integer({ minimum: 0, description: 'When it was issued, epoch s.' }),
    ),
    client_secret_expires_at: Type.Optional(
      Type.Integer({ minimum: 0, description: 'When the secret expires, epoch s; 0 for never.' }),
    ),
    registration_access_token: Type.Optional(
      Type.String({
        pattern: VSCHAR_PATTERN,
        description: 'Bearer token of the client configuration endpoint.',
      }),
    ),
    registration_client_uri: Type.Optional(url('The client configuration endpoint (RFC 7592 §3).')),
    ...metadataMembers,
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/client-registration-response.schema.json',
    title: 'ClientRegistrationResponse',
    description: 'Client information response (RFC 7591 §3.2.1, RFC 7592 §3).',
  },
)
export type ClientRegistrationResponseWire = Static<typeof ClientRegistrationResponseWire>

/** What is wrong with a registration, as the RFC 7591 §3.2.2 error it answers. */
export interface ClientMetadataProblem {
  error: 'invalid_redirect_uri' | 'invalid_client_metadata'
  description: string
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * The rules a schema cannot state, checked after it: redirect URIs (and post-logout redirect URIs)
 * absolute, without fragment, https or http on a loopback host (RFC 8252 §7.3); `code` exactly with `authorization_code` (RFC 7591 §2.1);
 * `refresh_token` only with `authorization_code`; `client_credentials` only for a client with a secret;
 * redirect URIs when `authorization_code`. Defaults as RFC 7591 §2 gives them. `undefined` when good.
 */
export function clientMetadataProblem(metadata: ClientMetadata): ClientMetadataProblem | undefined {
  const redirect = (description: string) => ({ error: 'invalid_redirect_uri' as const, description })
  const invalid = (description: string) => ({ error: 'invalid_client_metadata' as const, description })
  const uriProblem = (uri: string, what: string): string | undefined => {
    let url: URL
    try {
      url = new URL(uri)
    } catch {
      return `${what} ${uri} is not an absolute URI`
    }
    if (uri.includes('#')) return `${what} ${uri} has a fragment`
    const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)
    if (url.protocol !== 'https:' && !loopback)
      return `${what} ${uri} must use https (http only on a loopback address)`
    return undefined
  }
  for (const uri of metadata.redirectUris ?? []) {
    const problem = uriProblem(uri, 'redirect URI')
    if (problem !== undefined) return redirect(problem)
  }
  // OpenID Connect Registration defines invalid_redirect_uri for redirect_uris only.
  for (const uri of metadata.postLogoutRedirectUris ?? []) {
    const problem = uriProblem(uri, 'post-logout redirect URI')
    if (problem !== undefined) return invalid(problem)
  }
  const grants = metadata.grantTypes ?? ['authorization_code']
  const responses = metadata.responseTypes ?? (grants.includes('authorization_code') ? ['code'] : [])
  const method = metadata.tokenEndpointAuthMethod ?? 'client_secret_basic'
  if (grants.length === 0) return invalid('grant_types must name at least one grant type')
  if (grants.includes('authorization_code') !== responses.includes('code'))
    return invalid('response_types must be ["code"] exactly when grant_types has authorization_code')
  if (grants.includes('refresh_token') && !grants.includes('authorization_code'))
    return invalid('refresh_token is only granted with authorization_code')
  if (grants.includes('client_credentials') && method === 'none')
    return invalid('client_credentials needs a client secret: token_endpoint_auth_method cannot be none')
  if (grants.includes('authorization_code') && (metadata.redirectUris ?? []).length === 0)
    return redirect('authorization_code needs at least one redirect URI')
  const keyed = metadata.jwks !== undefined || metadata.jwksUri !== undefined
  // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present.
  if (metadata.jwks !== undefined && metadata.jwksUri !== undefined)
    return invalid('jwks and jwks_uri must not both be present')
  if ((method === 'private_key_jwt') !== keyed)
    return invalid('private_key_jwt needs jwks or jwks_uri, and they are only for private_key_jwt')
  if (metadata.tokenEndpointAuthSigningAlg !== undefined && method !== 'private_key_jwt')
    return invalid('token_endpoint_auth_signing_alg is only for private_key_jwt')
  if (metadata.jwksUri !== undefined) {
    const problem = uriProblem(metadata.jwksUri, 'jwks_uri')
    if (problem !== undefined) return invalid(problem)
  }
  return undefined
}
