import Type, { type Static } from 'typebox'
import { SCOPE_TOKEN_PATTERN } from './grammar.js'
import { NonEmptyString } from './jwt-claims.js'

// PipesHub's OAuth app management API (`/api/v1/oauth-clients`) speaks its frontend's camelCase JSON:
// the wire names are PipesHub's, so wire and model are one shape. Requests refuse unknown members, so a
// misspelt field is an error instead of a silent no-op.

const httpsUrl = (description: string) =>
  Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://', description })
const Scope = Type.String({ pattern: SCOPE_TOKEN_PATTERN, maxLength: 200 })
const GrantTypeName = Type.String({
  minLength: 1,
  maxLength: 200,
  description:
    'A grant type this server supports (authorization_code, refresh_token, client_credentials, ...).',
})
const Lifetime = (min: number, max: number, what: string) =>
  Type.Integer({ minimum: min, maximum: max, description: `${what} lifetime in seconds (${min}-${max}).` })
const OptionalNull = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]))

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200, description: 'The name shown to users.' }),
  description: OptionalNull(Type.String({ maxLength: 1000, description: 'What the app does, in words.' })),
  logoUrl: OptionalNull(httpsUrl('URL of the logo the consent page shows.')),
  homepageUrl: OptionalNull(httpsUrl("URL of the app's home page.")),
  privacyPolicyUrl: OptionalNull(httpsUrl("URL of the app's privacy policy.")),
  redirectUris: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
    maxItems: 100,
    description: 'Redirect URIs, compared by exact string (https, http only for loopback).',
  }),
  postLogoutRedirectUris: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
    maxItems: 100,
    description:
      'Where the sign-out endpoint may send the browser after logout (OpenID Connect RP-Initiated Logout 1.0), compared by exact string.',
  }),
  webOrigins: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
    maxItems: 100,
    description: 'Origins of browser apps allowed to call the token endpoint (CORS).',
  }),
  allowedGrantTypes: Type.Array(GrantTypeName, { maxItems: 10, description: 'Grant types the app may use.' }),
  allowedScopes: Type.Array(Scope, { maxItems: 200, description: 'Scopes the app may request.' }),
  accessTokenLifetime: OptionalNull(Lifetime(300, 86_400, 'Access-token')),
  refreshTokenLifetime: OptionalNull(Lifetime(3_600, 31_536_000, 'Refresh-token')),
  dpopBoundAccessTokens: Type.Boolean({
    description:
      'RFC 9449 §5.2 dpop_bound_access_tokens: every token request of the app must carry a DPoP proof (default false).',
  }),
}

export const OAuthAppStatus = Type.Union([Type.Literal('active'), Type.Literal('suspended')], {
  description: 'active, or suspended: its authentication fails and its tokens are inactive until activated.',
})

export const OAuthAppWire = Type.Object(
  {
    clientId: NonEmptyString('The client_id.'),
    name: editable.name,
    description: Type.Optional(editable.description.anyOf[0]),
    logoUrl: Type.Optional(editable.logoUrl.anyOf[0]),
    homepageUrl: Type.Optional(editable.homepageUrl.anyOf[0]),
    privacyPolicyUrl: Type.Optional(editable.privacyPolicyUrl.anyOf[0]),
    redirectUris: editable.redirectUris,
    postLogoutRedirectUris: Type.Optional(editable.postLogoutRedirectUris),
    webOrigins: editable.webOrigins,
    allowedGrantTypes: editable.allowedGrantTypes,
    allowedScopes: editable.allowedScopes,
    isConfidential: Type.Boolean({ description: 'Confidential (has a secret) or public (PKCE, no secret).' }),
    accessTokenLifetime: Type.Optional(editable.accessTokenLifetime.anyOf[0]),
    refreshTokenLifetime: Type.Optional(editable.refreshTokenLifetime.anyOf[0]),
    dpopBoundAccessTokens: Type.Optional(editable.dpopBoundAccessTokens),
    status: OAuthAppStatus,
    createdAt: Type.String({ format: 'date-time', description: 'When the app was created.' }),
  },
  {
    title: 'OAuthApp',
    description: 'An OAuth app (client) as PipesHub app management shows it; never its secret.',
    additionalProperties: false,
  },
)
export type OAuthAppWire = Static<typeof OAuthAppWire>

export const OAuthAppWithSecretWire = Type.Object(
  {
    ...OAuthAppWire.properties,
    clientSecret: Type.String({
      minLength: 16,
      description: 'The client secret, shown this once and never stored in plain text.',
    }),
  },
  {
    title: 'OAuthAppWithSecret',
    description: 'A confidential app just created or given a new secret, with that secret.',
    additionalProperties: false,
  },
)
export type OAuthAppWithSecretWire = Static<typeof OAuthAppWithSecretWire>

