import { CLIENT_ASSERTION_ALGORITHMS } from '../client-assertion.js'
import { CLIENT_AUTHENTICATION_METHODS } from '../client-authentication.js'
import { DPOP_SIGNING_ALGORITHMS } from '../dpop/proof.js'
import { GRANT_TYPES } from '../grants/registry.js'
import type { ServerContext } from '../server-context.js'
import { ID_TOKEN_SIGNING_ALGORITHMS } from '../tokens.js'
import type { EndpointPaths } from './paths.js'

/**
 * RFC 8414 / OpenID Connect Discovery metadata (one document for both well-known paths); `baseUrl`
 * prefixes each endpoint path, `registration` says whether RFC 7591 registration is offered.
 */
export function discoveryDocument(
  context: Pick<ServerContext, 'issuer' | 'scopes' | 'settings'>,
  paths: EndpointPaths,
  baseUrl: string,
  registration: boolean,
): Record<string, unknown> {
  const url = (path: string) => `${baseUrl}${path}`
  return {
    issuer: context.issuer,
    authorization_endpoint: url(paths.authorization),
    token_endpoint: url(paths.token),
    pushed_authorization_request_endpoint: url(paths.pushedAuthorizationRequest),
    require_pushed_authorization_requests: context.settings.requirePushedAuthorizationRequests,
    jwks_uri: url(paths.jwks),
    userinfo_endpoint: url(paths.userinfo),
    revocation_endpoint: url(paths.revocation),
    introspection_endpoint: url(paths.introspection),
    ...(registration ? { registration_endpoint: url(paths.registration) } : {}),
    device_authorization_endpoint: url(paths.deviceAuthorization),
    end_session_endpoint: url(paths.endSession),
    scopes_supported: [...context.scopes],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    // OpenID Connect Discovery §3: request_uri_parameter_supported defaults to true, so say false.
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    grant_types_supported: [...GRANT_TYPES],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTHENTICATION_METHODS],
    // RFC 8414 §2: required when private_key_jwt is listed; `none` never is.
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTHENTICATION_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTHENTICATION_METHODS.filter((m) => m !== 'none'),
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    code_challenge_methods_supported: ['S256'],
    subject_types_supported: ['public'],
    // OpenID Connect Discovery §3: RS256 must be listed; it is the default of every client.
    id_token_signing_alg_values_supported: [...ID_TOKEN_SIGNING_ALGORITHMS],
    claims_supported: [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'at_hash',
      'azp',
      'name',
      'preferred_username',
      'email',
      'email_verified',
    ],
    authorization_response_iss_parameter_supported: true,
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGORITHMS],
  }
}
