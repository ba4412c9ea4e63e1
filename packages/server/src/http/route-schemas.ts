import {
  CreateOAuthAppRequestWire,
  OAuthAppListWire,
  OAuthAppTokenListWire,
  OAuthAppWire,
  OAuthAppWithSecretWire,
  ResourceParameter,
  RevokedOAuthAppTokensWire,
  ScopeCatalogueWire,
  UpdateOAuthAppRequestWire,
  wireSchemas,
} from '@pipeshub/models'
import Type from 'typebox'
import type { EndpointPaths } from '../endpoints/paths.js'

/**
 * The route schema of one endpoint the plugin mounts: Fastify's schema members (`body`, `querystring`,
 * `response` by status) plus documentation (`summary`, `description`, `tags`, `consumes`: request media
 * types, form-encoded and JSON when absent). A response is a schema (JSON body) or `{ description,
 * content }`. The plugin validates with the models' compiled codecs; these schemas describe the same
 * wire shapes for OpenAPI documents: every body is a `@pipeshub/models` wire schema.
 */
export interface OAuthRouteSchema {
  summary: string
  description?: string
  tags: readonly string[]
  consumes?: readonly string[]
  body?: unknown
  querystring?: unknown
  /** Path parameters (`/:clientId`). */
  params?: unknown
  /** Request headers the route reads (OpenAPI header parameters). */
  headers?: unknown
  response: Record<string, unknown>
  /**
   * OpenAPI security requirements, alternatives (names of `oauthSecuritySchemes`); `{}` is "none of
   * them": a public client (`none`) or credentials in the body (`client_secret_post`, which OpenAPI
   * has no scheme for); `[]` is a public endpoint.
   */
  security: ReadonlyArray<Readonly<Record<string, readonly string[]>>>
}

/**
 * The OpenAPI security schemes of the plugin's routes. `client_secret_post` (RFC 6749 §2.3.1: `client_id`
 * and `client_secret` as body parameters) is no OpenAPI scheme type; the request bodies document those
 * parameters and the operations list it as the `{}` alternative.
 */
export const oauthSecuritySchemes = {
  clientSecretBasic: {
    type: 'http',
    scheme: 'basic',
    description:
      'client_secret_basic (RFC 6749 §2.3.1): the client id and secret, each form-urlencoded, as the Basic user and password. Alternatives: client_secret_post (client_id and client_secret in the body) or, for a public client, client_id alone.',
  },
  bearerAccessToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token of this server (RFC 6750, RFC 9068 JWT).',
  },
  dpopAccessToken: {
    type: 'http',
    scheme: 'dpop',
    description:
      'A DPoP-bound access token of this server (RFC 9449 §7.1): `Authorization: DPoP <token>` with a `DPoP` proof of its key for the request (htm, htu, ath). Such a token is refused as Bearer.',
  },
  personalAccessToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      "An end-user's personal access token (`phpat_...`, from `/api/v1/personal-access-tokens`), sent as a Bearer token.",
  },
  registrationToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An RFC 7591 initial access token (registration, when it is not open) or the RFC 7592 registration access token of the client.',
  },
} as const

/** Token and revocation: HTTP Basic, or the body (client_secret_post, or a public client's client_id). */
const CLIENT_AUTHENTICATION = [{ clientSecretBasic: [] }, {}] as const
const PUBLIC = [] as const

/**
 * RFC 9449 §4.1: the DPoP proof a client may send with its token (and pushed authorization) request;
 * the server binds what it issues to the proof's key. Documented so a client's proof is no drift.
 */
const DPoPRequestHeaders = Type.Object({
  DPoP: Type.Optional(
    Type.String({ description: 'A DPoP proof JWT (RFC 9449 §4.2) of the key the tokens are bound to.' }),
  ),
})

/** The §5.2 error body, for responses that carry it. */
export const OAuthErrorResponseBody = wireSchemas.OAuthErrorResponse

