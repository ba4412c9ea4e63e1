import { wireSchemas } from '@pipeshub/models'
import type { EndpointPaths } from '@pipeshub/server'
import Type from 'typebox'

/**
 * Route schemas of the endpoints `@pipeshub/server`'s plugin mounts (it validates with the models'
 * compiled codecs, not with Fastify route schemas), for the OpenAPI document. Every body here is a
 * models wire schema: the token response IS `OAuthTokenResponseWire`.
 */
export type RouteDocumentation = Record<string, unknown>

const error = wireSchemas.OAuthErrorResponse
const json = (description: string) => ({ description, content: { 'application/json': { schema: error } } })
const rateLimited = json('Too many requests (see Retry-After): error temporarily_unavailable.')

/** Authorization request parameters (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export const AuthorizationRequestQuery = Type.Object({
  response_type: Type.Literal('code', { description: 'Only the authorization code flow.' }),
  client_id: Type.String({ description: 'The client identifier.' }),
  redirect_uri: Type.Optional(
    Type.String({ description: 'A redirect URI registered for the client (exact match).' }),
  ),
  scope: Type.Optional(Type.String({ description: 'Space-delimited scopes.' })),
  state: Type.String({ description: 'Opaque value echoed back to the client (required).' }),
  code_challenge: Type.Optional(
    Type.String({ description: 'PKCE challenge (RFC 7636); required for public clients.' }),
  ),
  code_challenge_method: Type.Optional(Type.Literal('S256')),
  nonce: Type.Optional(Type.String({ description: 'Echoed in the ID token.' })),
  prompt: Type.Optional(
    Type.String({ description: '`login` forces a new sign-in; `none` never shows a page.' }),
  ),
})

const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: Type.String() } },
})
const redirect = {
  description:
    'Redirect to the client: `code`, `state` and `iss` on approval; `error` (access_denied, login_required, ...) otherwise.',
  content: {},
}

export function oauthRouteDocumentation(paths: EndpointPaths): Map<string, RouteDocumentation> {
  const documented = new Map<string, RouteDocumentation>()
  documented.set(`post ${paths.token}`, {
    summary: 'Token endpoint (RFC 6749 §3.2)',
    description:
      'client_credentials, authorization_code (PKCE) and refresh_token grants; client authentication by HTTP Basic, body, or none for public clients. Rate limited per client id.',
    tags: ['oauth2'],
    body: wireSchemas.TokenRequest,
    response: { 200: wireSchemas.OAuthTokenResponse, 400: error, 401: error, 429: rateLimited, 503: error },
  })
  documented.set(`post ${paths.revocation}`, {
    summary: 'Token revocation (RFC 7009)',
    tags: ['oauth2'],
    body: wireSchemas.RevocationRequest,
    response: { 200: { description: 'Revoked, or unknown token.', content: {} }, 400: error, 401: error },
  })
  documented.set(`post ${paths.introspection}`, {
    summary: 'Token introspection (RFC 7662)',
    tags: ['oauth2'],
    body: wireSchemas.IntrospectionRequest,
    response: { 200: wireSchemas.IntrospectionResponse, 400: error, 401: error },
  })
  for (const method of ['get', 'post']) {
    documented.set(`${method} ${paths.userinfo}`, {
      summary: 'OpenID Connect UserInfo',
      tags: ['openid'],
      response: { 200: wireSchemas.UserInfoResponse, 401: error, 403: error },
    })
  }
  documented.set(`get ${paths.authorization}`, {
    summary: 'Authorization endpoint (RFC 6749 §3.1): sign-in and consent pages',
    tags: ['oauth2'],
    querystring: AuthorizationRequestQuery,
    response: {
      200: html('The sign-in or consent page.'),
      302: redirect,
      400: json('Unknown client or redirect URI: shown, never redirected (HTML to browsers).'),
    },
  })
  documented.set(`post ${paths.authorization}`, {
    summary: 'Sign-in and consent form submissions (`username`/`password`, `consent=granted|denied`)',
    tags: ['oauth2'],
    consumes: ['application/x-www-form-urlencoded'],
    body: Type.Object({
      ...AuthorizationRequestQuery.properties,
      csrf_token: Type.String({ description: 'The token of the form (CSRF protection).' }),
      username: Type.Optional(Type.String()),
      password: Type.Optional(Type.String()),
      consent: Type.Optional(Type.Union([Type.Literal('granted'), Type.Literal('denied')])),
    }),
    response: {
      200: html('The next page (consent), or the form again with its error.'),
      303: redirect,
      401: html('Wrong username or password.'),
      403: html('The form expired (CSRF token missing or wrong).'),
      429: html('Too many sign-in attempts (see Retry-After).'),
    },
  })
  for (const path of [paths.openidConfiguration, paths.oauthAuthorizationServer]) {
    documented.set(`get ${path}`, {
      summary: 'Authorization server metadata (RFC 8414, OpenID Connect Discovery)',
      tags: ['discovery'],
      response: { 200: wireSchemas.AuthorizationServerMetadata },
    })
  }
  documented.set(`get ${paths.jwks}`, {
    summary: 'Public signing keys (RFC 7517)',
    tags: ['discovery'],
    response: { 200: wireSchemas.JsonWebKeySet },
  })
  return documented
}