export const CreateOAuthAppRequestWire = Type.Object(
  {
    name: editable.name,
    description: editable.description,
    logoUrl: editable.logoUrl,
    homepageUrl: editable.homepageUrl,
    privacyPolicyUrl: editable.privacyPolicyUrl,
    redirectUris: Type.Optional(editable.redirectUris),
    postLogoutRedirectUris: Type.Optional(editable.postLogoutRedirectUris),
    webOrigins: Type.Optional(editable.webOrigins),
    allowedGrantTypes: Type.Optional(editable.allowedGrantTypes),
    allowedScopes: editable.allowedScopes,
    isConfidential: Type.Optional(
      Type.Boolean({ description: 'Default true; false creates a public client (no secret, PKCE).' }),
    ),
    accessTokenLifetime: editable.accessTokenLifetime,
    refreshTokenLifetime: editable.refreshTokenLifetime,
    dpopBoundAccessTokens: Type.Optional(editable.dpopBoundAccessTokens),
  },
  {
    title: 'CreateOAuthAppRequest',
    description: 'POST /api/v1/oauth-clients: a new app.',
    additionalProperties: false,
  },
)
export type CreateOAuthAppRequestWire = Static<typeof CreateOAuthAppRequestWire>

export const UpdateOAuthAppRequestWire = Type.Object(
  {
    name: Type.Optional(editable.name),
    description: editable.description,
    logoUrl: editable.logoUrl,
    homepageUrl: editable.homepageUrl,
    privacyPolicyUrl: editable.privacyPolicyUrl,
    redirectUris: Type.Optional(editable.redirectUris),
    postLogoutRedirectUris: Type.Optional(editable.postLogoutRedirectUris),
    webOrigins: Type.Optional(editable.webOrigins),
    allowedGrantTypes: Type.Optional(editable.allowedGrantTypes),
    allowedScopes: Type.Optional(editable.allowedScopes),
    accessTokenLifetime: editable.accessTokenLifetime,
    refreshTokenLifetime: editable.refreshTokenLifetime,
    dpopBoundAccessTokens: Type.Optional(editable.dpopBoundAccessTokens),
  },
  {
    title: 'UpdateOAuthAppRequest',
    description:
      'PUT /api/v1/oauth-clients/{appId}: the members given change, the others stay; null clears an optional member (a lifetime goes back to the server default).',
    additionalProperties: false,
    minProperties: 1,
  },
)
export type UpdateOAuthAppRequestWire = Static<typeof UpdateOAuthAppRequestWire>

export const OAuthAppListWire = Type.Object(
  { apps: Type.Array(OAuthAppWire) },
  {
    title: 'OAuthAppList',
    description: 'GET /api/v1/oauth-clients: every app, oldest first.',
    additionalProperties: false,
  },
)
export type OAuthAppListWire = Static<typeof OAuthAppListWire>

export const OAuthAppTokenWire = Type.Object(
  {
    tokenType: Type.Union([Type.Literal('access_token'), Type.Literal('refresh_token')]),
    grantId: NonEmptyString('The grant (refresh-token family) the token belongs to.'),
    userId: NonEmptyString('The end-user the token was issued for (sub).'),
    scope: Type.Array(Scope),
    issuedAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  {
    title: 'OAuthAppToken',
    description: 'A live token of an app (never the token itself).',
    additionalProperties: false,
  },
)
export type OAuthAppTokenWire = Static<typeof OAuthAppTokenWire>

export const OAuthAppTokenListWire = Type.Object(
  { tokens: Type.Array(OAuthAppTokenWire) },
  {
    title: 'OAuthAppTokenList',
    description:
      "GET /api/v1/oauth-clients/{appId}/tokens: the app's live tokens of end-users' grants, by issue time (client_credentials tokens are stored nowhere and not listed).",
    additionalProperties: false,
  },
)
export type OAuthAppTokenListWire = Static<typeof OAuthAppTokenListWire>

export const RevokedOAuthAppTokensWire = Type.Object(
  {
    revokedGrants: Type.Integer({ minimum: 0, description: 'How many live grants were revoked.' }),
  },
  {
    title: 'RevokedOAuthAppTokens',
    description:
      'POST /api/v1/oauth-clients/{appId}/revoke-all-tokens: every grant revoked and every access token issued until now inactive.',
    additionalProperties: false,
  },
)
export type RevokedOAuthAppTokensWire = Static<typeof RevokedOAuthAppTokensWire>