/** RFC 6749 §5.1: responses carrying tokens must not be cached (`headers` of an OpenAPI response). */
const NoStoreResponseHeaders = {
  'Cache-Control': {
    description: 'Always `no-store` (RFC 6749 §5.1).',
    required: true,
    schema: Type.Literal('no-store'),
  },
  Pragma: {
    description: 'Always `no-cache` (RFC 6749 §5.1).',
    required: true,
    schema: Type.Literal('no-cache'),
  },
}

/** RFC 6749 §5.2 / RFC 6750 §3: the challenge of a 401 answer. */
const challengeHeader = (scheme: string) => ({
  'WWW-Authenticate': {
    description: `The ${scheme} authentication challenge (RFC 7235).`,
    required: true,
    schema: Type.String({ pattern: `^${scheme}( .*)?$` }),
  },
})

/** Authorization request parameters (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export const AuthorizationRequestQuery = Type.Object({
  response_type: Type.Literal('code', {
    description: 'Only the authorization code flow (not sent with request_uri).',
  }),
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
  resource: Type.Optional(
    ResourceParameter(
      'RFC 8707: the resource server(s) the tokens are for; repeat the parameter for several.',
    ),
  ),
  max_age: Type.Optional(
    Type.String({
      pattern: '^[0-9]+$',
      description:
        'Seconds since the end-user last signed in after which they must sign in again (OIDC Core); 0 acts like prompt=login.',
    }),
  ),
  prompt: Type.Optional(
    Type.String({ description: '`login` forces a new sign-in; `none` never shows a page.' }),
  ),
})

/**
 * The pushed authorization request (RFC 9126 §2.1): the authorization request parameters, and the
 * client's authentication as at the token endpoint.
 */
export const PushedAuthorizationRequestBody = Type.Object({
  ...AuthorizationRequestQuery.properties,
  client_id: Type.Optional(
    Type.String({ description: 'The client identifier; optional with HTTP Basic, which names it.' }),
  ),
  client_secret: Type.Optional(Type.String({ description: 'client_secret_post (RFC 6749 §2.3.1).' })),
})

/** The redirect to the client that ends an authorization request (RFC 6749 §4.1.2, RFC 9207). */
export const AuthorizationRedirectResponse = {
  description:
    'Redirect to the client: `code`, `state` and `iss` on approval; `error` (access_denied, login_required, ...) otherwise.',
  content: {},
}

/**
 * The schemas of every route `oauth2Plugin` mounts at `paths`, keyed `"<method> <path>"` (lowercase
 * method), e.g. `"post /api/v1/oauth2/token"`. What the host's authorization hook answers (pages) is the
 * host's to add.
 */
export function oauthRouteSchemas(paths: EndpointPaths): Map<string, OAuthRouteSchema> {
  const error = OAuthErrorResponseBody
  /** The answers every client-authenticating POST endpoint shares: failed authentication, method, storage. */
  const clientAuthenticatedPostErrors = {
    401: {
      description: 'invalid_client: the client authentication failed.',
      content: { 'application/json': { schema: error } },
      headers: challengeHeader('Basic'),
    },
    405: {
      description: 'invalid_request: another method than POST (the Allow header names POST).',
      content: { 'application/json': { schema: error } },
    },
    503: error,
  }
  const schemas = new Map<string, OAuthRouteSchema>()
  schemas.set(`post ${paths.token}`, {
    summary: 'Token endpoint (RFC 6749 §3.2)',
    description:
      'client_credentials, authorization_code (PKCE), refresh_token and device_code (RFC 8628) grants; client authentication by HTTP Basic, body, or none for public clients.',
    tags: ['oauth2'],
    security: CLIENT_AUTHENTICATION,
    headers: DPoPRequestHeaders,
    body: wireSchemas.TokenRequest,
    response: {
      200: {
        description: 'The token response (RFC 6749 §5.1).',
        content: { 'application/json': { schema: wireSchemas.OAuthTokenResponse } },
        headers: NoStoreResponseHeaders,
      },
      400: {
        description:
          'invalid_request (also for another content type, an oversized or malformed body), invalid_grant, invalid_scope, unauthorized_client, unsupported_grant_type; for the device_code grant also authorization_pending, slow_down, access_denied, expired_token (RFC 8628 §3.5).',
        content: { 'application/json': { schema: error } },
      },
      ...clientAuthenticatedPostErrors,
    },
  })
  schemas.set(`post ${paths.deviceAuthorization}`, {
    summary: 'Device authorization endpoint (RFC 8628 §3.1)',
    description:
      'A device without a browser asks for a device code and a user code; the end-user approves at verification_uri, the device polls the token endpoint with grant_type urn:ietf:params:oauth:grant-type:device_code.',
    tags: ['oauth2'],
    security: CLIENT_AUTHENTICATION,
    body: wireSchemas.DeviceAuthorizationRequest,
    response: {
      200: {
        description: 'The device authorization response (RFC 8628 §3.2).',
        content: { 'application/json': { schema: wireSchemas.DeviceAuthorizationResponse } },
        headers: NoStoreResponseHeaders,
      },
      400: {
        description: 'invalid_request, invalid_scope, invalid_target, unauthorized_client (RFC 8628 §3.2).',
        content: { 'application/json': { schema: error } },
      },
      ...clientAuthenticatedPostErrors,
    },
  })
  schemas.set(`post ${paths.pushedAuthorizationRequest}`, {
    summary: 'Pushed authorization request endpoint (RFC 9126 §2)',
    description:
      'The authorization request, pushed with client authentication as at the token endpoint; the answer is a single-use request_uri for the authorization endpoint (client_id and request_uri only). A request_uri inside the pushed request is refused.',
    tags: ['oauth2'],
    security: CLIENT_AUTHENTICATION,
    consumes: ['application/x-www-form-urlencoded'],
    headers: DPoPRequestHeaders,
    body: PushedAuthorizationRequestBody,
    response: {
      201: {
        description: 'The request_uri and its lifetime (RFC 9126 §2.2).',
        content: { 'application/json': { schema: wireSchemas.PushedAuthorizationResponse } },
        headers: NoStoreResponseHeaders,
      },
      400: {
        description:
          "The authorization endpoint's errors, as a body (RFC 9126 §2.3): invalid_request, invalid_scope, unauthorized_client, unsupported_response_type, invalid_target.",
        content: { 'application/json': { schema: error } },
      },
      ...clientAuthenticatedPostErrors,
    },
  })
  schemas.set(`post ${paths.revocation}`, {
    summary: 'Token revocation (RFC 7009)',
    tags: ['oauth2'],
    security: CLIENT_AUTHENTICATION,
    body: wireSchemas.RevocationRequest,
    response: { 200: { description: 'Revoked, or unknown token.', content: {} }, 400: error, 401: error },
  })
  schemas.set(`post ${paths.introspection}`, {
    summary: 'Token introspection (RFC 7662)',
    description: 'For authenticated (confidential) clients only: HTTP Basic or client_secret_post.',
    tags: ['oauth2'],
    security: CLIENT_AUTHENTICATION,
    body: wireSchemas.IntrospectionRequest,
    response: { 200: wireSchemas.IntrospectionResponse, 400: error, 401: error },
  })
  for (const method of ['get', 'post']) {
    schemas.set(`${method} ${paths.userinfo}`, {
      summary: 'OpenID Connect UserInfo',
      tags: ['openid'],
      security: [{ bearerAccessToken: [] }, { dpopAccessToken: [] }, { personalAccessToken: [] }],
      response: {
        200: wireSchemas.UserInfoResponse,
        401: {
          description:
            'No access token: an empty body and only the Bearer challenge (RFC 6750 section 3.1); an invalid one: invalid_token.',
          content: { 'application/json': { schema: error } },
        },
        403: error,
      },
    })
  }
  schemas.set(`get ${paths.authorization}`, {
    summary: 'Authorization endpoint (RFC 6749 §3.1)',
    tags: ['oauth2'],
    security: PUBLIC,
    querystring: AuthorizationRequestQuery,
    response: {
      302: AuthorizationRedirectResponse,
      400: {
        description: 'Unknown client or redirect URI: answered, never redirected.',
        content: { 'application/json': { schema: error } },
      },
    },
  })
  schemas.set(`post ${paths.authorization}`, {
    summary: 'Authorization endpoint (RFC 6749 §3.1), form post of the authorization request',
    tags: ['oauth2'],
    security: PUBLIC,
    consumes: ['application/x-www-form-urlencoded'],
    body: AuthorizationRequestQuery,
    response: {
      302: AuthorizationRedirectResponse,
      400: {
        description: 'Unknown client or redirect URI: answered, never redirected.',
        content: { 'application/json': { schema: error } },
      },
    },
  })
  for (const method of ['get', 'post'] as const) {
    schemas.set(`${method} ${paths.endSession}`, {
      summary:
        method === 'get'
          ? 'End-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2)'
          : 'End-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2), form post',
      description:
        'Ends the browser session at the OP. post_logout_redirect_uri must be registered for the client, which id_token_hint (an ID token issued here, expired or not) or client_id identifies; state is passed back. A request that cannot be validated is answered, never redirected (§4).',
      tags: ['openid'],
      security: PUBLIC,
      ...(method === 'get'
        ? { querystring: wireSchemas.EndSessionRequest }
        : { consumes: ['application/x-www-form-urlencoded'], body: wireSchemas.EndSessionRequest }),
      response: {
        200: { description: "The host's logout confirmation or logged-out page.", content: {} },
        204: { description: 'Logged out, no post-logout redirect (no logout page mounted).', content: {} },
        302: {
          description: 'Logged out: redirect to post_logout_redirect_uri, with state.',
          content: {},
        },
        400: {
          description:
            'invalid_request: an id_token_hint not issued here, a client_id other than its audience, an unknown client, or a post_logout_redirect_uri not registered for the client.',
          content: { 'application/json': { schema: error } },
        },
      },
    })
  }
  for (const path of [paths.openidConfiguration, paths.oauthAuthorizationServer]) {
    schemas.set(`get ${path}`, {
      summary: 'Authorization server metadata (RFC 8414, OpenID Connect Discovery)',
      tags: ['discovery'],
      security: PUBLIC,
      response: { 200: wireSchemas.AuthorizationServerMetadata },
    })
  }
  schemas.set(`get ${paths.jwks}`, {
    summary: 'Public signing keys (RFC 7517)',
    tags: ['discovery'],
    security: PUBLIC,
    response: { 200: wireSchemas.JsonWebKeySet },
  })
  const unauthorized = {
    description:
      'invalid_token: a missing or wrong initial or registration access token (WWW-Authenticate: Bearer).',
    content: { 'application/json': { schema: error } },
  }
  const clientId = Type.Object({ clientId: Type.String({ description: 'The registered client_id.' }) })
  schemas.set(`post ${paths.registration}`, {
    summary: 'Dynamic client registration (RFC 7591 §3); present when registration is configured',
    description:
      'Open, or with `Authorization: Bearer <initial access token>`. 400 errors: invalid_redirect_uri, invalid_client_metadata, invalid_request.',
    tags: ['registration'],
    consumes: ['application/json'],
    body: wireSchemas.ClientRegistrationRequest,
    response: { 201: wireSchemas.ClientRegistrationResponse, 400: error, 401: unauthorized },
    security: [{}, { registrationToken: [] }],
  })
  schemas.set(`get ${paths.registration}/:clientId`, {
    summary: 'Read a registration (RFC 7592 §2.1), with its registration access token',
    tags: ['registration'],
    params: clientId,
    response: { 200: wireSchemas.ClientRegistrationResponse, 401: unauthorized },
    security: [{ registrationToken: [] }],
  })
  schemas.set(`put ${paths.registration}/:clientId`, {
    summary: 'Replace the metadata of a registration (RFC 7592 §2.2); the body carries client_id',
    tags: ['registration'],
    consumes: ['application/json'],
    params: clientId,
    body: wireSchemas.ClientRegistrationRequest,
    response: { 200: wireSchemas.ClientRegistrationResponse, 400: error, 401: unauthorized },
    security: [{ registrationToken: [] }],
  })
  schemas.set(`delete ${paths.registration}/:clientId`, {
    summary: 'Delete a registration (RFC 7592 §2.3): the client is disabled, its tokens stop being active',
    tags: ['registration'],
    params: clientId,
    response: { 204: { description: 'Deleted.', content: {} }, 401: unauthorized },
    security: [{ registrationToken: [] }],
  })
  const apps = paths.oauthClients
  const adminOnly = [{ bearerAccessToken: ['org:admin'] }, { dpopAccessToken: ['org:admin'] }]
  const appId = Type.Object({ appId: Type.String({ description: 'The app (its client_id).' }) })
  const adminErrors = {
    401: {
      description:
        "invalid_request (no Bearer token) or invalid_token: an administrator's access token is needed.",
      content: { 'application/json': { schema: error } },
      headers: challengeHeader('Bearer'),
    },
    403: {
      description:
        'insufficient_scope (the token lacks org:admin) or access_denied (its end-user is not an administrator).',
      content: { 'application/json': { schema: error } },
    },
  }
  const badApp = {
    description:
      'invalid_request (a member of the body is wrong), invalid_client_metadata, invalid_redirect_uri.',
    content: { 'application/json': { schema: error } },
  }
  const notFound = {
    description: 'invalid_request: no app with this id.',
    content: { 'application/json': { schema: error } },
  }
  const appOperation = (
    method: string,
    path: string,
    summary: string,
    response: Record<string, unknown>,
    extra: Partial<OAuthRouteSchema> = {},
  ) =>
    schemas.set(`${method} ${path}`, {
      summary,
      tags: ['oauth-apps'],
      security: adminOnly,
      ...(path.includes(':appId') ? { params: appId } : {}),
      ...extra,
      response: {
        ...response,
        ...adminErrors,
        ...(path.includes(':appId') ? { 404: notFound } : {}),
        503: error,
      },
    })
  appOperation('get', apps, 'List the OAuth apps', { 200: OAuthAppListWire })
  appOperation(
    'post',
    apps,
    'Create an OAuth app; a confidential one answers its secret, this once',
    {
      201: Type.Union([OAuthAppWithSecretWire, OAuthAppWire]),
      400: badApp,
    },
    { consumes: ['application/json'], body: CreateOAuthAppRequestWire },
  )
  appOperation('get', `${apps}/:appId`, 'Read an OAuth app', { 200: OAuthAppWire })
  appOperation(
    'put',
    `${apps}/:appId`,
    'Change an OAuth app: the members given; null clears an optional one',
    {
      200: OAuthAppWire,
      400: badApp,
    },
    { consumes: ['application/json'], body: UpdateOAuthAppRequestWire },
  )
  appOperation('delete', `${apps}/:appId`, 'Delete an OAuth app, revoking its grants and tokens', {
    204: { description: 'Deleted.', content: {} },
  })
  appOperation(
    'post',
    `${apps}/:appId/regenerate-secret`,
    'Give a confidential app a new secret; the old one stops working at once',
    {
      200: OAuthAppWithSecretWire,
      400: {
        description: 'invalid_request: a public app has no secret.',
        content: { 'application/json': { schema: error } },
      },
    },
  )
  appOperation(
    'post',
    `${apps}/:appId/suspend`,
    'Suspend an app: its authentication fails and its tokens are inactive until activated',
    { 200: OAuthAppWire },
  )
  appOperation('post', `${apps}/:appId/activate`, 'Activate a suspended app again', { 200: OAuthAppWire })
  appOperation('get', `${apps}/:appId/tokens`, "The app's live tokens of end-users' grants", {
    200: OAuthAppTokenListWire,
  })
  appOperation(
    'post',
    `${apps}/:appId/revoke-all-tokens`,
    'Revoke every grant of the app; every access token issued until now becomes inactive',
    { 200: RevokedOAuthAppTokensWire },
  )
  schemas.set(`get ${paths.oauthClients}/scopes`, {
    summary: 'The scope catalogue: every scope the server knows, with its description and category',
    description:
      "PipesHub's OAuth app management API (present when mounted); public, like discovery's scopes_supported.",
    tags: ['oauth-apps'],
    security: PUBLIC,
    response: { 200: ScopeCatalogueWire },
  })
  const bearerRefused = {
    description:
      'No access token: an empty body and only the Bearer challenge (RFC 6750 section 3.1); an invalid one, or one not issued to an end-user: invalid_token.',
    content: { 'application/json': { schema: error } },
  }
  const forbidden = {
    description:
      'insufficient_scope: the access token lacks openid, or is a personal access token (they cannot manage personal access tokens).',
    content: { 'application/json': { schema: error } },
  }
  const endUser = [{ bearerAccessToken: [] }, { dpopAccessToken: [] }] as const
  schemas.set(`get ${paths.personalAccessTokens}`, {
    summary: "List the end-user's live personal access tokens (never their values)",
    description: 'Authenticated by an access token of this server issued to the end-user, carrying openid.',
    tags: ['personal-access-tokens'],
    response: { 200: wireSchemas.PersonalAccessTokenList, 401: bearerRefused, 403: forbidden },
    security: endUser,
  })
  schemas.set(`post ${paths.personalAccessTokens}`, {
    summary: 'Create a personal access token; its value is in this answer only',
    description:
      'The scopes must be known and held by the access token making the request (offline_access is refused). 400 errors: invalid_request (a bad body, or the per-user limit of live tokens reached), invalid_scope.',
    tags: ['personal-access-tokens'],
    consumes: ['application/json'],
    body: wireSchemas.PersonalAccessTokenCreateRequest,
    response: {
      201: {
        description: 'The token, with its value (shown once: only its hash is stored).',
        content: { 'application/json': { schema: wireSchemas.CreatedPersonalAccessToken } },
        headers: NoStoreResponseHeaders,
      },
      400: error,
      401: bearerRefused,
      403: forbidden,
    },
    security: endUser,
  })
  schemas.set(`delete ${paths.personalAccessTokens}/:id`, {
    summary: "Revoke one of the end-user's personal access tokens: it stops being active at once",
    tags: ['personal-access-tokens'],
    params: Type.Object({ id: Type.String({ description: 'The id of the token (not its value).' }) }),
    response: {
      204: { description: 'Revoked.', content: {} },
      401: bearerRefused,
      403: forbidden,
      404: {
        description: 'invalid_request: no such token of this end-user.',
        content: { 'application/json': { schema: error } },
      },
    },
    security: endUser,
  })
  const endUserForbidden = {
    description:
      'insufficient_scope: the access token lacks openid, or is a personal access token (they cannot manage the apps a user allowed).',
    content: { 'application/json': { schema: error } },
  }
  schemas.set(`get ${paths.consents}`, {
    summary: 'The apps the end-user allowed, with the scopes each was allowed and when',
    description: 'Authenticated by an access token of this server issued to the end-user, carrying openid.',
    tags: ['consents'],
    response: { 200: wireSchemas.ConsentedAppList, 401: bearerRefused, 403: endUserForbidden },
    security: endUser,
  })
  schemas.set(`delete ${paths.consents}/:clientId`, {
    summary:
      "Take back the end-user's consent to an app: every live token of the user at the app is revoked, and its next authorization request asks for consent again",
    tags: ['consents'],
    params: Type.Object({ clientId: Type.String({ description: 'The client_id of the app.' }) }),
    response: {
      204: { description: 'Revoked.', content: {} },
      401: bearerRefused,
      403: endUserForbidden,
      404: {
        description: 'invalid_request: the end-user has not allowed this app (or there is no such app).',
        content: { 'application/json': { schema: error } },
      },
    },
    security: endUser,
  })
  return schemas
}
